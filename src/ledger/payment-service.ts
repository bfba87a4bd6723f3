import { inTransaction, type Db, type Tx } from '../db/database.js';
import { addToAmountPaid, findFeeItemById } from '../db/repositories/fee-item.repository.js';
import { casOrderStatus, findOrderById, listOrderLines, setLineCredited, type OrderRow } from '../db/repositories/order.repository.js';
import {
  claimPaymentFollowUps,
  findPaymentByTransaction,
  insertCredit,
  insertPaymentIfNew,
  listCredits,
  listPaymentsAwaitingFollowUps,
  type PaymentRow,
} from '../db/repositories/payment.repository.js';
import type { PaymentOutcome } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Fen } from '../money.js';
import type { PaymentNotification } from '../ports/gateway.port.js';
import type { ApplyOutcome, FollowUpHook, RecordedOutcome } from './ledger.types.js';

/** Why money sits in `credits` instead of on a fee item; every one of these is flagged for staff. */
export type CreditReason = 'orphan' | 'amountMismatch' | 'overpayment' | 'duplicatePayment';

export interface PaymentServiceDeps {
  db: Db;
  logger?: Logger;
}

export function createPaymentService({ db, logger }: PaymentServiceDeps) {
  /**
   * Applies a gateway notification exactly once. Everything happens in one BEGIN IMMEDIATE
   * transaction keyed by the unique (gateway, transaction id), so a redelivered or concurrent
   * duplicate finds the payment row and changes nothing. Money that cannot go to a fee item is
   * kept as a flagged credit: a payment is never dropped.
   */
  async function applyPayment(gatewayName: string, n: PaymentNotification, now: number, followUps?: FollowUpHook): Promise<ApplyOutcome> {
    if (n.status === 'failed') {
      // The student's notice (重新支付) commits with the status: a crash keeps both or neither.
      return inTransaction(db, async (tx) => {
        const outcome = { kind: 'failed' as const, orderId: n.orderId, changed: await casOrderStatus(tx, n.orderId, 'pending', 'failed', now) };
        if (outcome.changed && followUps) await followUps(tx, outcome);
        return outcome;
      });
    }
    if (!Number.isSafeInteger(n.amount) || n.amount <= 0) {
      // A gateway adapter bug; throwing makes the notifier retry instead of recording nonsense.
      throw new Error(`Payment ${n.transactionId} has an invalid amount: ${String(n.amount)}`);
    }
    const result = await inTransaction(db, async (tx) => {
      const outcome = await applyPaid(tx, gatewayName, n, now);
      // The receipt and notices commit with the credit: a crash keeps both or neither. A duplicate
      // of a payment that an older version left without them queues them now.
      const recorded = outcome.kind === 'duplicate' ? await unqueuedDuplicate(tx, gatewayName, n.transactionId) : outcome;
      if (followUps && recorded && (await claimPaymentFollowUps(tx, recorded.paymentId))) {
        await followUps(tx, recorded);
      }
      return outcome;
    });
    logOutcome(n, result);
    return result;
  }

  function logOutcome(n: PaymentNotification, result: ApplyOutcome): void {
    if (!logger) return;
    const ctx = { orderId: n.orderId, transactionId: n.transactionId, amount: n.amount, outcome: result.kind };
    if (result.kind === 'mismatch') logger.warn(ctx, 'payment amount does not match the order total; held as flagged credit');
    else if (result.kind === 'orphan') logger.warn(ctx, 'payment for an unknown order; held as flagged credit');
    else if ((result.kind === 'applied' || result.kind === 'late') && result.flaggedCredit > 0)
      logger.warn({ ...ctx, flaggedCredit: result.flaggedCredit }, 'payment exceeded what was owed; surplus held as flagged credit');
    else if (result.kind === 'duplicate') logger.info(ctx, 'duplicate payment notification ignored');
    else logger.info(ctx, 'payment applied');
  }

  /**
   * Queues the follow-ups of payments recorded without them (by a version that queued them in a
   * second transaction and crashed in between). Run at start and on every sweep; returns how many.
   */
  async function repairPaymentFollowUps(followUps: FollowUpHook, limit = 100): Promise<number> {
    let repaired = 0;
    for (const payment of await listPaymentsAwaitingFollowUps(db, limit)) {
      const done = await inTransaction(db, async (tx) => {
        if (!(await claimPaymentFollowUps(tx, payment.id))) return false;
        await followUps(tx, await recordedOutcome(tx, payment));
        return true;
      });
      if (done) repaired++;
    }
    if (repaired > 0) logger?.warn({ repaired }, 'queued the missing receipts and notices of earlier payments');
    return repaired;
  }

  return { applyPayment, repairPaymentFollowUps };
}

