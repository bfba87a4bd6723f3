export interface RateLimiter {
  /** Resolves when one more message may go to this chat without breaking either limit. */
  acquire(chatId: string): Promise<void>;
}

export interface RateLimiterOptions {
  perChatPerSec: number;
  globalPerSec: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Extra spacing (fraction). Telegram counts arrivals, which jitter by a few ms; sending exactly
   * at the cap would now and then put one message too many into its window.
   */
  headroom?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spacing limiter: sends in one chat are at least 1/perChat s apart, sends overall at least
 * 1/global s apart (so no 1 s window ever holds more than the cap). Slots are reserved when
 * `acquire` is called, so concurrent callers are served in call order; a chat waiting for its own
 * slot does not hold up other chats.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const headroom = 1 + (options.headroom ?? 0.05);
  const chatGap = (1000 / options.perChatPerSec) * headroom;
  const globalGap = (1000 / options.globalPerSec) * headroom;
  const chatNext = new Map<string, number>();
  /** Reserved global send times, ascending. */
  let reserved: number[] = [];

  function reserve(chatId: string, now: number): number {
    reserved = reserved.filter((s) => s + globalGap > now);
    let t = Math.max(now, chatNext.get(chatId) ?? now);
    let index = 0;
    // Earliest t that keeps a full gap to every reserved neighbour.
    for (; index < reserved.length; index++) {
      const s = reserved[index]!;
      if (t + globalGap <= s) break;
      if (s + globalGap > t) t = s + globalGap;
    }
    reserved.splice(index, 0, t);
    chatNext.set(chatId, t + chatGap);
    if (chatNext.size > 10_000) {
      for (const [id, next] of chatNext) if (next <= now) chatNext.delete(id);
    }
    return t;
  }

  return {
    async acquire(chatId) {
      const now = clock();
      const slot = reserve(chatId, now);
      if (slot > now) await sleep(slot - now);
    },
  };
}
