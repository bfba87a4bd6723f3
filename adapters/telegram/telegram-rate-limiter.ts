import type { Db } from '../../src/db/database.js';
import { bookSendTurns, delaySendTurn } from '../../src/db/repositories/send-turn.repository.js';
import type { DeliveryPriority } from '../../src/ports/channel.port.js';

export interface RateLimiter {
  /** Resolves when one more message may go to this chat without breaking Telegram's limits. */
  acquire(chatId: string, priority?: DeliveryPriority): Promise<void>;
}

/** What a booking got: `booked` turns, the first at theoretical time `first`, the next one gap later. */
export interface Booking {
  booked: number;
  first: number;
}

/**
 * Where turns are booked. Telegram's limits are per bot, so feebot keeps them in the database
 * (createDbTurnStore): every instance sharing the token draws on one budget.
 */
export interface TurnStore {
  /**
   * Token bucket as a schedule (GCRA): turns of `key` have theoretical times at least `gap` apart
   * and may be used up to `tolerance` before their time (the burst). Books up to `count` turns that
   * may be used by `until`, atomically; with none booked, `first` says when the next one could be.
   */
  book(key: string, now: number, gap: number, tolerance: number, count: number, until: number): Promise<Booking>;
  /** Moves the key's next turn to `at` unless it is later already (a turn used late counts from its use). */
  delay(key: string, at: number): Promise<void>;
}

export interface RateLimiterOptions {
  perChatPerSec: number;
  globalPerSec: number;
  /** Default: this process only (tests); production passes createDbTurnStore. */
  store?: TurnStore;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Extra spacing within a chat (fraction): arrivals jitter by a few ms. */
  headroom?: number;
  /** Messages a chat may get at once in reply to its user (Telegram allows short bursts). Bulk gets none. */
  chatBurst?: number;
  /** Bot-wide burst for interactive sends; the sustained rate leaves room for it within any second. */
  globalBurst?: number;
  /** Share of the sustained bot-wide rate bulk sends may use at most (default 0.8). */
  bulkShare?: number;
}

interface Waiter {
  chatId: string;
  bulk: boolean;
  /** When the chat's booked turn may be used. */
  readyAt: number;
  tolerance: number;
  grant: (at: number) => void;
}

/** A bot-wide turn this process booked: usable from `from` until `until`. */
interface Turn {
  from: number;
  until: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/**
 * Turns booked at once for waiting interactive sends, up to this many gaps ahead: one store round
 * trip serves several, so instances sharing the budget spend less of it waiting on each other.
 */
const MAX_BATCH = 4;

/** GCRA booking shared by both stores (times in the store's unit). */
export function bookFrom(tat: number | null, now: number, gap: number, tolerance: number, count: number, until: number): Booking & { next: number } {
  const first = Math.max(tat ?? now, now);
  let booked = 0;
  while (booked < count && first + booked * gap - tolerance <= until) booked++;
  return { booked, first, next: first + booked * gap };
}

/** Turns kept in this process: right for one instance (and the limiter's own tests). */
export function createMemoryTurnStore(): TurnStore {
  const tats = new Map<string, number>();
  return {
    async book(key, now, gap, tolerance, count, until) {
      const { booked, first, next } = bookFrom(tats.get(key) ?? null, now, gap, tolerance, count, until);
      if (booked > 0) {
        tats.delete(key);
        tats.set(key, next);
        if (tats.size > 10_000) tats.delete(tats.keys().next().value!);
      }
      return { booked, first };
    },
    async delay(key, at) {
      if ((tats.get(key) ?? -Infinity) < at) tats.set(key, at);
    },
  };
}

/** Turns in the database, shared by every instance (`telegram:<bot id>`, `…:bulk` and one key per chat). */
export function createDbTurnStore(db: Db, botKey: string): TurnStore {
  const us = (ms: number) => (Number.isFinite(ms) ? Math.round(ms * 1000) : ms);
  const dbKey = (key: string) => `telegram:${botKey}${key === 'global' ? '' : `:${key}`}`;
  return {
    async book(key, now, gap, tolerance, count, until) {
      const { booked, firstUs } = await bookSendTurns(db, dbKey(key), us(now), us(gap), us(tolerance), count, us(until));
      return { booked, first: firstUs / 1000 };
    },
    delay: (key, at) => delaySendTurn(db, dbKey(key), us(at)),
  };
}

/**
 * Token buckets, kept as schedules of turns in the store so every instance shares them:
 * - per chat: `chatBurst` messages at once for replies to the user's own action, then 1/perChat s
 *   apart; bulk sends are spaced from the start and leave the burst alone;
 * - bot-wide: a sustained rate of `globalPerSec − globalBurst − 1` plus a burst of `globalBurst`,
 *   so any 1 s window holds at most globalPerSec − 1 sends even with timer lateness (one message of
 *   jitter to spare). Interactive waiters go first and book several turns per round trip; bulk
 *   takes a turn only when nothing is queued ahead of it bot-wide (the burst stays for replies) and
 *   at most `bulkShare` of the sustained rate.
 * A booked turn not used within a quarter gap of its time is dropped rather than used late: after an
 * event-loop stall sends resume at the rate, never as a crowd of overdue ones.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const store = options.store ?? createMemoryTurnStore();
  const chatGap = (1000 / options.perChatPerSec) * (1 + (options.headroom ?? 0.05));
  const chatTolerance = (Math.max(1, options.chatBurst ?? 3) - 1) * chatGap;
  const cap = options.globalPerSec;
  const burst = Math.max(1, Math.min(options.globalBurst ?? 2, Math.floor(cap / 10)));
  const rate = Math.max(cap - burst - 1, cap / 2);
  const globalGap = 1000 / rate;
  const globalTolerance = (burst - 1) * globalGap;
  const lateness = globalGap / 4;
  // Bulk's share is of Telegram's nominal cap (0.8 × 30 = 24/s), within the sustained rate; its turns
  // may come one gap early, so a pump that wakes late catches up instead of losing the turn.
  const bulkGap = Math.max(globalGap, 1000 / (cap * (options.bulkShare ?? 0.8)));
  const queue: Waiter[] = [];
  let turns: Turn[] = [];
  let pumping = false;
  let bulkShareHeld = false;
  let wake: (() => void) | null = null;

  /** Sleeps, but a new waiter ends the nap early (it may be ready now). */
  function nap(ms: number): Promise<void> {
    return Promise.race([sleep(Math.max(1, ms)), new Promise<void>((resolve) => (wake = resolve))]).finally(() => (wake = null));
  }

