import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxGateway } from '../../adapters/sandbox-gateway/index.js';
import { findSandboxOrder } from '../../src/db/repositories/sandbox-order.repository.js';
import { GatewayError } from '../../src/errors.js';
import { createHarness, orderInput, SECRET, type Harness } from './sandbox-harness.js';

describe('sandbox gateway client', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ notifyUrl: 'http://feebot.test/webhooks/sandbox', fetch: async () => new Response('ok') });
  });
  afterEach(async () => h.close());

  it('is named sandbox and builds the pay URL from publicBaseUrl (trailing slash dropped)', async () => {
    expect(h.sandbox.gateway.name).toBe('sandbox');
    const order = await h.sandbox.gateway.createOrder(orderInput({ orderId: 'ORD 7/8' }));
    expect(order.payUrl).toBe('http://feebot.test/sandbox-gateway/pay/ORD%207%2F8');
    expect(order.qrPayload).toBe(order.payUrl);
    expect((await h.app.request('/sandbox-gateway/pay/ORD%207%2F8')).status).toBe(200);
  });

  it('stores one row per order id however often createOrder is called', async () => {
    const input = orderInput();
    const [a, b] = await Promise.all([h.sandbox.gateway.createOrder(input), h.sandbox.gateway.createOrder(input)]);
    const c = await h.sandbox.gateway.createOrder({ ...input, subject: 'changed' });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const rows = await h.db.selectFrom('sandbox_orders').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      order_id: 'ORD-0001', amount: 150050, status: 'pending', subject: '2025-2026 学费 等 2 项',
      payer_name: '张三', student_id: '2023010101', notify_url: 'http://feebot.test/webhooks/sandbox', expires_at: input.expiresAt,
    });
  });

  it('refuses to reuse an order id for another amount, and refuses non-integer amounts', async () => {
    await h.sandbox.gateway.createOrder(orderInput());
    await expect(h.sandbox.gateway.createOrder(orderInput({ amount: 1 }))).rejects.toThrow(GatewayError);
    await expect(h.sandbox.gateway.createOrder(orderInput({ orderId: 'ORD-2', amount: 10.5 }))).rejects.toThrow(GatewayError);
    await expect(h.sandbox.gateway.createOrder(orderInput({ orderId: 'ORD-3', amount: 0 }))).rejects.toThrow(GatewayError);
    expect((await findSandboxOrder(h.db, 'ORD-0001'))?.amount).toBe(150050);
  });

  it('keeps answering pending after the expiry time until the order is closed', async () => {
    await h.sandbox.gateway.createOrder(orderInput({ expiresAt: h.clock.now + 1000 }));
    h.clock.now += 60_000;
    expect(await h.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'pending' });
    await h.sandbox.gateway.closeOrder('ORD-0001');
    expect(await h.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'closed' });
  });

  it('verifies with its own secret only', async () => {
    const other = createSandboxGateway({
      db: h.db, secret: 'a-different-secret-0123456789', publicBaseUrl: 'http://x.test', notifyUrl: 'http://x.test/n',
    });
    const { signSandboxPayload } = await import('../../adapters/sandbox-gateway/index.js');
    const body = JSON.stringify({ transactionId: 'SBX1', orderId: 'ORD-0001', amount: 1, status: 'paid', paidAt: 1 });
    const headers = { ...signSandboxPayload(SECRET, body, h.clock.now) };
    expect(h.sandbox.gateway.verifyNotification(body, headers, h.clock.now)).toMatchObject({ payment: { transactionId: 'SBX1' } });
    expect(() => other.gateway.verifyNotification(body, headers, h.clock.now)).toThrow(/signature/);
    other.stop();
  });

  it('fails fast on bad configuration', () => {
    const base = { db: h.db, secret: SECRET, publicBaseUrl: 'http://x.test', notifyUrl: 'http://x.test/n' };
    expect(() => createSandboxGateway({ ...base, secret: 'short' })).toThrow(/secret/);
    expect(() => createSandboxGateway({ ...base, notifyUrl: 'not a url' })).toThrow(/notifyUrl/);
    expect(() => createSandboxGateway({ ...base, retryScheduleMs: [-1] })).toThrow(/retryScheduleMs/);
  });
});
