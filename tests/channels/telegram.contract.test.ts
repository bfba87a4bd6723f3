import type { Update } from 'telegraf/types';
import { parseTelegramUpdate } from '../../adapters/telegram/telegram-inbound.js';
import { MAX_CALLBACK_DATA_BYTES, renderView, type TelegramRendered } from '../../adapters/telegram/telegram-render.js';
import { runChannelContract, type InboundEvent, type RenderedLink } from './channel-contract.js';

const CHAT = { id: 4242, type: 'private' as const, first_name: '三' };
const FROM = { id: 4242, is_bot: false, first_name: '三', language_code: 'zh-hans' };
let updateId = 0;

/** A whole Bot API update through the adapter's real parse. */
function parse(update: Record<string, unknown>): InboundEvent | null {
  updateId += 1;
  const parsed = parseTelegramUpdate({ update_id: updateId, ...update } as unknown as Update);
  return parsed.kind === 'dispatch' ? parsed.update.event : null;
}

function message(text: string): InboundEvent | null {
  return parse({ message: { message_id: updateId + 100, date: 0, chat: CHAT, from: FROM, text } });
}

/** Links Telegram refuses as buttons are written into the text as `label: url` lines. */
function textLinks(text: string): RenderedLink[] {
  return [...text.matchAll(/^(.+): ((?:https?|tg):\/\/\S+)$/gm)].map((m) => ({ label: m[1]!, url: m[2]! }));
}

runChannelContract<TelegramRendered>('telegram', {
  render: renderView,
  texts: (r) => [r.text, ...(r.photo?.caption !== undefined ? [r.photo.caption] : [])],
  buttons: (r) =>
    (r.reply_markup?.inline_keyboard ?? []).flat().flatMap((b) => ('callback_data' in b ? [{ label: b.text, callback: b.callback_data }] : [])),
  links: (r) => [
    ...(r.reply_markup?.inline_keyboard ?? []).flat().flatMap((b) => ('url' in b ? [{ label: b.text, url: b.url }] : [])),
    ...textLinks(r.text),
  ],
  image: (r) => r.photo?.image,
  // A Telegram chat has no masked input: the prompt's text asks for the password, and the
  // transport deletes the typed message.
  passwordMasked: 'unsupported',
  maxCallbackBytes: MAX_CALLBACK_DATA_BYTES,
  parsePress: (data) =>
    parse({
      callback_query: {
        id: `cq${updateId}`,
        from: FROM,
        chat_instance: 'ci',
        message: { message_id: 7, date: 0, chat: CHAT, text: 'menu' },
        data,
      },
    }),
  parseText: message,
  parseStart: (payload) => message(payload === undefined ? '/start' : `/start ${payload}`),
});
