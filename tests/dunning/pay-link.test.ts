import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prunePayLinks } from '../../adapters/web/web-pay-link.js';
import { claimPayLink } from '../../src/db/repositories/pay-link.repository.js';
import { payLinkToken, PAY_LINK_TTL_MS } from '../../src/dunning/pay-link-token.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { isHome, login } from '../support/web-chat-flows.js';

// The reminder's signed 网上缴费 link, through a real feebot's web chat API: it steers a chat to that
// student's login then 网上缴费, once; anything else is refused with a reason and changes nothing.

const SECRET = 'pay-link-test-secret-0123456789';
let app: TestFeebot;
let now = Date.now();
let ref = 0;

beforeAll(async () => {
  app = await startTestFeebot({ DUNNING_LINK_SECRET: SECRET }, { clock: () => now });
});
afterAll(async () => {
  await app?.stop();
});

const link = (studentId: string, expiresAt = now + PAY_LINK_TTL_MS) => payLinkToken(SECRET, studentId, (++ref).toString(36), expiresAt);

async function open(chat: WebChatClient, token: string): Promise<unknown> {
  now += 15_000; // within the per-address limit (20 a minute)
  const res = await fetch(`${app.baseUrl}/api/chat/pay-link`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-token': chat.token }, body: JSON.stringify({ token, lang: 'zh-CN' }) });
  return res.json();
}

const uses = async () => (await app.feebot.db.selectFrom('pay_link_uses').select(['student_id']).execute()).length;
const isPay = (m: { payload: { text: string } }) => m.payload.text.startsWith('网上缴费\n请勾选本次要缴费的项目');
const asksStudentId = (m: { payload: { text: string } }) => m.payload.text.includes('请输入学号');

describe('the signed pay link in the web chat', () => {
  it('in a fresh chat: the link enters the 学号, asks for the password (no login by itself), then opens 网上缴费', async () => {
    const chat = createWebChatClient(app.baseUrl);
    expect(await open(chat, link('2023010101'))).toEqual({ ok: true });
    const ask = await chat.waitFor((m) => m.payload.input === 'password');
    expect(ask.payload.text).toContain('2023010101');
    const state = await app.feebot.db.selectFrom('conversations').select('state_json').where('student_id', 'is', null).execute();
    expect(state.some((s) => s.state_json.includes('"login.password"'))).toBe(true);
    await chat.text('Demo@2026');
    await chat.waitFor(isPay);
  });

  it('logged in as that student: straight to 网上缴费; the same link again is refused as used', async () => {
    const chat = createWebChatClient(app.baseUrl);
    await login(chat, '2023010101');
    const token = link('2023010101');
    expect(await open(chat, token)).toEqual({ ok: true });
    const pay = await chat.waitFor(isPay);
    const before = await uses();
    expect(await open(chat, token)).toEqual({ ok: false, reason: 'used' });
    await chat.waitFor((m) => m.payload.text.includes('此缴费链接已使用过') && m.id > pay.id);
    await chat.waitFor((m) => isHome(m) && m.id > pay.id);
    expect(await uses()).toBe(before);
  });

  it('used, expired, forged or for another student: a clear message, the start screen, nothing recorded', async () => {
    const used = link('2023010101');
    expect(await open(createWebChatClient(app.baseUrl), used)).toEqual({ ok: true });
    const before = await uses();
    const cases: [string, string, string][] = [
      [used, 'used', '此缴费链接已使用过'],
      [link('2023010101', now), 'expired', '此缴费链接已过期'],
      [`${link('2023010101').slice(0, -2)}AA`, 'tampered', '此缴费链接无效'],
    ];
    for (const [token, reason, text] of cases) {
      const chat = createWebChatClient(app.baseUrl);
      expect(await open(chat, token)).toEqual({ ok: false, reason });
      await chat.waitFor((m) => m.payload.text.includes(text));
      await chat.waitFor(asksStudentId);
      expect((await chat.latest())?.payload.input).not.toBe('password');
    }
    // Logged in as 李四: a link for 张三 changes nothing (still 李四, home).
    const other = createWebChatClient(app.baseUrl);
    await login(other, '2023010102');
    expect(await open(other, link('2023010101'))).toEqual({ ok: false, reason: 'otherStudent' });
    await other.waitFor((m) => m.payload.text.includes('是发给另一位同学的'));
    const home = await other.waitFor(isHome);
    expect(home.payload.text).toContain('2023010102');
    expect(await uses()).toBe(before);
  });

  it('expires 14 days after it was made', async () => {
    const token = link('2023010101');
    // The clock stays there: it never runs backwards under the rate limiter.
    now += PAY_LINK_TTL_MS;
    expect(await open(createWebChatClient(app.baseUrl), token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('one address may try 5 links at once, then 20 a minute', async () => {
    now += 60_000;
    const chat = createWebChatClient(app.baseUrl);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${app.baseUrl}/api/chat/pay-link`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-token': chat.token }, body: JSON.stringify({ token: 'x' }) })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('uses older than a link\'s lifetime are pruned (such links are refused as expired anyway)', async () => {
    const { db } = app.feebot;
    await claimPayLink(db, 'k'.repeat(32), '2023010101', now - PAY_LINK_TTL_MS - 1);
    await claimPayLink(db, 'm'.repeat(32), '2023010101', now - PAY_LINK_TTL_MS + 60_000);
    await prunePayLinks(db, now);
    const keys = (await db.selectFrom('pay_link_uses').select('link_key').execute()).map((r) => r.link_key);
    expect(keys).not.toContain('k'.repeat(32));
    expect(keys).toContain('m'.repeat(32));
  });
});
