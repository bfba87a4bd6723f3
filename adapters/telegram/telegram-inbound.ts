import type { Update } from 'telegraf/types';
import type { Lang } from '../../src/engine/state.js';
import type { Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';
import type { TelegramApi, TelegramLogger } from './telegram-api.js';
import { TELEGRAM_TEXTS } from './telegram-texts.js';

export const START_PAYLOAD_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_ACK_TEXT = 200;
/** Telegram allows ~20 messages a minute in a group; one privacy notice a minute is plenty. */
const GROUP_NOTICE_INTERVAL_MS = 60_000;

/** What to do with one Telegram update. Pure result of `parseTelegramUpdate`. */
export type ParsedUpdate =
  | { kind: 'dispatch'; update: InboundUpdate; callbackQueryId?: string }
  /** Group or supergroup: personal data stays out; tell them to use a private chat. */
  | { kind: 'group'; chatId: string; lang: Lang; callbackQueryId?: string }
  | { kind: 'ignore'; callbackQueryId?: string };

export function languageHint(code: string | undefined): Lang | undefined {
  if (!code) return undefined;
  return code.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** `/start <payload>` → start event; other text (commands included) goes to the engine as typed. */
export function parseText(raw: string): InboundUpdate['event'] {
  // `/menu@FeeBot` (a command tapped in a message) is the same command.
  const text = raw.replace(/^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]+(?=\s|$)/, '$1');
  const start = /^\/start(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (start) {
    const payload = start[1]?.trim();
    return payload && START_PAYLOAD_PATTERN.test(payload) ? { kind: 'start', payload } : { kind: 'start' };
  }
  return { kind: 'text', text };
}

export function parseTelegramUpdate(update: Update): ParsedUpdate {
  const updateId = String(update.update_id);
  if ('message' in update) {
    const message = update.message;
    const chatId = String(message.chat.id);
    const lang = languageHint(message.from?.language_code);
    const text = 'text' in message ? message.text : undefined;
    if (message.chat.type === 'group' || message.chat.type === 'supergroup') {
      // Only answer what is addressed to the bot (commands); ordinary group chatter is not ours.
      return text?.startsWith('/') ? { kind: 'group', chatId, lang: lang ?? 'zh-CN' } : { kind: 'ignore' };
    }
    if (message.chat.type !== 'private' || text === undefined) return { kind: 'ignore' };
    const inbound: InboundUpdate = {
      channel: 'telegram',
      chatId,
      updateId,
      event: parseText(text),
      inboundMessageId: String(message.message_id),
    };
    if (lang) inbound.languageHint = lang;
    return { kind: 'dispatch', update: inbound };
  }
  if ('callback_query' in update) {
    const query = update.callback_query;
    const callbackQueryId = query.id;
    const chat = query.message?.chat;
    const lang = languageHint(query.from.language_code);
    if (!chat) return { kind: 'ignore', callbackQueryId };
    if (chat.type === 'group' || chat.type === 'supergroup') {
      return { kind: 'group', chatId: String(chat.id), lang: lang ?? 'zh-CN', callbackQueryId };
    }
    if (chat.type !== 'private' || !('data' in query) || !query.data) return { kind: 'ignore', callbackQueryId };
    const inbound: InboundUpdate = {
      channel: 'telegram',
      chatId: String(chat.id),
      updateId,
      event: { kind: 'action', code: query.data },
    };
    if (lang) inbound.languageHint = lang;
    return { kind: 'dispatch', update: inbound, callbackQueryId };
  }
  return { kind: 'ignore' };
}

/** Queues a plain message to a chat in the outbox (its limits, 429 waits and retries apply). */
export type NoticeSender = (chatId: string, text: string) => Promise<void>;

export interface UpdateHandlerDeps {
  api: Pick<TelegramApi, 'answerCbQuery'>;
  /** Where the group notice goes; without one (bare adapter in tests) it is only logged. */
  sendNotice?: NoticeSender;
  logger: TelegramLogger;
  dispatcher: () => Dispatcher | null;
  /** `@username` from getMe, for the t.me link; null until known. */
  botUsername: () => string | null;
  clock?: () => number;
}

/**
 * Handles one update end to end. Never throws: a failed update is logged (Telegram would only
 * resend it, and the dispatcher's dedupe makes a resend a no-op anyway).
 */
export function createUpdateHandler(deps: UpdateHandlerDeps): (update: Update) => Promise<void> {
  const { api, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const lastGroupNotice = new Map<string, number>();

  async function answer(callbackQueryId: string | undefined, ack?: { text: string; alert: boolean }): Promise<void> {
    if (!callbackQueryId) return;
    try {
      // Always answered, or the button keeps spinning on the user's screen.
      if (ack && ack.text) await api.answerCbQuery(callbackQueryId, ack.text.slice(0, MAX_ACK_TEXT), { show_alert: ack.alert });
      else await api.answerCbQuery(callbackQueryId);
    } catch (error) {
      logger.debug({ err: errorText(error) }, 'telegram answerCallbackQuery failed');
    }
  }

  async function tellGroup(chatId: string, lang: Lang, callbackQueryId?: string): Promise<void> {
    const username = deps.botUsername();
    const notice = TELEGRAM_TEXTS[lang].privateOnly(username ? `https://t.me/${username}` : null);
    if (callbackQueryId) return answer(callbackQueryId, { text: notice, alert: true });
    const now = clock();
    if (now - (lastGroupNotice.get(chatId) ?? -Infinity) < GROUP_NOTICE_INTERVAL_MS) return;
    lastGroupNotice.set(chatId, now);
    if (lastGroupNotice.size > 10_000) lastGroupNotice.clear();
    if (!deps.sendNotice) {
      logger.warn({ chatId }, 'telegram group notice dropped: no outbox wired');
      return;
    }
    try {
      await deps.sendNotice(chatId, notice);
    } catch (error) {
      logger.warn({ chatId, err: errorText(error) }, 'telegram group notice not queued');
    }
  }

  return async (update) => {
    let parsed: ParsedUpdate;
    try {
      parsed = parseTelegramUpdate(update);
    } catch (error) {
      logger.warn({ updateId: update.update_id, err: errorText(error) }, 'telegram update not understood');
      return;
    }
    if (parsed.kind === 'ignore') return answer(parsed.callbackQueryId);
    if (parsed.kind === 'group') return tellGroup(parsed.chatId, parsed.lang, parsed.callbackQueryId);

    const dispatcher = deps.dispatcher();
    if (!dispatcher) {
      logger.error({ updateId: update.update_id }, 'telegram update dropped: no dispatcher wired');
      return answer(parsed.callbackQueryId);
    }
    let ack: { text: string; alert: boolean } | undefined;
    try {
      const outcome = await dispatcher.dispatch(parsed.update);
      ack = outcome.acks[0];
    } catch (error) {
      logger.error({ updateId: update.update_id, err: errorText(error) }, 'telegram update failed in dispatcher');
      // Stop the button's spinner, then fail the update so Telegram delivers it again.
      await answer(parsed.callbackQueryId);
      throw error;
    }
    await answer(parsed.callbackQueryId, ack);
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
