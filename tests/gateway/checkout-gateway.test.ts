import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutToken, createCheckoutGateway, mountCheckoutPages, type CheckoutGateway } from '../../adapters/checkout/index.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import { createRealGateways } from '../../src/gateway-modules.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import type { GatewayOrderState, PaymentGateway, PaymentMethod } from '../../src/ports/gateway.port.js';
import { scriptedGateway } from '../runtime/scripted-gateway.js';

// The checkout as the ledger's gateway: one order tried with several methods is asked and closed at
// every gateway it was tried with; the page needs the link's token and tells paid/expired orders apart.

const T0 = Date.UTC(2026, 8, 1, 2, 0, 0);
const SECRET = 'checkout-test-secret-0123456789';
let db: Db;
let ledger: Ledger;
let a: ReturnType<typeof scriptedGateway>;
let b: ReturnType<typeof scriptedGateway>;
let checkout: CheckoutGateway;
let orderId: string;

function method(id: string, gateway: PaymentGateway, states: Map<string, GatewayOrderState>): PaymentMethod {
  return { id, gateway, available: () => true, start: async (input) => { states.set(input.orderId, { status: 'pending' }); return { kind: 'qr', payload: `${id}:${input.orderId}` }; } };
}

beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateToLatest(db);
  await upsertStudent(db, { student_id: 'S1', name: '李雷', college: '', major: '', class_name: '', recovery_email: null, phone: null, id_number: null }, 'h', T0);
  await upsertFeeItem(db, { student_id: 'S1', fee_period: '2025-2026', code: 'DORM', name: '住宿费', amount_due: 120_000, installment_allowed: 0, min_installment: 0, due_date: null }, T0);
  a = scriptedGateway();
  b = scriptedGateway();
  Object.assign(a.gateway, { name: 'wechatpay' });
  Object.assign(b.gateway, { name: 'alipay' });
  checkout = createCheckoutGateway({ db, methods: [method('wechatpay.native', a.gateway, a.states), method('alipay.qr', b.gateway, b.states)], publicBaseUrl: 'https://fees.example.edu', secret: SECRET, clock: () => T0 });
  ledger = createLedger({ db, orderExpiryMs: 30 * 60_000, gateway: 'checkout' });
  const item = await db.selectFrom('fee_items').select('id').executeTakeFirstOrThrow();
  const r = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId: item.id, amount: 120_000 }], channel: 'web', chatId: 'c', now: Date.now() });
  if (!r.ok) throw new Error(r.reason);
  orderId = r.order.id;
  await checkout.createOrder({ orderId, amount: 120_000, subject: '2025-2026 住宿费', studentId: 'S1', payerName: '李雷', expiresAt: r.order.expiresAt });
});
afterEach(async () => db.destroy());

