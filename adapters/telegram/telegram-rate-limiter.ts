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

interface Waiter {
  chatId: string;
  grant: () => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MAX_TRACKED_CHATS = 10_000;

/**
 * Spacing limiter on real grant times: a grant happens only when, at that moment (read from the
 * clock after every wake-up), the last grant overall is at least 1/global s ago and the last grant
 * in this chat at least 1/perChat s ago. Nothing is booked ahead, so an event-loop stall cannot
 * release a crowd of overdue senders at once: after a stall sends resume one gap apart. One pump
 * serves a FIFO queue; a chat waiting for its own gap does not hold up other chats.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const headroom = 1 + (options.headroom ?? 0.05);
  const chatGap = (1000 / options.perChatPerSec) * headroom;
  const globalGap = (1000 / options.globalPerSec) * headroom;
  const lastChatGrant = new Map<string, number>();
  const queue: Waiter[] = [];
  let lastGrant = -Infinity;
  let pumping = false;

  const chatReadyAt = (chatId: string) => (lastChatGrant.get(chatId) ?? -Infinity) + chatGap;

  function forgetIdleChats(now: number): void {
    if (lastChatGrant.size <= MAX_TRACKED_CHATS) return;
    for (const [id, at] of lastChatGrant) if (at + chatGap <= now) lastChatGrant.delete(id);
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (queue.length > 0) {
        const now = clock();
        const globalReady = lastGrant + globalGap;
        if (now < globalReady) {
          await sleep(globalReady - now);
          continue; // re-read the clock: a late wake-up must not count as several slots
        }
        const index = queue.findIndex((w) => chatReadyAt(w.chatId) <= now);
        if (index < 0) {
          // A loop, not Math.min(...spread): a bulk send may queue more waiters than a call takes arguments.
          const soonest = queue.reduce((min, w) => Math.min(min, chatReadyAt(w.chatId)), Infinity);
          await sleep(soonest - now);
          continue;
        }
        const [waiter] = queue.splice(index, 1);
        lastGrant = now;
        lastChatGrant.set(waiter!.chatId, now);
        forgetIdleChats(now);
        waiter!.grant();
      }
    } finally {
      pumping = false;
    }
  }

  return {
    acquire(chatId) {
      return new Promise<void>((grant) => {
        queue.push({ chatId, grant });
        if (!pumping) void pump();
      });
    },
  };
}
