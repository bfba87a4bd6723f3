import { SECRET_HEADER } from '../../adapters/telegram/telegram-webhook.js';

// Bot API updates from a student in a private chat, as Telegram sends them (webhook POST or
// getUpdates), and the small steps the webhook tests repeat.

const unixNow = () => Math.floor(Date.now() / 1000);
const student = (chatId: number) => ({ id: chatId, is_bot: false, first_name: '同学', language_code: 'zh-CN' });
const privateChat = (chatId: number) => ({ id: chatId, type: 'private', first_name: '同学' });

export function privateMessage(chatId: number, messageId: number, text: string) {
  return { message_id: messageId, date: unixNow(), chat: privateChat(chatId), from: student(chatId), text };
}

/** A press on a callback button under the bot's message `messageId`. */
export function callbackQuery(chatId: number, messageId: number, data: string, id: string) {
  return {
    id,
    from: student(chatId),
    chat_instance: `ci-${chatId}`,
    data,
    message: { message_id: messageId, date: unixNow(), chat: privateChat(chatId), text: '' },
  };
}

export function textUpdate(updateId: number, chatId: number, text: string, messageId = updateId) {
  return { update_id: updateId, message: privateMessage(chatId, messageId, text) };
}

export function callbackUpdate(updateId: number, chatId: number, messageId: number, data: string, callbackId = `cb-${updateId}`) {
  return { update_id: updateId, callback_query: callbackQuery(chatId, messageId, data, callbackId) };
}

/** POSTs one update; `secret` null sends no secret header at all. */
export function postUpdate(webhookUrl: string, update: object, secret: string | null): Promise<Response> {
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { [SECRET_HEADER]: secret }) },
    body: JSON.stringify(update),
  });
}

/** Lets every due outbox entry run (twice, with a pause, so follow-ups enqueued meanwhile run too). */
export async function settle(outbox: { drain: () => Promise<void> }, pauseMs = 200): Promise<void> {
  await outbox.drain();
  await new Promise((r) => setTimeout(r, pauseMs));
  await outbox.drain();
}
