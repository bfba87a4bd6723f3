import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxGateway, type SandboxGateway } from '../../adapters/sandbox-gateway/index.js';
import { sumMoneyTotals } from '../../src/db/repositories/refund.repository.js';
import { saveSandboxMethod, saveSandboxPhone, settleSandboxOrder, verifySandboxCode } from '../../src/db/repositories/sandbox-order.repository.js';
import { GatewayError } from '../../src/errors.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import type { PaymentGateway, RefundState } from '../../src/ports/gateway.port.js';
import { EXPIRY_MS, T0, itemById, paid, setupLedger, type Fixture } from './ledger-fixture.js';

// Held credits leave `held` only by a refund through the gateway that took the money (here the real
// sandbox, which keeps its own refund book) or an offset onto another unpaid item of the student.
// After every step: Σ payments = Σ credited to items + Σ held (open) + Σ refunded.

let f: Fixture;
let sandbox: SandboxGateway;
let ledger: Ledger;
/** A second gateway whose refund answers the test scripts. */
let scripted: { gateway: PaymentGateway; refundAnswers: (RefundState | Error)[]; queryAnswer: RefundState; calls: string[] };

beforeEach(async () => {
  f = await setupLedger();
  sandbox = createSandboxGateway({ db: f.db, secret: 'held-credit-test-secret-0123456789', publicBaseUrl: 'http://feebot.test', notifyUrl: 'http://feebot.test/n', clock: () => T0 });
  const calls: string[] = [];
  scripted = {
    calls,
    refundAnswers: [],
    queryAnswer: { status: 'pending' },
    gateway: {
      ...sandbox.gateway,
      name: 'scripted',
      async refund(input) {
        calls.push(`refund ${input.refundNo} ${input.amount}/${input.paymentTotal}`);
        const next = scripted.refundAnswers.shift() ?? { status: 'pending' };
        if (next instanceof Error) throw next;
        return next;
      },
      async queryRefund(refundNo) {
        calls.push(`query ${refundNo}`);
        return scripted.queryAnswer;
      },
    },
  };
  const byName = new Map([[sandbox.gateway.name, sandbox.gateway], ['scripted', scripted.gateway]]);
  ledger = createLedger({ db: f.db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox', gateways: (n) => byName.get(n) });
});
afterEach(async () => {
  sandbox.stop();
  await f.db.destroy();
});

async function balanced(): Promise<void> {
  const t = await sumMoneyTotals(f.db);
  const open = (await ledger.heldCredits.listHeldCredits()).reduce((s, c) => s + c.openAmount, 0);
  expect(t.heldOpen).toBe(open);
  expect(t.payments).toBe(t.creditedToItems + t.heldOpen + t.refunded);
}

/** Pays an order at the sandbox the way its pages would, and applies the payment to the ledger. */
async function payAtSandbox(orderId: string, amount: number, txn: string, at: number) {
  await sandbox.gateway.createOrder({ orderId, amount, subject: 's', studentId: 'S1', payerName: '李雷', expiresAt: T0 + 4 * 3600_000 });
  expect(await saveSandboxPhone(f.db, orderId, '13800000000', '123456')).toBe(true);
  expect(await verifySandboxCode(f.db, orderId, '123456')).toBe(true);
  expect(await saveSandboxMethod(f.db, orderId, 'wechat')).toBe(true);
  expect(await settleSandboxOrder(f.db, orderId, { status: 'paid', transactionId: txn, at })).toBe(true);
  return ledger.applyPayment('sandbox', paid(orderId, amount, txn, at), at);
}

async function order(itemId: number, amount: number, now = T0) {
  const r = await ledger.createOrder({ studentId: 'S1', lines: [{ itemId, amount }], channel: 'web', chatId: 'c1', now });
  if (!r.ok) throw new Error(r.reason);
  return r.order;
}

/** DORM paid twice: an expired order paid late after a second order settled it → 120 000 held. */
async function doublePaidDorm(): Promise<number> {
  const a = await order(f.ids.DORM, 120_000);
  expect(await ledger.markOrder(a.id, 'expired', T0 + EXPIRY_MS + 1)).toBe(true);
  const b = await order(f.ids.DORM, 120_000, T0 + EXPIRY_MS + 2);
  expect((await payAtSandbox(b.id, 120_000, 'TB', T0 + EXPIRY_MS + 3)).kind).toBe('applied');
  expect(await payAtSandbox(a.id, 120_000, 'TA', T0 + EXPIRY_MS + 4)).toMatchObject({ kind: 'late', flaggedCredit: 120_000 });
  const [credit] = await ledger.heldCredits.listHeldCredits({ open: true });
  expect(credit).toMatchObject({ studentId: 'S1', gateway: 'sandbox', transactionId: 'TA', orderId: a.id, amount: 120_000, openAmount: 120_000 });
  await balanced();
  return credit!.id;
}

const who = { note: '学生重复缴费，退回', actor: 'slack:U123' };

describe('held credits', () => {
  it('lists held credits by student and by open/closed', async () => {
    const id = await doublePaidDorm();
    expect((await ledger.heldCredits.listHeldCredits({ studentId: 'S1' })).map((c) => c.id)).toEqual([id]);
    expect(await ledger.heldCredits.listHeldCredits({ studentId: 'S2' })).toEqual([]);
    expect(await ledger.heldCredits.listHeldCredits({ open: false })).toEqual([]);
  });

  it('refunds through the sandbox once, however often and however concurrently it is asked', async () => {
    const id = await doublePaidDorm();
    const answers = await Promise.all(Array.from({ length: 5 }, () => ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + EXPIRY_MS + 10 })));
    expect(new Set(answers.map((a) => a.refundId))).toEqual(new Set([`FBR${id}-1`]));
    expect(answers.every((a) => a.status === 'succeeded')).toBe(true);
    const atSandbox = await f.db.selectFrom('sandbox_refunds').selectAll().execute();
    expect(atSandbox).toHaveLength(1);
    expect(atSandbox[0]).toMatchObject({ refund_no: `FBR${id}-1`, amount: 120_000 });
    expect(await ledger.heldCredits.listHeldCredits({ open: true })).toEqual([]);
    expect((await ledger.heldCredits.listHeldCredits())[0]).toMatchObject({ openAmount: 0, refundedAmount: 120_000 });
    expect((await f.db.selectFrom('credits').select('flagged').executeTakeFirstOrThrow()).flagged).toBe(0);
    const again = await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + EXPIRY_MS + 20 });
    expect(again).toEqual({ refundId: `FBR${id}-1`, status: 'succeeded' });
    await balanced();
  });

  it('offsets onto another unpaid item (held → credited), then refunds the rest: a partial refund of the payment', async () => {
    const id = await doublePaidDorm();
    const r = await ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.BOOKS, note: '抵扣教材费', actor: 'slack:U1', now: T0 + EXPIRY_MS + 10 });
    expect(r).toEqual({ applied: 30_000 });
    expect((await itemById(f.db, f.ids.BOOKS)).amount_paid).toBe(30_000);
    expect((await ledger.heldCredits.listHeldCredits({ open: true }))[0]).toMatchObject({ openAmount: 90_000, offsetAmount: 30_000 });
    await balanced();
    // Nothing left owing on BOOKS now; another student's item is refused.
    await expect(ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.BOOKS, ...who, now: T0 + EXPIRY_MS + 11 })).rejects.toThrow(/nothing unpaid/);
    await expect(ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.OTHER, ...who, now: T0 + EXPIRY_MS + 11 })).rejects.toThrow(/does not belong/);
    const refund = await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + EXPIRY_MS + 12 });
    expect(refund.status).toBe('succeeded');
    expect((await f.db.selectFrom('sandbox_refunds').select('amount').executeTakeFirstOrThrow()).amount).toBe(90_000);
    await expect(ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.TUITION, ...who, now: T0 + EXPIRY_MS + 13 })).rejects.toThrow(/nothing left/);
    await balanced();
  });

  it('an offset never takes what a live order has reserved', async () => {
    const id = await doublePaidDorm();
    await order(f.ids.BOOKS, 20_000, T0 + EXPIRY_MS + 5);
    expect(await ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.BOOKS, ...who, now: T0 + EXPIRY_MS + 6 })).toEqual({ applied: 10_000 });
    await balanced();
  });

  it('refuses without a note or actor, and for an unknown credit; nothing changes', async () => {
    const id = await doublePaidDorm();
    await expect(ledger.heldCredits.refundHeldCredit({ creditId: id, note: ' ', actor: 'x', now: T0 })).rejects.toThrow(/note/);
    await expect(ledger.heldCredits.offsetHeldCredit({ creditId: id, feeItemId: f.ids.BOOKS, note: 'n', actor: '', now: T0 })).rejects.toThrow(/actor/);
    await expect(ledger.heldCredits.refundHeldCredit({ creditId: 999, ...who, now: T0 })).rejects.toThrow(/no credit/);
    expect(await f.db.selectFrom('refunds').selectAll().execute()).toEqual([]);
    expect((await ledger.heldCredits.listHeldCredits({ open: true }))[0]!.openAmount).toBe(120_000);
  });

  it('a mismatched payment the gateway never saw cannot be refunded there: the refund fails and the money is held again', async () => {
    const o = await order(f.ids.DORM, 120_000);
    expect((await ledger.applyPayment('sandbox', paid(o.id, 99_999, 'FORGOTTEN'), T0 + 1)).kind).toBe('mismatch');
    const [credit] = await ledger.heldCredits.listHeldCredits();
    const r = await ledger.heldCredits.refundHeldCredit({ creditId: credit!.id, ...who, now: T0 + 2 });
    expect(r).toEqual({ refundId: `FBR${credit!.id}-1`, status: 'failed' });
    expect((await ledger.heldCredits.listHeldCredits({ open: true }))[0]!.openAmount).toBe(99_999);
    const staff = await f.db.selectFrom('outbox').selectAll().where('kind', '=', 'staff').execute();
    expect(staff.map((e) => JSON.parse(e.payload_json))).toEqual([{ event: { kind: 'credit.held', creditId: credit!.id } }]);
    await balanced();
  });

  describe('through a gateway whose refunds settle later', () => {
    async function scriptedCredit(): Promise<number> {
      const o = await order(f.ids.DORM, 120_000);
      await ledger.applyPayment('scripted', paid(o.id, 150_000, 'SC1'), T0 + 1);
      return (await ledger.heldCredits.listHeldCredits())[0]!.id;
    }

    it('pending, then the refund notification settles it; an unknown refund number changes nothing', async () => {
      const id = await scriptedCredit();
      scripted.refundAnswers.push({ status: 'pending' });
      expect(await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + 2 })).toEqual({ refundId: `FBR${id}-1`, status: 'pending' });
      expect(scripted.calls).toEqual([`refund FBR${id}-1 150000/150000`]);
      await balanced();
      expect(await ledger.heldCredits.settleRefund('FBR999-1', 'succeeded', T0 + 3)).toBeNull();
      expect(await ledger.heldCredits.settleRefund(`FBR${id}-1`, 'succeeded', T0 + 3)).toBe('succeeded');
      expect(await ledger.heldCredits.settleRefund(`FBR${id}-1`, 'failed', T0 + 4)).toBe('succeeded');
      expect((await ledger.heldCredits.listHeldCredits())[0]).toMatchObject({ openAmount: 0, refundedAmount: 150_000, refundingAmount: 0 });
      await balanced();
    });

    it('a gateway outage leaves it pending; the query settles it, re-sending a refund the gateway never got', async () => {
      const id = await scriptedCredit();
      scripted.refundAnswers.push(new GatewayError('connection reset'));
      expect((await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + 2 })).status).toBe('pending');
      scripted.queryAnswer = { status: 'unknown' };
      scripted.refundAnswers.push({ status: 'pending' });
      expect(await ledger.heldCredits.syncPendingRefunds(T0 + 3)).toBe(0);
      expect(scripted.calls).toEqual([`refund FBR${id}-1 150000/150000`, `query FBR${id}-1`, `refund FBR${id}-1 150000/150000`]);
      scripted.queryAnswer = { status: 'succeeded', gatewayRefundId: 'WX-R-1' };
      expect(await ledger.heldCredits.syncPendingRefunds(T0 + 4)).toBe(1);
      expect((await f.db.selectFrom('refunds').selectAll().executeTakeFirstOrThrow())).toMatchObject({ status: 'succeeded', gateway_refund_id: 'WX-R-1', settled_at: T0 + 4 });
      await balanced();
    });

    it('after a failed refund a new attempt gets the next number', async () => {
      const id = await scriptedCredit();
      scripted.refundAnswers.push({ status: 'failed' }, { status: 'succeeded' });
      expect(await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + 2 })).toEqual({ refundId: `FBR${id}-1`, status: 'failed' });
      await balanced();
      expect(await ledger.heldCredits.refundHeldCredit({ creditId: id, ...who, now: T0 + 3 })).toEqual({ refundId: `FBR${id}-2`, status: 'succeeded' });
      await balanced();
    });
  });
});