  const grantedHere = new Map<string, number>(); // last grant per chat in this process
  // Sends to one chat queued together here: each also waits a chat gap after the previous grant.
  const readyAt = (w: Waiter) => Math.max(w.readyAt, (grantedHere.get(w.chatId) ?? -Infinity) + chatGap - w.tolerance);

  function grant(waiter: Waiter): void {
    const now = clock();
    queue.splice(queue.indexOf(waiter), 1);
    grantedHere.delete(waiter.chatId);
    grantedHere.set(waiter.chatId, now);
    if (grantedHere.size > 10_000) grantedHere.delete(grantedHere.keys().next().value!);
    waiter.grant(now);
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (queue.length > 0) {
        const now = clock();
        turns = turns.filter((t) => t.until >= now);
        const interactive = queue.filter((w) => !w.bulk && readyAt(w) <= now);
        if (interactive.length > 0) {
          const turn = turns.find((t) => t.from <= now);
          if (turn) {
            turns.splice(turns.indexOf(turn), 1);
            grant(interactive[0]!);
            continue;
          }
          if (turns.length > 0) {
            await nap(Math.min(...turns.map((t) => t.from)) - now);
            continue;
          }
          const count = Math.min(interactive.length, MAX_BATCH);
          const { booked, first } = await store.book('global', now, globalGap, globalTolerance, count, now + count * globalGap);
          for (let i = 0; i < booked; i++) {
            const at = first + i * globalGap;
            turns.push({ from: at - globalTolerance, until: at + lateness });
          }
          if (booked === 0) await nap(first - globalTolerance - now);
          continue;
        }
        const bulk = queue.find((w) => w.bulk && readyAt(w) <= now);
        if (bulk) {
          // A share turn booked while the bot-wide turn was busy is kept for the next try, not lost.
          if (!bulkShareHeld) {
            const share = await store.book('bulk', now, bulkGap, bulkGap, 1, now);
            if (share.booked === 0) {
              await nap(share.first - bulkGap - now);
              continue;
            }
            bulkShareHeld = true;
          }
          // No tolerance and not ahead of time: only when no interactive turn is booked ahead.
          const turn = await store.book('global', now, globalGap, 0, 1, now);
          if (turn.booked === 0) {
            await nap(turn.first - now);
            continue;
          }
          // The chat's turn is booked only now, when the send can go: booked at acquire, a bulk send
          // waiting behind replies would push the chat's own replies back for as long as it waits.
          const chatTurn = await store.book(`chat:${bulk.chatId}`, now, chatGap, 0, 1, now);
          if (chatTurn.booked === 0) {
            bulk.readyAt = chatTurn.first;
            continue;
          }
          bulkShareHeld = false;
          grant(bulk);
          continue;
        }
        await nap(queue.reduce((min, w) => Math.min(min, readyAt(w)), Infinity) - now);
      }
    } finally {
      pumping = false;
    }
  }

  // Chat records being written after a grant; the chat's next acquire here waits for its own.
  const pendingDelays = new Map<string, Promise<void>>();

  return {
    async acquire(chatId, priority = 'interactive') {
      const bulk = priority === 'bulk';
      const tolerance = bulk ? 0 : chatTolerance;
      // The chat's turn is booked now (one delivery per chat runs at a time: its outbox lane).
      const key = `chat:${chatId}`;
      await pendingDelays.get(key);
      // Bulk books its chat turn when granted (in pump); a reply books it now, burst included.
      const { first } = bulk ? { first: clock() } : await store.book(key, clock(), chatGap, tolerance, 1, Infinity);
      const granted = await new Promise<number>((resolve) => {
        queue.push({ chatId, bulk, readyAt: first - tolerance, tolerance, grant: resolve });
        if (!pumping) void pump();
        else wake?.();
      });
      // Granted after its chat turn (the bot-wide budget was busy): the chat's next turn counts from
      // the real send, so two sends to a chat never come closer than the chat allows.
      // Not awaited: the send goes out in its bot-wide turn, not a database round trip later (a slow
      // write under load let granted sends reach Telegram together). The chat's next send starts
      // only after this one is answered (its lane), by which time the record is in.
      if (!bulk && granted > first + 1) {
        const write = store.delay(key, granted + chatGap).catch(() => undefined);
        pendingDelays.set(key, write);
        void write.finally(() => {
          if (pendingDelays.get(key) === write) pendingDelays.delete(key);
        });
      }
    },
  };
}
