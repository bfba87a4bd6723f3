import type { Db } from '../../src/db/database.js';
import { lastSendTurn, recordSendTurn, takeSendTurn } from '../../src/db/repositories/send-turn.repository.js';

export interface RateLimiter {
  /** Resolves when one more message may go to this chat without breaking either limit. */
  acquire(chatId: string): Promise<void>;
  /**
   * The call that followed acquire() got its answer: the chat's next turn counts from now, so a
   * slow request (which may have arrived late) cannot land within a second of the next one.
   */
  sent(chatId: string): Promise<void>;
}

/**
 * Where turns are recorded. Telegram's limits are per bot, so feebot keeps them in the database
 * (createDbTurnStore): every instance sharing the token draws on one budget.
 */
export interface TurnStore {
  /**
   * Takes the bot-wide turn at `now` if the last one is at least `gap` ms ago (compare-and-set),
   * booked at its due slot when at most `slack` ms late (see takeSendTurn).
   */
  takeGlobal(now: number, gap: number, slack: number): Promise<boolean>;
  lastGlobal(): Promise<number | null>;
  /** Last turn of a chat. Only one delivery to a chat runs at a time (its outbox lane), fleet-wide. */
  lastChat(chatId: string): Promise<number | null>;
  recordChat(chatId: string, at: number): Promise<void>;
}

export interface RateLimiterOptions {
  perChatPerSec: number;
  globalPerSec: number;
  /** Default: this process only (tests); production passes createDbTurnStore. */
  store?: TurnStore;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Extra spacing (fraction). Telegram counts arrivals, which jitter by a few ms; sending exactly
   * at the cap would now and then put one message too many into its window.
   */
  headroom?: number;
  /** Lateness a turn may make up, as a fraction of the gap (default 0; see takeSendTurn). */
  slackFraction?: number;
}

interface Waiter {
  chatId: string;
  readyAt: number;
  grant: () => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Turns kept in this process: right for one instance (and the limiter's own tests). */
export function createMemoryTurnStore(): TurnStore {
  let last: number | null = null;
  const chats = new Map<string, number>();
  return {
    async takeGlobal(now, gap, slack) {
      if (last !== null && now - last < gap) return false;
      last = last !== null && last >= now - slack - gap ? last + gap : now;
      return true;
    },
    lastGlobal: async () => last,
    lastChat: async (chatId) => chats.get(chatId) ?? null,
    async recordChat(chatId, at) {
      chats.delete(chatId);
      chats.set(chatId, at);
      if (chats.size > 10_000) chats.delete(chats.keys().next().value!);
    },
  };
}

/** Turns in the database, shared by every instance (`telegram:<bot id>` and one key per chat). */
export function createDbTurnStore(db: Db, botKey: string): TurnStore {
  const us = (ms: number) => Math.round(ms * 1000);
  const ms = (value: number | null) => (value === null ? null : value / 1000);
  const globalKey = `telegram:${botKey}`;
  const chatKey = (chatId: string) => `telegram:${botKey}:${chatId}`;
  return {
    takeGlobal: (now, gap, slack) => takeSendTurn(db, globalKey, us(now), us(gap), us(slack)),
    lastGlobal: async () => ms(await lastSendTurn(db, globalKey)),
    lastChat: async (chatId) => ms(await lastSendTurn(db, chatKey(chatId))),
    recordChat: (chatId, at) => recordSendTurn(db, chatKey(chatId), us(at)),
  };
}

/**
 * Spacing limiter on real grant times: a grant happens only when, at that moment (read from the
 * clock after every wake-up), the bot's last turn — taken by any instance, compare-and-set in the
 * store — is at least 1/global s ago and the chat's last turn at least 1/perChat s ago. Nothing is
 * booked ahead, so an event-loop stall cannot release a crowd of overdue senders at once: after a
 * stall sends resume one gap apart. One pump per process serves a FIFO queue (so each instance
 * has one contender for the bot's turn); a chat waiting for its own gap does not hold up others.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const store = options.store ?? createMemoryTurnStore();
  const headroom = 1 + (options.headroom ?? 0.05);
  const chatGap = (1000 / options.perChatPerSec) * headroom;
  const globalGap = (1000 / options.globalPerSec) * headroom;
  // Lateness a turn may make up (see takeSendTurn). None: every ms of slack is taken from the
  // headroom that absorbs arrival jitter, and measured on a loaded 2-core machine even a third of a
  // gap let a second window hold one message too many. Kept as a knob for quieter hosts.
  const slack = options.slackFraction === undefined ? 0 : globalGap * options.slackFraction;
  const queue: Waiter[] = [];
  let lastGrant = -Infinity; // what this process last saw of the bot's turn
  const grantedHere = new Map<string, number>(); // chats granted by this process, for waiters queued together
  const readyAt = (w: Waiter) => Math.max(w.readyAt, (grantedHere.get(w.chatId) ?? -Infinity) + chatGap);
  let pumping = false;

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
        const index = queue.findIndex((w) => readyAt(w) <= now);
        if (index < 0) {
          // A loop, not Math.min(...spread): a bulk send may queue more waiters than a call takes arguments.
          const soonest = queue.reduce((min, w) => Math.min(min, readyAt(w)), Infinity);
          await sleep(soonest - now);
          continue;
        }
        if (!(await store.takeGlobal(now, globalGap, slack))) {
          // Another instance took the turn: wait for the gap after its grant.
          lastGrant = (await store.lastGlobal()) ?? now;
          if (lastGrant + globalGap <= clock()) lastGrant = clock() - globalGap + 1;
          continue;
        }
        const [waiter] = queue.splice(index, 1);
        // The store booked the turn at its slot when we were at most `slack` late; the next wait
        // counts from there too. One query per grant keeps this loop (it serialises the process's
        // sends) short on a busy database.
        lastGrant = lastGrant + globalGap >= now - slack ? lastGrant + globalGap : now;
        grantedHere.delete(waiter!.chatId);
        grantedHere.set(waiter!.chatId, now);
        if (grantedHere.size > 10_000) grantedHere.delete(grantedHere.keys().next().value!);
        // The chat's turn is stored by sent(), once the request was answered.
        waiter!.grant();
      }
    } finally {
      pumping = false;
    }
  }

  return {
    async sent(chatId) {
      const at = clock();
      grantedHere.delete(chatId);
      grantedHere.set(chatId, at);
      await store.recordChat(chatId, at);
    },
    async acquire(chatId) {
      const last = await store.lastChat(chatId);
      return new Promise<void>((grant) => {
        queue.push({ chatId, readyAt: (last ?? -Infinity) + chatGap, grant });
        if (!pumping) void pump();
      });
    },
  };
}
