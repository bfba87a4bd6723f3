import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { createMemoryTurnStore, createRateLimiter } from '../../adapters/telegram/telegram-rate-limiter.js';
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
  const collect = (t: ReturnType<typeof virtualTime>, into: number[]) => () => void into.push(t.clock());

  it("answers a chat's own taps at once (burst of 3), then spaces them at the per-chat rate", async () => {
    const t = virtualTime();
    const start = t.clock();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 5; i++) void limiter.acquire('a').then(collect(t, granted));
    await t.advance(5000);
    // The third waits one bot-wide gap (the bot's burst is 2), not the chat's second.
    expect(granted.map((g) => Math.round(g - start))).toEqual([0, 0, 37, 1000, 2000]);
  });

  it('spaces bulk sends to one chat from the first one (no burst), with headroom for jitter', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep });
    const granted: number[] = [];
    for (let i = 0; i < 3; i++) void limiter.acquire('a', 'bulk').then(collect(t, granted));
    await t.advance(5000);
    expect(granted.map((g) => Math.round(g - granted[0]!))).toEqual([0, 1050, 2100]);
  });

  it('keeps any second under the bot cap (one to spare) while many chats wait, at ≥ 90 % of it', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep });
    const granted: number[] = [];
    for (let i = 0; i < 270; i++) void limiter.acquire(`chat-${i}`).then(collect(t, granted));
    await t.advance(12_000);
    expect(granted).toHaveLength(270);
    expect(maxPerSecond(granted)).toBeLessThanOrEqual(29);
    const seconds = (granted.at(-1)! - granted[0]!) / 1000;
    expect(270 / seconds).toBeGreaterThanOrEqual(27);
  });

  it('lets a chat waiting for its own turn hold up no other chat', async () => {
    const t = virtualTime();
    const start = t.clock();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, chatBurst: 1, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: string[] = [];
    void limiter.acquire('a').then(() => granted.push(`a@${Math.round(t.clock() - start)}`));
    void limiter.acquire('a').then(() => granted.push(`a@${Math.round(t.clock() - start)}`));
    await t.advance(100);
    void limiter.acquire('b').then(() => granted.push(`b@${Math.round(t.clock() - start)}`));
    await t.advance(2000);
    expect(granted).toEqual(['a@0', 'b@100', 'a@1000']);
  });

  it('serves a reply at once while a long bulk send is queued; bulk sustains 80 % of the 30/s cap, no more', async () => {
    const t = virtualTime();
    const start = t.clock();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep });
    const bulk: number[] = [];
    for (let i = 0; i < 200; i++) void limiter.acquire(`bulk-${i}`, 'bulk').then(collect(t, bulk));
    await t.advance(2000);
    const replies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const asked = t.clock();
      void limiter.acquire(`user-${i}`).then(() => replies.push(t.clock() - asked));
      await t.advance(250);
    }
    await t.advance(10_000);
    expect(replies).toHaveLength(10);
    // A reply waits at most one bot-wide gap behind the bulk send (1/27 s), never behind its queue.
    expect(Math.max(...replies)).toBeLessThanOrEqual(1000 / 27 + 1);
    const firstTwoSeconds = bulk.filter((g) => g - start < 2000);
    // 24/s (and one early turn): a dunning run uses what it may, at least 95 % of it, never more.
    expect(firstTwoSeconds.length / 2).toBeLessThanOrEqual(0.8 * 30 + 1);
    expect(firstTwoSeconds.length / 2).toBeGreaterThanOrEqual(0.95 * 0.8 * 30);
    expect(maxPerSecond([...bulk])).toBeLessThanOrEqual(29);
  });

  it('holds the cap on real grant times after an event-loop stall (booked turns are not used late)', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 90; i++) void limiter.acquire(`chat-${i}`).then(collect(t, granted));
    await t.advance(200); // a few go out on time…
    const beforeStall = granted.length;
    expect(beforeStall).toBeGreaterThan(3);
    t.stall(1500); // …then the process is busy for 1.5 s: every waiter is overdue when it wakes
    await t.advance(6000);
    expect(granted).toHaveLength(90);
    expect(maxPerSecond(granted)).toBeLessThanOrEqual(29);
  });

  it('shares one budget between instances on one store, in batches', async () => {
    const t = virtualTime();
    const store = createMemoryTurnStore();
    let bookings = 0;
    const counting = { ...store, book: (...args: Parameters<typeof store.book>) => (bookings++, store.book(...args)) };
    const limiters = [0, 1, 2].map(() => createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, store: counting, clock: t.clock, sleep: t.sleep }));
    const granted: number[] = [];
    for (let i = 0; i < 270; i++) void limiters[i % 3]!.acquire(`chat-${i}`).then(collect(t, granted));
    await t.advance(12_000);
    expect(granted).toHaveLength(270);
    expect(maxPerSecond(granted)).toBeLessThanOrEqual(29);
    expect(270 / ((granted.at(-1)! - granted[0]!) / 1000)).toBeGreaterThanOrEqual(27);
    expect(bookings).toBeLessThan(270 * 2); // chat turns (one each) plus fewer bot-wide bookings than sends
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
      ...Array.from({ length: 3 }, () => adapter.transport.deliver({ channel: 'telegram', chatId: '42', view, menuMessageId: null, priority: 'bulk' })),
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
