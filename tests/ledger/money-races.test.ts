import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCredits } from '../../src/db/repositories/payment.repository.js';
import { importFees } from '../../src/import/fee-import.js';
import { createLedger } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import { createPaymentIntake } from '../../src/runtime/payment-intake.js';
import { scriptedGateway } from '../runtime/scripted-gateway.js';
import { testStore } from '../support/test-store.js';
import { EXPIRY_MS, T0, itemById, paid, setupLedger, type Fixture } from './ledger-fixture.js';

// Money rules under real concurrency. On PostgreSQL every racer below runs on its own pooled
// connection (openTestDb opens a pool of 6), so the transactions truly overlap; on SQLite they
// queue on BEGIN IMMEDIATE. Each test states the invariant a lost race would break.

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => {
  await f.db.destroy();
});

const order = (itemId: number, amount: number, now = T0, requestKey?: string) =>
  f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId, amount }], channel: 'web', chatId: 'c1', now, ...(requestKey ? { requestKey } : {}) });

/** Σ payments = Σ what reached fee items + Σ flagged credits: nothing lost, nothing counted twice. */
async function conservation(): Promise<{ payments: number; credited: number; held: number }> {
  const payments = await f.db.selectFrom('payments').select('amount').execute();
  const lines = await f.db.selectFrom('order_lines').select('credited').execute();
  const credits = await listCredits(f.db);
  return {
    payments: payments.reduce((s, p) => s + Number(p.amount), 0),
    credited: lines.reduce((s, l) => s + Number(l.credited ?? 0), 0),
    held: credits.reduce((s, c) => s + c.amount, 0),
  };
}

describe(`money races (${testStore})`, () => {
  it('24 concurrent orders for one item: reservations never exceed what is owed', async () => {
    // TUITION owes ¥5,000; each racer wants ¥1,000 of it (or a retry of someone else's request key).
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => order(f.ids.TUITION, 100_000, T0, i % 4 === 3 ? `key-${i - 1}` : `key-${i}`)));
    const ids = new Set(results.flatMap((r) => (r.ok ? [r.order.id] : [])));
    expect(ids.size).toBe(5);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'exceedsOutstanding')).toBe(true);
    const reserved = (await f.ledger.loadFacts('S1', T0)).items.find((i) => i.code === 'TUITION')!.reserved;
    expect(reserved).toBe(500_000);
  });

  it('one transaction id delivered 12 times at once is credited once', async () => {
    const o = await order(f.ids.DORM, 120_000);
    if (!o.ok) throw new Error(o.reason);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => f.ledger.applyPayment('sandbox', paid(o.order.id, 120_000, 'TX-ONE'), T0 + i)));
    expect(outcomes.filter((r) => r.kind === 'applied')).toHaveLength(1);
    expect(outcomes.filter((r) => r.kind === 'duplicate')).toHaveLength(11);
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await conservation()).toEqual({ payments: 120_000, credited: 120_000, held: 0 });
  });

  it('different transactions for one order: the compare-and-set lets one credit the items, the rest are held', async () => {
    const o = await order(f.ids.DORM, 120_000);
    if (!o.ok) throw new Error(o.reason);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => f.ledger.applyPayment('sandbox', paid(o.order.id, 120_000, `TX-${i}`), T0 + i)));
    expect(outcomes.filter((r) => r.kind === 'applied')).toHaveLength(1);
    expect(outcomes.filter((r) => r.kind === 'late')).toHaveLength(5);
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await conservation()).toEqual({ payments: 720_000, credited: 120_000, held: 600_000 });
  });

  it('an expired order paid late while a newer order for the same item is paid: the item is never overpaid', async () => {
    const late = await order(f.ids.TUITION, 500_000, T0);
    if (!late.ok) throw new Error(late.reason);
    expect(await f.ledger.markOrder(late.order.id, 'expired', T0 + EXPIRY_MS)).toBe(true);
    const fresh = await order(f.ids.TUITION, 500_000, T0 + EXPIRY_MS + 1);
    if (!fresh.ok) throw new Error(fresh.reason);
    const at = T0 + EXPIRY_MS + 2;
    await Promise.all([
      f.ledger.applyPayment('sandbox', paid(late.order.id, 500_000, 'TX-LATE'), at),
      f.ledger.applyPayment('sandbox', paid(fresh.order.id, 500_000, 'TX-FRESH'), at),
      f.ledger.applyPayment('sandbox', paid(late.order.id, 500_000, 'TX-LATE'), at),
    ]);
    expect((await itemById(f.db, f.ids.TUITION)).amount_paid).toBe(500_000);
    expect(await conservation()).toEqual({ payments: 1_000_000, credited: 500_000, held: 500_000 });
  });

  it('reconciliation (asking the gateway) racing the notification of the same payment credits it once', async () => {
    const gw = scriptedGateway();
    const intake = createPaymentIntake({ gateway: gw.gateway, ledger: f.ledger, clock: () => T0 + 5, logger: createLogger('silent'), onEnqueued: () => {} });
    const o = await order(f.ids.DORM, 120_000);
    if (!o.ok) throw new Error(o.reason);
    const state = { status: 'paid' as const, transactionId: 'TX-R', amount: 120_000, paidAt: T0 + 1 };
    await Promise.all([
      intake.acceptPaidState(o.order.id, state),
      intake.acceptPaidState(o.order.id, state),
      f.ledger.applyPayment('sandbox', paid(o.order.id, 120_000, 'TX-R'), T0 + 2),
    ]);
    expect(await conservation()).toEqual({ payments: 120_000, credited: 120_000, held: 0 });
    // One receipt entry for the one payment that reached the items.
    const receipts = await f.db.selectFrom('outbox').select('kind').where('kind', '=', 'receipt').execute();
    expect(receipts).toHaveLength(1);
  });

  it('a billing re-import racing payments never touches amount_paid', async () => {
    const a = await order(f.ids.TUITION, 200_000);
    const b = await order(f.ids.DORM, 120_000);
    if (!a.ok || !b.ok) throw new Error('orders rejected');
    const csv = ['student_id,fee_period,code,name,amount_due,installment_allowed,min_installment,due_date', 'S1,2025-2026,TUITION,学费,5000,1,1000,', 'S1,2025-2026,DORM,住宿费,1200,0,0,'].join('\n');
    const results = await Promise.all([
      importFees(f.db, csv, { now: T0 + 1 }),
      f.ledger.applyPayment('sandbox', paid(a.order.id, 200_000, 'TX-A'), T0 + 2),
      importFees(f.db, csv, { now: T0 + 3 }),
      f.ledger.applyPayment('sandbox', paid(b.order.id, 120_000, 'TX-B'), T0 + 4),
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[2]).toMatchObject({ ok: true });
    expect((await itemById(f.db, f.ids.TUITION)).amount_paid).toBe(200_000);
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    const ledger = createLedger({ db: f.db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox' });
    expect((await ledger.loadFacts('S1', T0 + 5)).items.find((i) => i.code === 'TUITION')).toMatchObject({ amountPaid: 200_000, outstanding: 300_000 });
  });
});
