import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { createRateLimiter } from '../../adapters/telegram/telegram-rate-limiter.js';
import { startFakeBotApi, type FakeBotApi, type FakeCall } from './fake-bot-api.js';
import { silentLogger, testConfig } from './telegram-test-helpers.js';

/**
 * Virtual time: sleep() registers a timer; `advance` fires due timers in time order, letting the
 * woken code run (real macrotask turns) before the next one. `stall` moves the clock without firing
 * anything, like an event loop that was busy: afterwards every overdue timer fires at once.
 */
function virtualTime() {
  let now = 1_000_000;
  const timers: { at: number; wake: () => void }[] = [];
  const turn = () => new Promise<void>((r) => setImmediate(r));
  async function settle() {
    for (let i = 0; i < 5; i++) await turn();
  }
  return {
    clock: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
    async advance(ms: number) {
      const until = now + ms;
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.wake();
        await settle();
      }
      now = until;
    },
    stall(ms: number) {
      now += ms;
    },
  };
}

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
const arrivals = (calls: FakeCall[]) => calls.map((c) => c.at);

describe('rate limiter (virtual time)', () => {
  it('spaces one chat at the per-chat rate', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 4; i++) void limiter.acquire('a').then(() => granted.push(t.clock()));
    await t.advance(5000);
    expect(granted.map((g) => g - granted[0]!)).toEqual([0, 1000, 2000, 3000]);
  });

  it('spaces all chats at the global rate without letting a waiting chat block the others', async () => {
    const t = virtualTime();
    const start = t.clock();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 4, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: string[] = [];
    for (const chat of ['a', 'a', 'b', 'c', 'd', 'e']) void limiter.acquire(chat).then(() => granted.push(`${chat}@${t.clock() - start}`));
    await t.advance(3000);
    // a's second message waits for its own chat; b, c, d go in between; e takes the next slot.
    expect(granted).toEqual(['a@0', 'b@250', 'c@500', 'd@750', 'a@1000', 'e@1250']);
  });

  it('adds headroom so arrivals never exceed the cap by jitter', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep });
    const granted: number[] = [];
    for (let i = 0; i < 2; i++) void limiter.acquire('a').then(() => granted.push(t.clock()));
    await t.advance(2000);
    expect(granted[1]! - granted[0]!).toBe(1050);
  });

  it('holds the cap on real grant times after an event-loop stall (no burst of overdue senders)', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 90; i++) void limiter.acquire(`chat-${i}`).then(() => granted.push(t.clock()));
    await t.advance(200); // a few go out on time…
    const beforeStall = granted.length;
    expect(beforeStall).toBeGreaterThan(3);
    t.stall(1500); // …then the process is busy for 1.5 s: every waiter is overdue when it wakes
    await t.advance(5000);
    expect(granted).toHaveLength(90);
    expect(maxPerSecond(granted)).toBeLessThanOrEqual(30);
    // After the stall, sends resume one gap apart rather than all at once.
    const afterStall = granted.slice(beforeStall);
    for (let i = 1; i < afterStall.length; i++) expect(afterStall[i]! - afterStall[i - 1]!).toBeGreaterThanOrEqual(1000 / 30 - 1e-9);
  });
});

describe('rate limiter measured at the fake Bot API', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await startFakeBotApi();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('keeps sends under a global cap of 5/s and a per-chat cap of 1/s', async () => {
    const adapter = createTelegramAdapter({
      config: testConfig(fake.apiRoot, fake.token, { rateGlobalPerSec: 5, ratePerChatPerSec: 1 }),
      logger: silentLogger,
    });
    const view = { placement: 'message' as const, text: 'reminder', buttons: [] };
    const started = performance.now();
    // 12 chats at once (global cap binds), plus 3 messages to one chat (per-chat cap binds).
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => adapter.transport.deliver({ channel: 'telegram', chatId: String(1000 + i), view, menuMessageId: null })),
      ...Array.from({ length: 3 }, () => adapter.transport.deliver({ channel: 'telegram', chatId: '42', view, menuMessageId: null })),
    ]);
    const elapsed = performance.now() - started;
    const sends = fake.callsOf('sendMessage');
    expect(sends).toHaveLength(15);
    expect(maxPerSecond(arrivals(sends))).toBeLessThanOrEqual(5);
    expect(maxPerSecond(arrivals(sends.filter((c) => c.params.chat_id === '42')))).toBe(1);
    // 15 sends at ≤ 5/s take close to 3 s; an unlimited run would take milliseconds.
    expect(elapsed).toBeGreaterThan(2800);
  });

  it('keeps a bulk send under the default cap of 30/s', async () => {
    const adapter = createTelegramAdapter({ config: testConfig(fake.apiRoot, fake.token, { rateGlobalPerSec: 30, ratePerChatPerSec: 1 }), logger: silentLogger });
    const view = { placement: 'message' as const, text: 'reminder', buttons: [] };
    const before = fake.callsOf('sendMessage').length;
    const started = performance.now();
    await Promise.all(Array.from({ length: 75 }, (_, i) => adapter.transport.deliver({ channel: 'telegram', chatId: String(5000 + i), view, menuMessageId: null })));
    const elapsed = performance.now() - started;
    const sends = fake.callsOf('sendMessage').slice(before);
    expect(sends).toHaveLength(75);
    expect(maxPerSecond(arrivals(sends))).toBeLessThanOrEqual(30);
    // 75 sends at ≤ 30/s need more than 2 s.
    expect(elapsed).toBeGreaterThan(2000);
  });
});
