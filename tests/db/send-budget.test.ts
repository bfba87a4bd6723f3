import { describe, expect, it } from 'vitest';
import { createDbTurnStore, createRateLimiter } from '../../adapters/telegram/telegram-rate-limiter.js';
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
          await limiter.sent(chat);
        }),
      ]),
    );
    for (let round = 0; round < 3; round++) {
      const limiter = limiters[round]!;
      await limiter.acquire('shared');
      grants.push({ chat: 'shared', at: Date.now() });
      await limiter.sent('shared');
    }
    expect(grants).toHaveLength(63);
    expect(maxPerSecond(grants.map((g) => g.at))).toBeLessThanOrEqual(20);
    const shared = grants.filter((g) => g.chat === 'shared').map((g) => g.at);
    expect(shared[1]! - shared[0]!).toBeGreaterThanOrEqual(1000);
    expect(shared[2]! - shared[1]!).toBeGreaterThanOrEqual(1000);
  });
});