describe('checkout gateway', () => {
  it('asks and closes every gateway the order was tried with, and none it was not', async () => {
    expect(await checkout.queryOrder(orderId)).toEqual({ status: 'unknown' });
    await checkout.start(orderId, 'wechatpay.native', { userAgent: 'x' });
    expect(await checkout.queryOrder(orderId)).toEqual({ status: 'pending' });
    expect(b.calls).toEqual([]);
    await checkout.start(orderId, 'alipay.qr', { userAgent: 'x' });
    b.states.set(orderId, { status: 'paid', transactionId: 'ALI-1', amount: 120_000, paidAt: T0 });
    expect(await checkout.queryOrder(orderId)).toEqual({ status: 'paid', transactionId: 'ALI-1', amount: 120_000, paidAt: T0, gateway: 'alipay' });
    b.states.set(orderId, { status: 'pending' });
    await checkout.closeOrder(orderId);
    expect(a.calls).toContain(`close ${orderId}`);
    expect(b.calls).toContain(`close ${orderId}`);
    expect(await checkout.queryOrder(orderId)).toEqual({ status: 'closed' });
    await expect(checkout.start(orderId, 'paypal', { userAgent: 'x' })).rejects.toThrow(/not offered/);
  });

  it('once one gateway took the money, the order is closed at the others it was tried with', async () => {
    await checkout.start(orderId, 'wechatpay.native', { userAgent: 'x' });
    await checkout.start(orderId, 'alipay.qr', { userAgent: 'x' });
    await checkout.closeOthers(orderId, 'wechatpay');
    expect(a.calls).not.toContain(`close ${orderId}`);
    expect(b.calls).toContain(`close ${orderId}`);
    expect(b.states.get(orderId)).toEqual({ status: 'closed' });
  });

  it('the page needs the link token; paid and expired orders offer nothing', async () => {
    const app = new Hono();
    mountCheckoutPages(app, { gateway: checkout, ledger, secret: SECRET, universityName: '示例大学', timezone: 'Asia/Shanghai', logger: createLogger('silent'), publicBaseUrl: 'https://fees.example.edu' });
    const url = `/checkout/${orderId}?t=${checkoutToken(SECRET, orderId)}`;
    const ok = await app.request(url);
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain('示例大学');
    expect(html).toContain('id="pay-wechatpay-native"');
    expect(ok.headers.get('content-security-policy')).toContain("img-src data:");
    expect((await app.request(`/checkout/${orderId}?t=${checkoutToken('another-secret-0123456789', orderId)}`)).status).toBe(404);
    expect((await app.request(`/checkout/${orderId}`)).status).toBe(404);
    const started = await app.request(`/checkout/${orderId}/start`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `t=${checkoutToken(SECRET, orderId)}&method=alipay.qr` });
    expect(await started.text()).toContain(`data-payload="alipay.qr:${orderId}"`);
    await ledger.markOrder(orderId, 'expired', Date.now());
    const expired = await app.request(url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).not.toContain('pay-wechatpay-native');
  });

  it('the result and terminal pages link back to the conversation, and name the university in the title', async () => {
    const app = new Hono();
    const returnLinks = () => [{ channel: 'web' as const, url: 'https://fees.example/' }, { channel: 'telegram' as const, url: 'https://t.me/demo_fees_bot' }];
    mountCheckoutPages(app, { gateway: checkout, ledger, secret: SECRET, universityName: '示例大学', timezone: 'Asia/Shanghai', logger: createLogger('silent'), publicBaseUrl: 'https://fees.example.edu', returnLinks });
    const done = await (await app.request('/checkout/done')).text();
    expect(done).toContain('<title>支付结果 - 示例大学</title>');
    expect(done).toContain('<a id="back-web" href="https://fees.example/">返回网页对话');
    expect(done).toContain('<a id="back-telegram" href="https://t.me/demo_fees_bot">返回 Telegram 对话');
    await ledger.markOrder(orderId, 'expired', Date.now());
    const expired = await (await app.request(`/checkout/${orderId}?t=${checkoutToken(SECRET, orderId)}`)).text();
    expect(expired).toContain('id="back-telegram"');
  });

  it('GATEWAYS: sandbox alone by default; never sandbox mixed with real gateways', async () => {
    await expect(createRealGateways({}, { db, publicBaseUrl: 'https://x', clock: Date.now })).resolves.toBeNull();
    await expect(createRealGateways({ GATEWAYS: 'sandbox,alipay' }, { db, publicBaseUrl: 'https://x', clock: Date.now })).rejects.toThrow(/sandbox cannot be combined/);
    await expect(createRealGateways({ GATEWAYS: 'alipay,alipay' }, { db, publicBaseUrl: 'https://x', clock: Date.now })).rejects.toThrow(/each gateway once/);
    // A listed gateway's settings are checked before its SDK is loaded: a clear error, nothing built.
    await expect(createRealGateways({ GATEWAYS: 'alipay', CHECKOUT_SECRET: SECRET }, { db, publicBaseUrl: 'https://x', clock: Date.now })).rejects.toThrow(/ALIPAY_/);
  });
});
