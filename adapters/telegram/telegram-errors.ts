import { ChannelError } from '../../src/errors.js';
import { isTelegramApiError } from './telegram-api.js';

// 400s that mean the chat itself is gone: retrying can never succeed.
const CHAT_GONE = /chat not found|user not found|PEER_ID_INVALID|user is deactivated|bot was blocked|bot was kicked|group chat was (?:deactivated|upgraded)/i;

/**
 * Maps a Bot API failure to ChannelError: 429 → retryAfter (the outbox waits), 403 or a vanished
 * chat → permanent, everything else (5xx, network, other 4xx) → retryable with backoff.
 */
export function toChannelError(error: unknown, method: string): ChannelError {
  if (error instanceof ChannelError) return error;
  if (isTelegramApiError(error)) {
    const message = `telegram ${method} failed: ${error.code} ${error.description}`;
    if (error.code === 429) return new ChannelError(message, error.parameters?.retry_after ?? 1);
    if (error.code === 403) return new ChannelError(message, undefined, true);
    if (error.code === 400 && CHAT_GONE.test(error.description)) return new ChannelError(message, undefined, true);
    return new ChannelError(message);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ChannelError(`telegram ${method} failed: ${reason}`);
}

export function describes(error: unknown, pattern: RegExp): boolean {
  return isTelegramApiError(error) && pattern.test(error.description);
}

export function isBadRequest(error: unknown): boolean {
  return isTelegramApiError(error) && error.code === 400;
}
