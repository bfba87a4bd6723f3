// Telegram's send limits as the benchmarks judge them: 30 messages in any 1 s bot-wide, and per chat
// about 1/s with short bursts allowed (a bucket of 3 refilled at 1/s) — the same rule the bot's own
// limiter keeps, so a reply to the student's tap right after a reminder is not counted as a violation.

export interface TelegramLimits {
  /** Any 1 s window may hold at most this many sends bot-wide (Telegram: 30). */
  globalPerSec: number;
  /** Per chat: a bucket of `chatBurst` sends refilled at `chatPerSec`. */
  chatPerSec: number;
  chatBurst: number;
}

export const TELEGRAM_LIMITS: TelegramLimits = { globalPerSec: 30, chatPerSec: 1, chatBurst: 3 };

/** One chat's bucket: `take(at)` says whether a send at `at` (ms, in time order) was over the limit. */
export function chatBucket(limits: TelegramLimits = TELEGRAM_LIMITS): { take(at: number): boolean } {
  let tokens = limits.chatBurst;
  let last: number | null = null;
  return {
    take(at) {
      if (last !== null) tokens = Math.min(limits.chatBurst, tokens + ((at - last) / 1000) * limits.chatPerSec);
      last = at;
      // A hair of tolerance for timer jitter between the bot's clock and ours.
      const over = tokens < 1 - 0.02;
      tokens = Math.max(0, tokens - 1);
      return over;
    },
  };
}
