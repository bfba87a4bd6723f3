import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/http/rate-limiter.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// Web chat sends and polls are limited per chat token and per client address: a flood from one
// token, or from many fresh tokens at one address, gets 429 with Retry-After.

let app: TestFeebot | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const newToken = () => randomBytes(24).toString('hex');
let seq = 0;

function send(base: string, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/chat/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-token': token, ...headers },
    body: JSON.stringify({ id: `msg-${seq++}-xyz`, kind: 'text', text: 'hello' }),
  });
}

describe('web chat rate limits', () => {
  it('a flood from one chat token gets 429 with Retry-After after the burst', async () => {
    let now = Date.now();
    app = await startTestFeebot({}, { clock: () => now });
    const token = newToken();
    // The 3,000-send flood of the report, cut to 300 concurrent sends: the default allows a burst of 20.
    const statuses = (await Promise.all(Array.from({ length: 300 }, () => send(app!.baseUrl, token)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(280);
    const refused = await send(app.baseUrl, token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'RATE_LIMITED' });
    // A minute later the chat may talk again.
    now += 60_000;
    expect((await send(app.baseUrl, token)).status).toBe(200);
  });

  it('fresh tokens from one address share the address limit; other addresses (behind a trusted proxy) do not', async () => {
    // A frozen clock: no bucket refills while the test runs, however slow the machine.
    const now = Date.now();
    app = await startTestFeebot({ WEB_SEND_PER_MINUTE: '6', WEB_SEND_PER_MINUTE_PER_ADDRESS: '30', TRUSTED_PROXIES: '127.0.0.1' }, { clock: () => now });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await send(app.baseUrl, newToken(), from('198.51.100.1'))).status);
    // Burst of 30 / 3 = 10 for the address, although every token is new.
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
    expect((await send(app.baseUrl, newToken(), from('198.51.100.2'))).status).toBe(200);
  });

  it('polls are limited too', async () => {
    const now = Date.now();
    app = await startTestFeebot({ WEB_SEND_PER_MINUTE: '3' }, { clock: () => now });
    const token = newToken();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${app.baseUrl}/api/chat/messages?after=0&wait=0`, { headers: { 'x-chat-token': token } })).status);
    // 4 polls per allowed send, a third of a minute's worth at once: 4.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });
});

describe('rate limiter', () => {
  it('refills at the rate and bounds its memory', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, maxKeys: 100 });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('a', 1000)).toEqual({ ok: true });
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`, 5000);
    expect(limiter.size()).toBeLessThanOrEqual(100);
  });
});
