import { localDate } from '../../src/local-date.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { EXPIRY_MS, T0, itemById, setupLedger, type Fixture } from './ledger-fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => {
  await f.db.destroy();
});

const order = (lines: { itemId: number; amount: number }[], studentId = 'S1', now = T0) =>
  f.ledger.createOrder({ studentId, lines, channel: 'web', chatId: 'c1', now });

describe('loadFacts', () => {
  it('masks the email, orders items newest period first, and subtracts live reservations', async () => {
    const facts = await f.ledger.loadFacts('S1', T0);
    expect(facts.student).toMatchObject({ studentId: 'S1', name: '李雷', college: '信息学院', className: '计科2201', recoveryEmailMasked: 'l***@example.edu.cn' });
    expect(facts.items.map((i) => `${i.feePeriod}/${i.code}`)).toEqual(['2025-2026/DORM', '2025-2026/TUITION', '2024-2025/BOOKS']);

    const r = await order([{ itemId: f.ids.TUITION, amount: 200_000 }]);
    expect(r.ok).toBe(true);
    const tuition = (await f.ledger.loadFacts('S1', T0 + 1000)).items.find((i) => i.code === 'TUITION');
    expect(tuition).toMatchObject({ amountDue: 500_000, amountPaid: 0, reserved: 200_000, outstanding: 300_000, installmentAllowed: true, minInstallment: 100_000 });

    // Once the order's expiry has passed it no longer holds anything.
    const later = (await f.ledger.loadFacts('S1', T0 + EXPIRY_MS)).items.find((i) => i.code === 'TUITION');
    expect(later).toMatchObject({ reserved: 0, outstanding: 500_000 });
  });

  it('returns a null student for an unknown id', async () => {
    expect(await f.ledger.loadFacts('NOPE', T0)).toEqual({ student: null, items: [], today: localDate(T0, 'Asia/Shanghai') });
  });
});

