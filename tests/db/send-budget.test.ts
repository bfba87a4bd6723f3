import { describe, expect, it } from 'vitest';
import { createDbTurnStore, createRateLimiter } from '../../adapters/telegram/telegram-rate-limiter.js';
import { bookSendTurns } from '../../src/db/repositories/send-turn.repository.js';
import { openAnotherPool, openTestDb, testStore } from '../support/test-store.js';

/** Largest number of times that fall in any 1000 ms window. */
function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe(`Telegram send budget shared through the database (${testStore})`, () => {
  it('three instances (own limiter, own connections) together stay under the bot cap and the chat cap', async () => {
    const db = await openTestDb();
    const limiters = [db, openAnotherPool(db), openAnotherPool(db)].map((pool) =>
      createRateLimiter({ perChatPerSec: 1, globalPerSec: 20, store: createDbTurnStore(pool, '42') }),
    );
    const grants: { chat: string; at: number }[] = [];
    // 60 chats over three instances, plus one chat that every instance writes to in turn.
    await Promise.all(
      limiters.flatMap((limiter, i) => [
        ...Array.from({ length: 20 }, async (_, n) => {
          const chat = `c${i}-${n}`;
          await limiter.acquire(chat);
          grants.push({ chat, at: Date.now() });
        }),
      ]),
    );
    for (let round = 0; round < 3; round++) {
      const limiter = limiters[round]!;
      // Bulk: spaced within the chat from the first message (no burst), whichever instance sends.
      await limiter.acquire('shared', 'bulk');
      grants.push({ chat: 'shared', at: Date.now() });
    }
    expect(grants).toHaveLength(63);
    expect(maxPerSecond(grants.map((g) => g.at))).toBeLessThanOrEqual(20);
    const shared = grants.filter((g) => g.chat === 'shared').map((g) => g.at);
    expect(shared[1]! - shared[0]!).toBeGreaterThanOrEqual(1000);
    expect(shared[2]! - shared[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('instances booking at once get distinct turns: one schedule, no turn given twice', async () => {
    const db = await openTestDb();
    const pools = [db, openAnotherPool(db), openAnotherPool(db)];
    const now = 5_000_000_000;
    const bookings = await Promise.all(
      pools.flatMap((pool) => Array.from({ length: 5 }, () => bookSendTurns(pool, 'telegram:7', now, 40_000, 40_000, 2, now + 10_000_000))),
    );
    const times = bookings.flatMap((b) => Array.from({ length: b.booked }, (_, i) => b.firstUs + i * 40_000)).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(0);
    expect(new Set(times).size).toBe(times.length);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(40_000);
    // Nothing usable before its time minus the tolerance: a fresh key's burst is two turns at `now`.
    expect(times[0]).toBe(now);
  });
});
