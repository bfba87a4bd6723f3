import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { sumMoneyTotals } from '../../src/db/repositories/refund.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import { SignatureError } from '../../src/errors.js';
import { mountGatewayWebhooks } from '../../src/http/gateway-webhooks.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import type { PaymentGateway, PaymentMethod } from '../../src/ports/gateway.port.js';
import { createCheckoutGateway } from '../../adapters/checkout/index.js';
import { scriptedGateway } from '../runtime/scripted-gateway.js';
import { beijingDate, createDailyReconciler, type DailyReconciler } from '../../src/runtime/daily-reconcile.js';
import { createOrderReconciler, type OrderReconciler } from '../../src/runtime/order-reconcile.js';
import { createPaymentIntake, type PaymentIntake } from '../../src/runtime/payment-intake.js';

// One suite every PaymentGateway adapter runs (the way Hono runs one suite against every router):
// create → pay → notify (×5, 50 concurrent, forged, stale, tampered, wrong amount) → query → close →
// expire → refund (full and partial) → reconcile, through the real ledger, intake and notification
// route, holding Σ payments = Σ credited to items + Σ held (open) + Σ refunded after every step.

export interface DeliveredNotification {
  rawBody: string;
  headers: Record<string, string | undefined>;
}

export interface GatewayContractSubject {
  gateway: PaymentGateway;
  /** The payer pays the gateway's order for `orderId`; the platform's signed notification, not yet sent. */
  pay(orderId: string): Promise<DeliveredNotification>;
  /** The same notification signed with a key that is not the platform's. */
  forge(delivered: DeliveredNotification): DeliveredNotification;
  /** The notification signed ten minutes ago; null when the platform's signatures carry no time (Alipay). */
  stale(delivered: DeliveredNotification): DeliveredNotification | null;
  /** The platform finishes refunds it processes later; their notifications (none when refunds answer at once). */
  finishRefunds(): Promise<DeliveredNotification[]>;
  teardown(): Promise<void>;
}

export interface ContractEnv {
  db: Db;
  clock: { now: number };
}

const T0 = Date.UTC(2026, 8, 1, 2, 0, 0); // 2026-09-01 10:00 Beijing
const EXPIRY_MS = 30 * 60_000;