export type PaymentService = ReturnType<typeof createPaymentService>;

async function applyPaid(tx: Tx, gatewayName: string, n: PaymentNotification, now: number): Promise<RecordedOutcome | Extract<ApplyOutcome, { kind: 'duplicate' }>> {
  const order = await findOrderById(tx, n.orderId);
  const outcome = classify(order, n.amount);
  const paymentId = await insertPaymentIfNew(tx, {
    gateway: gatewayName,
    transaction_id: n.transactionId,
    order_id: n.orderId,
    amount: n.amount,
    outcome,
    paid_at: n.paidAt,
    received_at: now,
  });
  if (paymentId === null) return { kind: 'duplicate', orderId: n.orderId };

  const hold = (studentId: string, reason: CreditReason) =>
    insertCredit(tx, { student_id: studentId, payment_id: paymentId, amount: n.amount, reason, flagged: 1, created_at: now });

  if (!order) {
    await hold('', 'orphan');
    return { kind: 'orphan', orderId: n.orderId, paymentId, flaggedCredit: n.amount };
  }
  if (outcome === 'mismatch') {
    await hold(order.student_id, 'amountMismatch');
    return { kind: 'mismatch', orderId: order.id, paymentId, flaggedCredit: n.amount };
  }
  if (order.status === 'paid') {
    // Paid twice through different transactions: the first one settled the items.
    await hold(order.student_id, 'duplicatePayment');
    return { kind: 'late', orderId: order.id, paymentId, creditedToItems: 0, flaggedCredit: n.amount };
  }
  if (!(await casOrderStatus(tx, order.id, order.status, 'paid', now))) {
    throw new Error(`Order ${order.id} changed status inside a write transaction`);
  }
  const { credited, surplus } = await creditItems(tx, order.id, now);
  if (surplus > 0) {
    await insertCredit(tx, { student_id: order.student_id, payment_id: paymentId, amount: surplus, reason: 'overpayment', flagged: 1, created_at: now });
  }
  return { kind: outcome === 'late' ? 'late' : 'applied', orderId: order.id, paymentId, creditedToItems: credited, flaggedCredit: surplus };
}

/** A duplicate whose first delivery was recorded without follow-ups: its outcome, to queue them now. */
async function unqueuedDuplicate(tx: Tx, gatewayName: string, transactionId: string): Promise<RecordedOutcome | null> {
  const payment = await findPaymentByTransaction(tx, gatewayName, transactionId);
  return payment && !payment.followUpsQueued ? recordedOutcome(tx, payment) : null;
}

/** What applying this payment did, read back from its row and the credits it left. */
async function recordedOutcome(tx: Tx, payment: PaymentRow): Promise<RecordedOutcome> {
  const held = (await listCredits(tx, { paymentId: payment.id })).reduce((sum, c) => sum + c.amount, 0);
  const base = { orderId: payment.order_id, paymentId: payment.id };
  switch (payment.outcome) {
    case 'orphan':
    case 'mismatch':
      return { kind: payment.outcome, ...base, flaggedCredit: held };
    case 'applied':
    case 'late':
      return { kind: payment.outcome, ...base, creditedToItems: payment.amount - held, flaggedCredit: held };
  }
}

function classify(order: OrderRow | undefined, amount: Fen): PaymentOutcome {
  if (!order) return 'orphan';
  if (amount !== order.total) return 'mismatch';
  return order.status === 'pending' ? 'applied' : 'late';
}

/** Adds each line to its item, never past amount_due; what does not fit is the surplus. */
async function creditItems(tx: Tx, orderId: string, now: number): Promise<{ credited: Fen; surplus: Fen }> {
  let credited = 0;
  let surplus = 0;
  for (const line of await listOrderLines(tx, [orderId])) {
    const item = await findFeeItemById(tx, line.fee_item_id);
    const room = item ? Math.max(0, item.amount_due - item.amount_paid) : 0;
    const take = Math.min(line.amount, room);
    if (take > 0) await addToAmountPaid(tx, line.fee_item_id, take, now);
    await setLineCredited(tx, orderId, line.fee_item_id, take);
    credited += take;
    surplus += line.amount - take;
  }
  return { credited, surplus };
}
