import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { createRateLimiter } from '../../adapters/telegram/telegram-rate-limiter.js';
import { startFakeBotApi, type FakeBotApi, type FakeCall } from './fake-bot-api.js';
import { silentLogger, testConfig } from './telegram-test-helpers.js';

/** A clock that only moves when someone sleeps; records when each acquire was granted. */
function fakeTime() {
  let now = 1_000_000;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

/** Largest number of calls whose arrival falls in any 1000 ms window. */
function maxPerSecond(calls: FakeCall[]): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('rate limiter (injected clock)', () => {
  it('spaces one chat at the per-chat rate', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep, headroom: 0 });
    const granted: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire('a');
      granted.push(t.now());
    }
    expect(granted.map((g) => g - granted[0]!)).toEqual([0, 1000, 2000, 3000]);
  });

  it('spaces all chats at the global rate without letting a waiting chat block the others', async () => {
    const t = fakeTime();
    const start = t.now();
    // Sleep does not move the clock here: we only look at the slots handed out.
    const waits: number[] = [];
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 4, clock: t.clock, sleep: async (ms) => void waits.push(ms), headroom: 0 });
    await limiter.acquire('a'); // slot 0
    await limiter.acquire('a'); // slot 1000 (per chat)
    await limiter.acquire('b'); // slot 250: fits between, not after a's 1000
    await limiter.acquire('c'); // slot 500
    await limiter.acquire('d'); // slot 750
    await limiter.acquire('e'); // slot 1250 (1000 is taken)
    expect(t.now()).toBe(start);
    expect(waits).toEqual([1000, 250, 500, 750, 1250]);
  });

  it('adds headroom so arrivals never exceed the cap by jitter', async () => {
    const t = fakeTime();
    const limiter = createRateLimiter({ perChatPerSec: 1, globalPerSec: 30, clock: t.clock, sleep: t.sleep });
    await limiter.acquire('a');
    const first = t.now();
    await limiter.acquire('a');
    expect(t.now() - first).toBe(1050);
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
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(5);
    expect(maxPerSecond(sends.filter((c) => c.params.chat_id === '42'))).toBe(1);
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
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(30);
    // 75 sends at ≤ 30/s need more than 2 s.
    expect(elapsed).toBeGreaterThan(2000);
  });
});