export function describeGatewayContract(name: string, setup: (env: ContractEnv) => Promise<GatewayContractSubject>): void {
  describe(`PaymentGateway contract: ${name}`, () => {
    let env: ContractEnv;
    let s: GatewayContractSubject;
    let ledger: Ledger;
    let intake: PaymentIntake;
    let orders: OrderReconciler;
    let daily: DailyReconciler;
    let app: Hono;
    let ids: Record<string, number>;

    beforeEach(async () => {
      const db = openDatabase(':memory:');
      await migrateToLatest(db);
      env = { db, clock: { now: T0 } };
      const base = { major: '计算机', class_name: '计科2201', phone: null, id_number: null, recovery_email: null, college: '信息学院' };
      await upsertStudent(db, { ...base, student_id: 'S1', name: '李雷' }, 'hash', T0);
      for (const [code, amount] of [['DORM', 120_000], ['BOOKS', 30_000], ['TUITION', 500_000]] as const) {
        await upsertFeeItem(db, { student_id: 'S1', fee_period: '2025-2026', code, name: code, amount_due: amount, installment_allowed: 0, min_installment: 0, due_date: null }, T0);
      }
      ids = Object.fromEntries((await db.selectFrom('fee_items').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
      s = await setup(env);
      const logger = createLogger('silent');
      const clock = () => env.clock.now;
      ledger = createLedger({ db, orderExpiryMs: EXPIRY_MS, gateway: s.gateway.name, logger, gateways: (n) => (n === s.gateway.name ? s.gateway : undefined) });
      intake = createPaymentIntake({ gateway: s.gateway, ledger, clock, logger, onEnqueued: () => undefined });
      orders = createOrderReconciler({ ledger, gateway: s.gateway, intake });
      daily = createDailyReconciler({ db, ledger, gateway: s.gateway, intake, clock, logger });
      app = new Hono();
      mountGatewayWebhooks(app, { gateways: [s.gateway], intake, logger });
    });
    afterEach(async () => {
      await s.teardown();
      await env.db.destroy();
    });

    async function balanced(): Promise<void> {
      const t = await sumMoneyTotals(env.db);
      expect(t.payments).toBe(t.creditedToItems + t.heldOpen + t.refunded);
    }

    /** A ledger order and its gateway order (for `gatewayAmount`, normally the same total). */
    async function placeOrder(code: string, amount: number, gatewayAmount = amount): Promise<string> {
      const r = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId: ids[code]!, amount }], channel: 'web', chatId: 'c1', now: env.clock.now });
      if (!r.ok) throw new Error(r.reason);
      const atGateway = await s.gateway.createOrder({ orderId: r.order.id, amount: gatewayAmount, subject: `2025-2026 ${code}`, studentId: 'S1', payerName: '李雷', expiresAt: r.order.expiresAt });
      await ledger.attachGatewayOrder(r.order.id, atGateway.payUrl, atGateway.qrPayload);
      return r.order.id;
    }

    /** Delivers over the gateway's own route; true when answered the way the platform takes as accepted. */
    async function post(d: DeliveredNotification): Promise<boolean> {
      const res = await app.request(`/webhooks/gateway/${s.gateway.name}`, { method: 'POST', headers: d.headers as Record<string, string>, body: d.rawBody });
      const ok = s.gateway.answerNotification({ ok: true, outcome: 'applied' });
      const body = await res.text();
      return res.status === ok.status && (ok.contentType !== 'text/plain' || body === ok.body);
    }

    const paymentCount = async () => (await env.db.selectFrom('payments').select('id').execute()).length;
    const item = async (code: string) => (await env.db.selectFrom('fee_items').select('amount_paid').where('id', '=', ids[code]!).executeTakeFirstOrThrow()).amount_paid;

    it('creates idempotently; an unknown order is unknown and closing it is harmless', async () => {
      const id = await placeOrder('DORM', 120_000);
      const again = await s.gateway.createOrder({ orderId: id, amount: 120_000, subject: '2025-2026 DORM', studentId: 'S1', payerName: '李雷', expiresAt: T0 + EXPIRY_MS });
      expect(again.qrPayload).toBe((await ledger.getOrder(id))!.qrPayload);
      expect(await s.gateway.queryOrder(id)).toEqual({ status: 'pending' });
      expect(await s.gateway.queryOrder('FB20000101000000NOSUCH')).toEqual({ status: 'unknown' });
      await expect(s.gateway.closeOrder('FB20000101000000NOSUCH')).resolves.toBeUndefined();
    });

    it('pay → notify 5 times, then 50 at once: credited exactly once, query agrees', async () => {
      const id = await placeOrder('DORM', 120_000);
      const d = await s.pay(id);
      for (let i = 0; i < 5; i++) expect(await post(d)).toBe(true);
      const concurrent = await Promise.all(Array.from({ length: 50 }, () => post(d)));
      expect(concurrent.every(Boolean)).toBe(true);
      expect(await paymentCount()).toBe(1);
      expect(await item('DORM')).toBe(120_000);
      expect((await ledger.getOrder(id))!.status).toBe('paid');
      expect(await s.gateway.queryOrder(id)).toMatchObject({ status: 'paid', amount: 120_000 });
      await balanced();
    });

    it('forged, stale and tampered notifications are refused in the platform format and change nothing', async () => {
      const id = await placeOrder('DORM', 120_000);
      const d = await s.pay(id);
      const forged = s.forge(d);
      expect(() => s.gateway.verifyNotification(forged.rawBody, forged.headers, env.clock.now)).toThrow(SignatureError);
      expect(await post(forged)).toBe(false);
      // The first digit of the signed body changed (an id, a time or an amount; never the signature's
      // last base64 character, whose spare bits may not count).
      const tampered = { ...d, rawBody: d.rawBody.replace(/\d/, (c) => String((Number(c) + 1) % 10)) };
      expect(tampered.rawBody).not.toBe(d.rawBody);
      expect(await post(tampered)).toBe(false);
      const stale = s.stale(d);
      if (stale) expect(await post(stale)).toBe(false);
      expect(await paymentCount()).toBe(0);
      expect((await ledger.getOrder(id))!.status).toBe('pending');
      // The genuine one still goes through afterwards.
      expect(await post(d)).toBe(true);
      expect((await ledger.getOrder(id))!.status).toBe('paid');
      await balanced();
    });

    it('wrong amount: held for staff, order untouched; refunded in full through the gateway', async () => {
      const id = await placeOrder('DORM', 120_000, 119_999);
      expect(await post(await s.pay(id))).toBe(true);
      expect((await ledger.getOrder(id))!.status).toBe('pending');
      const [credit] = await ledger.heldCredits.listHeldCredits({ open: true });
      expect(credit).toMatchObject({ amount: 119_999, reason: 'amountMismatch', gateway: s.gateway.name });
      await balanced();
      const r = await ledger.heldCredits.refundHeldCredit({ creditId: credit!.id, note: '金额不符，原路退回', actor: 'contract', now: env.clock.now });
      await balanced();
      for (const n of await s.finishRefunds()) expect(await post(n)).toBe(true);
      expect((await env.db.selectFrom('refunds').select('status').where('refund_no', '=', r.refundId).executeTakeFirstOrThrow()).status).toBe('succeeded');
      expect(await s.gateway.queryRefund(r.refundId, id)).toMatchObject({ status: 'succeeded' });
      expect(await ledger.heldCredits.listHeldCredits({ open: true })).toEqual([]);
      // Asking again returns the same refund; the gateway refunds nothing more.
      expect(await ledger.heldCredits.refundHeldCredit({ creditId: credit!.id, note: 'again', actor: 'contract', now: env.clock.now })).toEqual({ refundId: r.refundId, status: 'succeeded' });
      await balanced();
    });

    it('a second payment for a settled item is held; part offset, the rest refunded (a partial refund)', async () => {
      const first = await placeOrder('DORM', 120_000);
      expect(await ledger.markOrder(first, 'expired', env.clock.now + 1)).toBe(true); // ledger gave up; the payer did not
      const second = await placeOrder('DORM', 120_000);
      expect(await post(await s.pay(second))).toBe(true);
      expect(await post(await s.pay(first))).toBe(true);
      const [credit] = await ledger.heldCredits.listHeldCredits({ open: true });
      expect(credit).toMatchObject({ orderId: first, amount: 120_000 });
      expect(await ledger.heldCredits.offsetHeldCredit({ creditId: credit!.id, feeItemId: ids.BOOKS!, note: '抵扣教材费', actor: 'contract', now: env.clock.now })).toEqual({ applied: 30_000 });
      await balanced();
      const r = await ledger.heldCredits.refundHeldCredit({ creditId: credit!.id, note: '退回余额', actor: 'contract', now: env.clock.now });
      for (const n of await s.finishRefunds()) expect(await post(n)).toBe(true);
      expect(await ledger.heldCredits.syncPendingRefunds(env.clock.now)).toBe(0);
      expect((await env.db.selectFrom('refunds').selectAll().where('refund_no', '=', r.refundId).executeTakeFirstOrThrow())).toMatchObject({ amount: 90_000, payment_total: 120_000, status: 'succeeded' });
      expect(await item('BOOKS')).toBe(30_000);
      await balanced();
    });

    it('close: closed at the gateway first, then the ledger; it can no longer be paid', async () => {
      const id = await placeOrder('DORM', 120_000);
      expect(await orders.closeAndReconcile(id, 'closed', env.clock.now)).toEqual({ status: 'closed', changed: true });
      expect(await s.gateway.queryOrder(id)).toEqual({ status: 'closed' });
      await expect(s.pay(id)).rejects.toThrow();
      expect((await ledger.listPending()).map((o) => o.id)).not.toContain(id);
    });

    it('expire: past the expiry the gateway refuses the payment and the sweep expires the order', async () => {
      const id = await placeOrder('DORM', 120_000);
      env.clock.now += EXPIRY_MS + 60_000;
      await expect(s.pay(id)).rejects.toThrow();
      expect(await orders.closeAndReconcile(id, 'expired', env.clock.now)).toEqual({ status: 'expired', changed: true });
      await balanced();
    });

    /**
     * The checkout over this gateway and another one ("other", scripted), the order tried with both;
     * notifications of this gateway arrive on a route that closes the other attempts once one paid.
     */
    async function triedWithTwo(code: string, amount: number) {
      const other = scriptedGateway();
      Object.assign(other.gateway, { name: 'other' });
      const methods: PaymentMethod[] = [
        { id: `${s.gateway.name}.qr`, gateway: s.gateway, available: () => true, start: async (input) => ({ kind: 'qr', payload: (await s.gateway.createOrder(input)).qrPayload }) },
        { id: 'other.qr', gateway: other.gateway, available: () => true, start: async (input) => { other.states.set(input.orderId, { status: 'pending' }); return { kind: 'qr', payload: `other:${input.orderId}` }; } },
      ];
      const checkout = createCheckoutGateway({ db: env.db, methods, publicBaseUrl: 'https://fees.example.edu', secret: 'contract-checkout-secret-0123456789', clock: () => env.clock.now });
      const r = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId: ids[code]!, amount }], channel: 'web', chatId: 'c1', now: env.clock.now });
      if (!r.ok) throw new Error(r.reason);
      await checkout.createOrder({ orderId: r.order.id, amount, subject: `2025-2026 ${code}`, studentId: 'S1', payerName: '李雷', expiresAt: r.order.expiresAt });
      await checkout.start(r.order.id, `${s.gateway.name}.qr`, { userAgent: 'contract' });
      await checkout.start(r.order.id, 'other.qr', { userAgent: 'contract' });
      const routes = new Hono();
      mountGatewayWebhooks(routes, { gateways: [s.gateway], intake, logger: createLogger('silent'), onPaid: (orderId, paidAt) => checkout.closeOthers(orderId, paidAt), clock: () => env.clock.now });
      return { id: r.order.id, other, checkout, routes };
    }

    it('tried with two gateways, paid at the other: the order is closed here and can no longer be paid here', async () => {
      const { id, other, checkout } = await triedWithTwo('DORM', 120_000);
      expect(await s.gateway.queryOrder(id)).toEqual({ status: 'pending' });
      other.states.set(id, { status: 'paid', transactionId: 'OTHER-1', amount: 120_000, paidAt: env.clock.now });
      await checkout.closeOthers(id, 'other');
      expect(await s.gateway.queryOrder(id)).toEqual({ status: 'closed' });
      await expect(s.pay(id)).rejects.toThrow();
      expect(other.calls).not.toContain(`close ${id}`);
      expect(await checkout.queryOrder(id)).toMatchObject({ status: 'paid', gateway: 'other', transactionId: 'OTHER-1' });
    });

    it('tried with two gateways, paid here: its notification credits the order and closes the other attempt, not this one', async () => {
      const { id, other, routes } = await triedWithTwo('DORM', 120_000);
      const d = await s.pay(id);
      const res = await routes.request(`/webhooks/gateway/${s.gateway.name}`, { method: 'POST', headers: d.headers as Record<string, string>, body: d.rawBody });
      expect(res.status).toBe(s.gateway.answerNotification({ ok: true, outcome: 'applied' }).status);
      expect((await ledger.getOrder(id))!.status).toBe('paid');
      // Closing the others runs after the platform's answer (it must not wait for other gateways).
      await expect.poll(() => other.calls).toContain(`close ${id}`);
      expect(other.states.get(id)).toEqual({ status: 'closed' });
      expect(await s.gateway.queryOrder(id)).toMatchObject({ status: 'paid', amount: 120_000 });
      // The notification again (the platform resends): still one payment, nothing closed twice here.
      await routes.request(`/webhooks/gateway/${s.gateway.name}`, { method: 'POST', headers: d.headers as Record<string, string>, body: d.rawBody });
      expect(await paymentCount()).toBe(1);
      await balanced();
    });

    it('reconcile: a payment whose notification was lost is credited and reported; so is a payment no gateway confirms', async () => {
      const lost = await placeOrder('DORM', 120_000);
      await s.pay(lost); // the notification never arrives
      const ghost = await placeOrder('BOOKS', 30_000);
      await ledger.applyPayment(s.gateway.name, { transactionId: 'NOT-AT-GATEWAY', orderId: ghost, amount: 30_000, status: 'paid', paidAt: env.clock.now }, env.clock.now);
      const report = await daily.run(beijingDate(T0));
      expect(report.ordersChecked).toBe(2);
      expect(report.differences).toHaveLength(2);
      expect(report.differences).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: 'paidAtGatewayOnly', orderId: lost, gateway: s.gateway.name, amount: 120_000, outcome: 'applied' }),
        expect.objectContaining({ kind: 'paidInLedgerOnly', orderId: ghost, transactionId: 'NOT-AT-GATEWAY' }),
      ]));
      expect((await ledger.getOrder(lost))!.status).toBe('paid');
      const staff = await env.db.selectFrom('outbox').select('payload_json').where('kind', '=', 'staff').execute();
      expect(staff.map((e) => JSON.parse(e.payload_json))).toContainEqual({ event: { kind: 'reconcile.differences', date: '2026-09-01' } });
      // Run again: the lost payment is in the ledger now; only the ghost remains.
      expect((await daily.run('2026-09-01')).differences.map((d) => d.kind)).toEqual(['paidInLedgerOnly']);
      await balanced();
    });
  });
}
