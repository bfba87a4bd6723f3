import type { Telegram } from 'telegraf';
import type { Logger } from '../../src/logger.js';

/** The slice of Telegraf's Bot API client this adapter uses (so it is easy to see and to swap). */
export type TelegramApi = Pick<
  Telegram,
  | 'getMe'
  | 'sendMessage'
  | 'sendPhoto'
  | 'editMessageText'
  | 'editMessageReplyMarkup'
  | 'editMessageCaption'
  | 'deleteMessage'
  | 'answerCbQuery'
  | 'setMyCommands'
  | 'setWebhook'
  | 'deleteWebhook'
  | 'callApi'
>;

/** Only the logger methods used here, so tests can pass a tiny recorder. */
export type TelegramLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Shape of Telegraf's TelegramError, checked structurally (no reliance on one module instance). */
export interface TelegramApiErrorLike {
  code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export function isTelegramApiError(error: unknown): error is TelegramApiErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; description?: unknown; response?: { error_code?: unknown } };
  return typeof e.response?.error_code === 'number' && typeof e.code === 'number' && typeof e.description === 'string';
}