describe('createOrder', () => {
  it('returns the same order when the same request is retried (request key), reserving once', async () => {
    const request = { studentId: 'S1', lines: [{ itemId: f.ids.TUITION, amount: 200_000 }], channel: 'web', chatId: 'c1', now: T0, requestKey: 'outbox:7' };
    const [first, again] = [await f.ledger.createOrder(request), await f.ledger.createOrder(request)];
    if (!first.ok || !again.ok) throw new Error('expected orders');
    expect(again.order.id).toBe(first.order.id);
    expect((await f.ledger.loadFacts('S1', T0)).items.find((i) => i.code === 'TUITION')?.reserved).toBe(200_000);
    const other = await f.ledger.createOrder({ ...request, requestKey: 'outbox:8' });
    if (!other.ok) throw new Error(other.reason);
    expect(other.order.id).not.toBe(first.order.id);
  });

  it('creates a pending order with lines, total and expiry', async () => {
    const r = await order([{ itemId: f.ids.TUITION, amount: 500_000 }, { itemId: f.ids.DORM, amount: 120_000 }]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.order.id).toMatch(/^FB20260901100000[A-Z2-9]{6}$/);
    expect(r.order.id.length).toBeLessThanOrEqual(32);
    expect(r.order).toMatchObject({ studentId: 'S1', status: 'pending', total: 620_000, gateway: 'sandbox', channel: 'web', chatId: 'c1', payUrl: null, expiresAt: T0 + EXPIRY_MS });
    expect(r.order.lines).toEqual([
      { itemId: f.ids.DORM, feePeriod: '2025-2026', code: 'DORM', name: '住宿费', amount: 120_000 },
      { itemId: f.ids.TUITION, feePeriod: '2025-2026', code: 'TUITION', name: '学费', amount: 500_000 },
    ]);
    await f.ledger.attachGatewayOrder(r.order.id, 'http://pay/x', 'qr-x');
    expect(await f.ledger.getOrder(r.order.id)).toMatchObject({ payUrl: 'http://pay/x', qrPayload: 'qr-x' });
    expect(await f.ledger.getOrder('missing')).toBeNull();
  });

  it('never lets two live orders exceed what is owed', async () => {
    expect((await order([{ itemId: f.ids.TUITION, amount: 300_000 }])).ok).toBe(true);
    expect(await order([{ itemId: f.ids.TUITION, amount: 200_001 }])).toEqual({ ok: false, reason: 'exceedsOutstanding' });
    expect((await order([{ itemId: f.ids.TUITION, amount: 200_000 }])).ok).toBe(true);
    expect(await order([{ itemId: f.ids.TUITION, amount: 1 }])).toEqual({ ok: false, reason: 'exceedsOutstanding' });
    // A rejected multi-line order writes nothing at all.
    expect(await order([{ itemId: f.ids.DORM, amount: 120_000 }, { itemId: f.ids.TUITION, amount: 1 }])).toEqual({ ok: false, reason: 'exceedsOutstanding' });
    expect((await f.ledger.listPending()).length).toBe(2);
  });

  it('serialises concurrent orders so exactly one gets the full amount', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => order([{ itemId: f.ids.TUITION, amount: 500_000 }])));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'exceedsOutstanding')).toHaveLength(4);
    const reserved = (await f.ledger.loadFacts('S1', T0)).items.find((i) => i.code === 'TUITION')?.reserved;
    expect(reserved).toBe(500_000);
  });

  it('frees the reservation when an order is closed, failed or expires', async () => {
    const a = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    if (!a.ok) throw new Error(a.reason);
    expect(await f.ledger.markOrder(a.order.id, 'closed', T0 + 1)).toBe(true);
    expect(await f.ledger.markOrder(a.order.id, 'failed', T0 + 2)).toBe(false); // only from pending
    expect((await order([{ itemId: f.ids.DORM, amount: 120_000 }], 'S1', T0 + 3)).ok).toBe(true);
    // After expiry time the old order no longer reserves, even before the sweeper marks it.
    expect((await order([{ itemId: f.ids.DORM, amount: 120_000 }], 'S1', T0 + 3 + EXPIRY_MS)).ok).toBe(true);
  });

  it('rejects lines that are not the student’s or not positive integers', async () => {
    const bad = [
      [],
      [{ itemId: f.ids.OTHER, amount: 1000 }],
      [{ itemId: 99_999, amount: 1000 }],
      [{ itemId: f.ids.DORM, amount: 0 }],
      [{ itemId: f.ids.DORM, amount: -5 }],
      [{ itemId: f.ids.DORM, amount: 10.5 }],
      [{ itemId: f.ids.DORM, amount: 1000 }, { itemId: f.ids.DORM, amount: 1000 }],
    ];
    for (const lines of bad) expect(await order(lines)).toEqual({ ok: false, reason: 'invalidLine' });
    expect(await f.ledger.listPending()).toEqual([]);
  });

  it('lists expired pending orders for the sweeper', async () => {
    const a = await order([{ itemId: f.ids.DORM, amount: 60_000 }]);
    const b = await order([{ itemId: f.ids.DORM, amount: 60_000 }], 'S1', T0 + 10 * 60_000);
    if (!a.ok || !b.ok) throw new Error('setup');
    expect((await f.ledger.listPending({ expiresBy: T0 + EXPIRY_MS })).map((o) => o.id)).toEqual([a.order.id]);
    expect(await f.ledger.markOrder(a.order.id, 'expired', T0 + EXPIRY_MS)).toBe(true);
    expect(await f.ledger.listPending({ expiresBy: T0 + EXPIRY_MS })).toEqual([]);
    expect((await f.ledger.listPending()).map((o) => o.id)).toEqual([b.order.id]);
    expect((await f.ledger.getOrder(a.order.id))?.status).toBe('expired');
  });
});

describe('upsertFeeItem', () => {
  it('updates by (student, period, code) without touching amount_paid', async () => {
    await f.db.updateTable('fee_items').set({ amount_paid: 50_000 }).where('id', '=', f.ids.DORM).execute();
    await upsertFeeItem(f.db, { student_id: 'S1', fee_period: '2025-2026', code: 'DORM', name: '住宿费(调整)', amount_due: 130_000, installment_allowed: 0, min_installment: 0, due_date: null }, T0 + 5);
    expect(await itemById(f.db, f.ids.DORM)).toEqual({ amount_due: 130_000, amount_paid: 50_000 });
    expect(await f.db.selectFrom('fee_items').select('id').execute()).toHaveLength(4);
  });
});

describe('reportProblem', () => {
  it('stores a report and returns its id', async () => {
    const id = await f.ledger.reportProblem({ studentId: 'S1', orderId: null, channel: 'web', chatId: 'c1', description: '付款后未到账', now: T0 });
    const row = await f.db.selectFrom('problem_reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ student_id: 'S1', description: '付款后未到账', status: 'open', created_at: T0 });
  });
});
