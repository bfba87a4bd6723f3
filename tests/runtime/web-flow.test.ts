import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';

// The dispatcher, outbox and ledger working together through the web chat's HTTP endpoints.

const SECRET = 'flow-test-secret-0123456789';
let app: TestFeebot;

beforeAll(async () => {
  app = await startTestFeebot({ AGREEMENT_SECONDS: '1', SANDBOX_GATEWAY_SECRET: SECRET });
});
afterAll(async () => app?.stop());

async function loggedIn(studentId = '2023010101', password = 'Demo@2026'): Promise<WebChatClient> {
  const chat = createWebChatClient(app.baseUrl);
  const home = await login(chat, studentId, password);
  // The very first home after login already shows the student's own data.
  expect(home.payload.text).toContain(studentId);
  return chat;
}

function notify(body: string, secret = SECRET, at = Date.now()) {
  return fetch(`${app.baseUrl}/webhooks/gateway/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signSandboxPayload(secret, body, at) },
    body,
  });
}

describe('web chat flow over HTTP', () => {
  it('answers /healthz with the database state', async () => {
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'reachable' });
  });

  it('refuses a chat request without a proper token', async () => {
    const res = await fetch(`${app.baseUrl}/api/chat/send`, { method: 'POST', body: '{}', headers: { 'x-chat-token': 'short' } });
    expect(res.status).toBe(401);
  });

  it('pays through a signed notification; duplicates and forgeries change nothing', async () => {
    const chat = await loggedIn('2024020201');
    // AGREEMENT_SECONDS is 1: 同意 unlocks within 5 s.
    const orderId = await placeOrder(chat, { unlockWithinMs: 5_000 });
    const order = (await app.feebot.ledger.getOrder(orderId))!;
    expect(order.status).toBe('pending');
    // The gateway page names the payer.
    expect(await (await fetch(`${app.baseUrl}/sandbox-gateway/pay/${orderId}`)).text()).toContain('赵*（2024****01）'); // masked: the pay link may be forwarded (代付)
    const body = JSON.stringify({ transactionId: `T-${orderId}`, orderId, amount: order.total, status: 'paid', paidAt: Date.now() });

    // Forged: tampered body, wrong secret, stale timestamp → 401, order untouched.
    const tampered = body.replace(String(order.total), String(order.total + 1));
    const sig = signSandboxPayload(SECRET, body, Date.now());
    const forged = await fetch(`${app.baseUrl}/webhooks/gateway/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', ...sig }, body: tampered });
    expect(forged.status).toBe(401);
    expect((await notify(body, 'wrong-secret-0123456789')).status).toBe(401);
    expect((await notify(body, SECRET, Date.now() - 10 * 60_000)).status).toBe(401);
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('pending');

    // Genuine, delivered five times at once: one credit, one receipt message.
    const answers = await Promise.all(Array.from({ length: 5 }, () => notify(body)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('paid');
    const confirmed = await chat.waitFor((m) => m.payload.text.includes('缴费成功'));
    expect(chat.buttonUrl(confirmed, '电子票据')).toMatch(/\/receipts\//);
    const facts = await app.feebot.ledger.loadFacts('2024020201', Date.now());
    expect(facts.items.every((i) => i.amountPaid === i.amountDue)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    await chat.latest();
    expect(chat.all().filter((m) => m.payload.text.includes('缴费成功'))).toHaveLength(1);
  });

  it('answers a stale button with the current menu instead of acting on it', async () => {
    const chat = await loggedIn('2025030301');
    const home = await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
    const staleDetail = chat.buttonCode(home, '明细');
    await chat.action(chat.buttonCode(home, '网上缴费'));
    await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label.includes('全选')));
    const answer = await chat.action(staleDetail);
    expect(answer.acks[0]?.text).toMatch(/过期/);
  });

  it('ignores a repeated client message id (dedupe per channel update id)', async () => {
    const chat = createWebChatClient(app.baseUrl);
    const first = await chat.send({ id: 'fixed-id-123', kind: 'start' });
    const again = await chat.send({ id: 'fixed-id-123', kind: 'start' });
    expect(first).toMatchObject({ duplicate: false });
    expect(again).toMatchObject({ duplicate: true });
  });

  it('a password change ends the student\'s other sessions but keeps the current one', async () => {
    const a = await loggedIn('2023010102');
    const b = await loggedIn('2023010102');
    let menu = await a.waitFor((m) => m.payload.text.includes('欠费总额'));
    await a.action(a.buttonCode(menu, '修改密码'));
    await a.waitFor((m) => m.payload.text.includes('请输入旧密码'));
    await a.text('Demo@2026');
    await a.waitFor((m) => m.payload.text.includes('请输入新密码'));
    await a.text('Another#2026');
    await a.waitFor((m) => m.payload.text.includes('确认密码'));
    await a.text('Another#2026');
    await a.waitFor((m) => m.payload.text.includes('密码修改成功'));
    // B is told and logged out; A goes on.
    await b.waitFor((m) => m.payload.text.includes('请重新登录'));
    await b.text('menu');
    await b.waitFor((m) => m.payload.text.includes('请输入学号'));
    a.forget();
    await a.text('menu');
    menu = await a.waitFor((m) => m.payload.text.includes('欠费总额') || m.payload.text.includes('请输入学号'));
    expect(menu.payload.text).toContain('欠费总额');
  });

  it('forces a student on the initial password to change it before anything else', async () => {
    const chat = createWebChatClient(app.baseUrl);
    // The fixed initial password is followed by a proof: the last 6 of 王五's ID number.
    const proof = await login(chat, '2023010103', '123456', { answer: (m) => m.payload.text.includes('身份证号的后6位') });
    expect(proof.payload.input).toBe('password');
    chat.forget();
    await chat.text('030033');
    await chat.waitFor((m) => m.payload.text.includes('您正在使用初始密码'));
    chat.forget();
    await chat.text('/menu');
    const blocked = await chat.waitFor((m) => m.payload.text.includes('请输入新密码') || m.payload.text.includes('欠费总额'));
    expect(blocked.payload.text).toContain('请输入新密码');
    chat.forget();
    await chat.text('123456');
    await chat.waitFor((m) => m.payload.text.includes('新密码至少8位'));
    chat.forget();
    await chat.text('Wangwu#2026');
    await chat.waitFor((m) => m.payload.text.includes('确认密码'));
    await chat.text('Wangwu#2026');
    const home = await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
    expect(home.payload.text).toContain('2023010103');
  });
});

