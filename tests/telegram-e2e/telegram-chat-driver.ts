import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { callbackQuery, privateMessage } from './telegram-update-builder.js';

// The student's side of a Telegram chat, over either Bot API peer: the npm telegram-test-api
// server or the project's fake Bot API. Tests drive a chat the same way on both.

export interface BotMessage {
  messageId: number;
  /** The text, or a photo's caption. */
  text: string;
  buttons: InlineKeyboardButton[][];
  photo: Buffer | null;
}

export interface TelegramChat {
  readonly chatId: number;
  /** The bot's messages now in the chat, oldest first: edits applied, deleted ones gone. */
  botMessages(): BotMessage[];
  /** Types a message (a leading `/` makes it a command); resolves with its message id. */
  sendText(text: string): Promise<number>;
  /** Presses a callback button under `message`; resolves with the callback query id ('' if the peer picks it). */
  press(message: BotMessage, data: string): Promise<string>;
  /** Whether a message the student sent is still in the chat. */
  userMessagePresent(messageId: number): boolean;
}

// Far above the fake's bot message ids (100, 101, …), so the two never collide.
let nextUserMessageId = 1_000_000;
let nextCallbackId = 1;

/**
 * A chat with the fake Bot API: updates are queued for the bot's getUpdates, and the student's own
 * messages are stored alongside the bot's so that deleteMessage really removes them.
 */
export function fakeApiChat(fake: FakeBotApi, chatId: number): TelegramChat {
  const userIds = new Set<number>();
  return {
    chatId,
    botMessages: () =>
      [...fake.messages.values()]
        .filter((m) => m.chat_id === String(chatId) && !userIds.has(m.message_id))
        .map((m) => ({
          messageId: m.message_id,
          text: m.text ?? m.caption ?? '',
          buttons: keyboardOf(m.reply_markup),
          photo: m.photo ?? null,
        })),
    async sendText(text) {
      const id = nextUserMessageId++;
      userIds.add(id);
      fake.messages.set(id, { message_id: id, chat_id: String(chatId), text });
      fake.pushUpdate({ message: privateMessage(chatId, id, text) });
      return id;
    },
    async press(message, data) {
      const id = `cb-${chatId}-${nextCallbackId++}`;
      fake.pushUpdate({ callback_query: callbackQuery(chatId, message.messageId, data, id) });
      return id;
    },
    userMessagePresent: (messageId) => fake.messages.has(messageId),
  };
}

/** A chat with telegram-test-api (in-process), through its client API and its storage. */
export function testApiChat(server: TelegramServer, token: string, chatId: number): TelegramChat {
  const client = server.getClient(token, { userId: chatId, chatId, firstName: '同学' });
  const zh = { from: { language_code: 'zh-CN' } };
  return {
    chatId,
    botMessages: () =>
      server.storage.botMessages
        .filter((u) => u.botToken === token && String(u.message.chat_id) === String(chatId))
        .map((u) => ({
          messageId: u.messageId,
          text: u.message.text,
          buttons: keyboardOf(u.message.reply_markup),
          photo: null,
        })),
    async sendText(text) {
      if (text.startsWith('/')) await client.sendCommand(client.makeCommand(text, zh));
      else await client.sendMessage(client.makeMessage(text, zh));
      // The server stores the update synchronously; its id is not in the client's answer.
      const stored = server.storage.userMessages.filter(
        (u) => u.botToken === token && 'message' in u && u.message.text === text && u.message.chat.id === chatId,
      );
      const last = stored.at(-1);
      if (!last) throw new Error(`telegram-test-api did not store the message ${JSON.stringify(text)}`);
      return last.messageId;
    },
    async press(message, data) {
      await client.sendCallback(client.makeCallbackQuery(data, { ...zh, message: { message_id: message.messageId } }));
      return '';
    },
    userMessagePresent: (messageId) => server.storage.userMessages.some((u) => u.messageId === messageId),
  };
}

export function keyboardOf(markup: unknown): InlineKeyboardButton[][] {
  const parsed = typeof markup === 'string' ? (JSON.parse(markup) as unknown) : markup;
  if (typeof parsed !== 'object' || parsed === null || !('inline_keyboard' in parsed)) return [];
  return (parsed as InlineKeyboardMarkup).inline_keyboard;
}

// ---- Peer-independent helpers ------------------------------------------------------------------

export type Label = string | RegExp;

function matches(text: string, label: Label): boolean {
  return typeof label === 'string' ? text === label : label.test(text);
}

export function findButton(message: BotMessage, label: Label): InlineKeyboardButton | undefined {
  return message.buttons.flat().find((b) => matches(b.text, label));
}

/** The callback_data of a button; throws when the message has no such callback button. */
export function callbackData(message: BotMessage, label: Label): string {
  const button = findButton(message, label);
  if (!button || !('callback_data' in button)) {
    const labels = message.buttons.flat().map((b) => b.text);
    throw new Error(`no callback button ${String(label)} in message ${message.messageId} (has ${JSON.stringify(labels)})`);
  }
  return button.callback_data;
}

/** Resolves with the newest bot message that satisfies `check`, polling the peer. */
export async function waitForBotMessage(
  chat: TelegramChat,
  check: (m: BotMessage) => boolean,
  timeoutMs = 10_000,
  what = 'bot message',
): Promise<BotMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = chat.botMessages().filter(check).at(-1);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = chat.botMessages().map((m) => `#${m.messageId} ${m.text.slice(0, 60)} ${JSON.stringify(m.buttons.flat().map((b) => b.text))}`);
      throw new Error(`timed out waiting for ${what}; chat has:\n${seen.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const withText = (part: string) => (m: BotMessage) => m.text.includes(part);
export const withButton = (label: Label) => (m: BotMessage) => findButton(m, label) !== undefined;

/** Waits for the newest message with this button and presses it. */
export async function pressButton(chat: TelegramChat, label: Label, timeoutMs?: number): Promise<{ message: BotMessage; callbackId: string }> {
  const message = await waitForBotMessage(chat, withButton(label), timeoutMs, `button ${String(label)}`);
  const callbackId = await chat.press(message, callbackData(message, label));
  return { message, callbackId };
}
