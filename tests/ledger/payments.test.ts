import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCredits, listPaymentsForOrder } from '../../src/db/repositories/payment.repository.js';
import type { OrderRecord } from '../../src/ledger/index.js';
import { EXPIRY_MS, T0, itemById, paid, setupLedger, type Fixture } from './ledger-fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => {
  await f.db.destroy();
});

async function newOrder(lines: { itemId: number; amount: number }[], now = T0): Promise<OrderRecord> {
  const r = await f.ledger.createOrder({ studentId: 'S1', lines, channel: 'telegram', chatId: '42', now });
  if (!r.ok) throw new Error(`order rejected: ${r.reason}`);
  return r.order;
}

const allCredits = () => listCredits(f.db);
const paymentCount = async () => (await f.db.selectFrom('payments').select('id').execute()).length;

describe('applyPayment', () => {
  it('pays an installment, then the rest, and the item ends exactly settled', async () => {
    const first = await newOrder([{ itemId: f.ids.TUITION, amount: 200_000 }]);
    const r1 = await f.ledger.applyPayment('sandbox', paid(first.id, 200_000, 'TX1'), T0 + 60_000);
    expect(r1).toEqual({ kind: 'applied', orderId: first.id, paymentId: expect.any(Number), creditedToItems: 200_000, flaggedCredit: 0 });
    expect(await itemById(f.db, f.ids.TUITION)).toEqual({ amount_due: 500_000, amount_paid: 200_000 });
    expect(await f.ledger.getOrder(first.id)).toMatchObject({ status: 'paid', settledAt: T0 + 60_000 });

    const facts = (await f.ledger.loadFacts('S1', T0 + 61_000)).items.find((i) => i.code === 'TUITION');
    expect(facts).toMatchObject({ amountPaid: 200_000, reserved: 0, outstanding: 300_000 });

    const second = await newOrder([{ itemId: f.ids.TUITION, amount: 300_000 }], T0 + 120_000);
    const r2 = await f.ledger.applyPayment('sandbox', paid(second.id, 300_000, 'TX2'), T0 + 180_000);
    expect(r2).toMatchObject({ kind: 'applied', creditedToItems: 300_000, flaggedCredit: 0 });
    expect(await itemById(f.db, f.ids.TUITION)).toEqual({ amount_due: 500_000, amount_paid: 500_000 });
    expect(await allCredits()).toEqual([]);
  });

  it('credits a multi-item order line by line', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }, { itemId: f.ids.BOOKS, amount: 30_000 }]);
    const r = await f.ledger.applyPayment('sandbox', paid(o.id, 150_000, 'TXM'), T0 + 1);
    expect(r).toMatchObject({ kind: 'applied', creditedToItems: 150_000, flaggedCredit: 0 });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect((await itemById(f.db, f.ids.BOOKS)).amount_paid).toBe(30_000);
  });

  it('ignores a sequential duplicate notification', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const first = await f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TXD'), T0 + 1);
    expect(first.kind).toBe('applied');
    const again = await f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TXD'), T0 + 2);
    expect(again).toEqual({ kind: 'duplicate', orderId: o.id });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await paymentCount()).toBe(1);
    expect(await allCredits()).toEqual([]);
    // The same transaction id from another gateway is a different payment.
    expect((await f.ledger.applyPayment('other', paid(o.id, 120_000, 'TXD'), T0 + 3)).kind).toBe('late');
  });

  it('credits exactly once under concurrent duplicate notifications', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TXC'), T0 + i)));
    expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(5);
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await paymentCount()).toBe(1);
    expect(await allCredits()).toEqual([]);
  });

  it('holds a mismatched amount as flagged credit and leaves the order alone', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const r = await f.ledger.applyPayment('sandbox', paid(o.id, 100_000, 'TXW'), T0 + 1);
    expect(r).toEqual({ kind: 'mismatch', orderId: o.id, paymentId: expect.any(Number), flaggedCredit: 100_000 });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(0);
    expect((await f.ledger.getOrder(o.id))?.status).toBe('pending');
    expect(await listPaymentsForOrder(f.db, o.id)).toMatchObject([{ transaction_id: 'TXW', amount: 100_000, outcome: 'mismatch' }]);
    expect(await allCredits()).toMatchObject([{ student_id: 'S1', amount: 100_000, reason: 'amountMismatch', flagged: 1 }]);
  });

  it('still credits money paid after the order expired, marked late', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    expect(await f.ledger.markOrder(o.id, 'expired', T0 + EXPIRY_MS)).toBe(true);
    const r = await f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TXL', T0 + EXPIRY_MS + 5), T0 + EXPIRY_MS + 10);
    expect(r).toMatchObject({ kind: 'late', orderId: o.id, creditedToItems: 120_000, flaggedCredit: 0 });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect((await f.ledger.getOrder(o.id))?.status).toBe('paid');
    expect(await listPaymentsForOrder(f.db, o.id)).toMatchObject([{ outcome: 'late' }]);
  });

  it('turns an overpayment into a flagged credit: two orders for one item paid after expiry', async () => {
    const a = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    // a's reservation lapsed, so a second full order is allowed.
    const b = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }], T0 + EXPIRY_MS + 1);
    expect(await f.ledger.markOrder(a.id, 'expired', T0 + EXPIRY_MS + 2)).toBe(true);

    expect(await f.ledger.applyPayment('sandbox', paid(b.id, 120_000, 'TXB'), T0 + EXPIRY_MS + 3)).toMatchObject({ kind: 'applied', creditedToItems: 120_000, flaggedCredit: 0 });
    const late = await f.ledger.applyPayment('sandbox', paid(a.id, 120_000, 'TXA'), T0 + EXPIRY_MS + 4);
    expect(late).toMatchObject({ kind: 'late', creditedToItems: 0, flaggedCredit: 120_000 });
    expect(await itemById(f.db, f.ids.DORM)).toEqual({ amount_due: 120_000, amount_paid: 120_000 });
    expect(await allCredits()).toMatchObject([{ student_id: 'S1', amount: 120_000, reason: 'overpayment', flagged: 1 }]);
  });

  it('splits a partial overpayment between the item and a credit', async () => {
    const a = await newOrder([{ itemId: f.ids.TUITION, amount: 400_000 }]);
    const b = await newOrder([{ itemId: f.ids.TUITION, amount: 300_000 }], T0 + EXPIRY_MS);
    await f.ledger.applyPayment('sandbox', paid(b.id, 300_000, 'TX-B'), T0 + EXPIRY_MS + 1);
    const r = await f.ledger.applyPayment('sandbox', paid(a.id, 400_000, 'TX-A'), T0 + EXPIRY_MS + 2);
    // a was still 'pending' (the sweeper had not run) so it counts as applied, but only 200,000 fits.
    expect(r).toMatchObject({ kind: 'applied', creditedToItems: 200_000, flaggedCredit: 200_000 });
    expect((await itemById(f.db, f.ids.TUITION)).amount_paid).toBe(500_000);
  });

  it('keeps a second payment for an already paid order as a duplicatePayment credit', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    await f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TX-1'), T0 + 1);
    const r = await f.ledger.applyPayment('sandbox', paid(o.id, 120_000, 'TX-2'), T0 + 2);
    expect(r).toMatchObject({ kind: 'late', creditedToItems: 0, flaggedCredit: 120_000 });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await allCredits()).toMatchObject([{ amount: 120_000, reason: 'duplicatePayment', flagged: 1 }]);
    expect(await paymentCount()).toBe(2);
  });

  it('records money for an unknown order as an orphan credit', async () => {
    const r = await f.ledger.applyPayment('sandbox', paid('FB-NOPE', 8_800, 'TXO'), T0);
    expect(r).toEqual({ kind: 'orphan', orderId: 'FB-NOPE', paymentId: expect.any(Number), flaggedCredit: 8_800 });
    expect(await listPaymentsForOrder(f.db, 'FB-NOPE')).toMatchObject([{ outcome: 'orphan', amount: 8_800 }]);
    expect(await allCredits()).toMatchObject([{ student_id: '', amount: 8_800, reason: 'orphan', flagged: 1 }]);
    expect(await f.ledger.applyPayment('sandbox', paid('FB-NOPE', 8_800, 'TXO'), T0 + 1)).toEqual({ kind: 'duplicate', orderId: 'FB-NOPE' });
    expect(await allCredits()).toHaveLength(1);
  });

  it('marks a pending order failed on a failed notification, without a payment row', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const failed = { ...paid(o.id, 120_000, 'TXF'), status: 'failed' as const };
    expect(await f.ledger.applyPayment('sandbox', failed, T0 + 1)).toEqual({ kind: 'failed', orderId: o.id, changed: true });
    expect(await f.ledger.applyPayment('sandbox', failed, T0 + 2)).toEqual({ kind: 'failed', orderId: o.id, changed: false });
    expect((await f.ledger.getOrder(o.id))?.status).toBe('failed');
    expect(await paymentCount()).toBe(0);
    // The item is free again.
    expect((await f.ledger.loadFacts('S1', T0 + 3)).items.find((i) => i.code === 'DORM')?.outstanding).toBe(120_000);
  });

  it('refuses a non-integer amount without recording anything', async () => {
    const o = await newOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    await expect(f.ledger.applyPayment('sandbox', paid(o.id, 1200.5, 'TXN'), T0)).rejects.toThrow(/invalid amount/);
    expect(await paymentCount()).toBe(0);
  });
});
