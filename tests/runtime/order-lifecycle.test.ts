import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { listProblemReports } from '../../src/db/repositories/problem-report.repository.js';
import { saveSandboxMethod, saveSandboxPhone, settleSandboxOrder, verifySandboxCode } from '../../src/db/repositories/sandbox-order.repository.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';

// Orders after the pay link: asking the gateway (付款已成功), problems, expiry and late money.

const SECRET = 'lifecycle-secret-0123456789';
let app: TestFeebot;

beforeAll(async () => {
  // 0.03 min = 1.8 s, so expiry can be watched without a fake clock.
  app = await startTestFeebot({ AGREEMENT_SECONDS: '0', ORDER_EXPIRY_MINUTES: '0.03', SANDBOX_GATEWAY_SECRET: SECRET });
});
afterAll(async () => app?.stop());

async function orderFor(studentId: string): Promise<{ chat: WebChatClient; orderId: string }> {
  const chat = createWebChatClient(app.baseUrl);
  await login(chat, studentId);
  return { chat, orderId: await placeOrder(chat) };
}

/** The student paid on the bank page but the notification never reached feebot. */
async function payAtSandboxSilently(orderId: string): Promise<void> {
  const db = app.feebot.db;
  expect(await saveSandboxPhone(db, orderId, '13800138000', '123456')).toBe(true);
  expect(await verifySandboxCode(db, orderId, '123456')).toBe(true);
  expect(await saveSandboxMethod(db, orderId, 'alipay')).toBe(true);
  expect(await settleSandboxOrder(db, orderId, { status: 'paid', transactionId: `SILENT-${orderId}`, at: Date.now() })).toBe(true);
}

/** A signed gateway notification, as the sandbox's notifier would send it. */
async function notifyPaid(orderId: string, transactionId: string, amount: number): Promise<unknown> {
  const body = JSON.stringify({ transactionId, orderId, amount, status: 'paid', paidAt: Date.now() });
  const res = await fetch(`${app.baseUrl}/webhooks/gateway/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signSandboxPayload(SECRET, body, Date.now()) },
    body,
  });
  return res.json();
}

describe('order lifecycle', () => {
  it('【付款已成功】 asks the gateway and answers truthfully, crediting a payment whose notification was lost', async () => {
    const { chat, orderId } = await orderFor('2023010101');
    const paying = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '付款已成功'));
    chat.forget();
    await chat.action(chat.buttonCode(paying, '付款已成功'));
    await chat.waitFor((m) => m.payload.text.includes('尚未收到付款'));
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('pending');

    await payAtSandboxSilently(orderId);
    // The pay menu above is still the current one: its buttons stay valid.
    await chat.action(chat.buttonCode(paying, '付款已成功'));
    await chat.waitFor((m) => /已支付|缴费成功/.test(m.payload.text));
    const done = await chat.waitFor((m) => m.payload.text.includes('缴费成功'));
    expect(chat.buttonUrl(done, '电子票据')).toContain('/receipts/');
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('paid');
  });

  it('【付款出现问题】 → 报告问题 stores the report with the order for staff', async () => {
    const { chat, orderId } = await orderFor('2024020201');
    let menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '付款出现问题'));
    await chat.action(chat.buttonCode(menu, '付款出现问题'));
    menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '报告问题'));
    await chat.action(chat.buttonCode(menu, '报告问题'));
    await chat.waitFor((m) => m.payload.text.includes('请描述'));
    await chat.text('银行卡已扣款，但页面没有显示成功');
    await chat.waitFor((m) => m.payload.text.includes('问题已提交'));
    const reports = await listProblemReports(app.feebot.db, { studentId: '2024020201' });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ order_id: orderId, channel: 'web', description: '银行卡已扣款，但页面没有显示成功' });
  });

  it('expires an unpaid order: closed at the gateway, amounts released, student told; late money is still credited', async () => {
    const { chat, orderId } = await orderFor('2025030301');
    const before = await app.feebot.ledger.loadFacts('2025030301', Date.now());
    expect(before.items.every((i) => i.outstanding === 0)).toBe(true);

    await new Promise((r) => setTimeout(r, 2_000));
    const swept = await app.feebot.sweeper.sweep();
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('expired');
    expect(await app.feebot.gateway.queryOrder(orderId)).toEqual({ status: 'closed' });
    await chat.waitFor((m) => m.payload.text.includes('状态：已过期'));
    const after = await app.feebot.ledger.loadFacts('2025030301', Date.now());
    expect(after.items.every((i) => i.reserved === 0 && i.outstanding > 0)).toBe(true);

    // The bank paid anyway (a slow notification): credited, never lost.
    const order = (await app.feebot.ledger.getOrder(orderId))!;
    expect(await notifyPaid(orderId, `LATE-${orderId}`, order.total)).toMatchObject({ outcome: 'late' });
    const credited = await app.feebot.ledger.loadFacts('2025030301', Date.now());
    expect(credited.items.every((i) => i.amountPaid === i.amountDue)).toBe(true);
    await chat.waitFor((m) => m.payload.text.includes('缴费成功'));

    // The bank pays the same order a second time: held for the finance office and said so; no second receipt.
    expect(await notifyPaid(orderId, `TWICE-${orderId}`, order.total)).toMatchObject({ outcome: 'late' });
    await chat.waitFor((m) => m.payload.text.includes(`我们收到了订单 ${orderId} 的付款`) && m.payload.text.includes('已转交财务处处理'));
    expect(chat.all().filter((m) => m.payload.text.includes('缴费成功'))).toHaveLength(1);
  });

  it('【付款出现问题】 → 取消订单 on an order already paid at the gateway credits it and says paid, not cancelled', async () => {
    // 赵六's order from the report test has expired by now, so his items are free again.
    const { chat, orderId } = await orderFor('2024020201');
    const paying = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '付款出现问题'));
    // Paid at the bank; the notification is lost.
    await payAtSandboxSilently(orderId);
    await chat.action(chat.buttonCode(paying, '付款出现问题'));
    const problem = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '取消订单'));
    chat.forget();
    await chat.action(chat.buttonCode(problem, '取消订单'));
    await chat.waitFor((m) => /已支付|缴费成功/.test(m.payload.text));
    await chat.waitFor((m) => m.payload.text.includes('缴费成功'));
    expect(chat.all().some((m) => m.payload.text.includes('订单已取消'))).toBe(false);
    expect((await app.feebot.ledger.getOrder(orderId))!.status).toBe('paid');
    const facts = await app.feebot.ledger.loadFacts('2024020201', Date.now());
    expect(facts.items.every((i) => i.amountPaid === i.amountDue)).toBe(true);
  });

  it('never writes a password into the log', () => {
    expect(app.logLines.length).toBeGreaterThan(0);
    expect(app.logLines.filter((l) => l.includes('Demo@2026'))).toEqual([]);
  });
});
