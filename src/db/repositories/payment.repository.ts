import type { Db } from '../database.js';
import type { PaymentOutcome } from '../schema.js';

export interface PaymentRow {
  id: number;
  gateway: string;
  transaction_id: string;
  order_id: string;
  amount: number;
  outcome: PaymentOutcome;
  paid_at: number;
  received_at: number;
}

export interface CreditRow {
  id: number;
  student_id: string;
  payment_id: number;
  amount: number;
  reason: string;
  flagged: number;
  created_at: number;
}

/**
 * Records a payment unless (gateway, transaction_id) is already known. Returns the new id, or
 * null for a duplicate — the unique constraint is the guard, not a prior read.
 */
export async function insertPaymentIfNew(db: Db, payment: Omit<PaymentRow, 'id'>): Promise<number | null> {
  const row = await db
    .insertInto('payments')
    .values(payment)
    .onConflict((oc) => oc.columns(['gateway', 'transaction_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** The payment recorded for (gateway, transaction id), with whether its follow-ups were queued. */
export async function findPaymentByTransaction(db: Db, gateway: string, transactionId: string): Promise<(PaymentRow & { followUpsQueued: boolean }) | undefined> {
  const r = await db.selectFrom('payments').selectAll().where('gateway', '=', gateway).where('transaction_id', '=', transactionId).executeTakeFirst();
  return r ? { ...toPaymentRow(r), followUpsQueued: Number(r.follow_ups_queued) === 1 } : undefined;
}

/** Payments whose follow-ups were never queued (left by a crash in an older version), oldest first. */
export async function listPaymentsAwaitingFollowUps(db: Db, limit: number): Promise<PaymentRow[]> {
  const rows = await db.selectFrom('payments').selectAll().where('follow_ups_queued', '=', 0).orderBy('id').limit(limit).execute();
  return rows.map(toPaymentRow);
}

/** Compare-and-set 0 → 1: true for the one transaction that gets to queue this payment's follow-ups. */
export async function claimPaymentFollowUps(db: Db, paymentId: number): Promise<boolean> {
  const result = await db.updateTable('payments').set({ follow_ups_queued: 1 }).where('id', '=', paymentId).where('follow_ups_queued', '=', 0).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toPaymentRow(r: PaymentRow & { follow_ups_queued?: unknown }): PaymentRow {
  return {
    id: Number(r.id),
    gateway: r.gateway,
    transaction_id: r.transaction_id,
    order_id: r.order_id,
    amount: Number(r.amount),
    outcome: r.outcome,
    paid_at: Number(r.paid_at),
    received_at: Number(r.received_at),
  };
}

export async function listPaymentsForOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  const rows = await db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  return rows.map(toPaymentRow);
}

export async function insertCredit(db: Db, credit: Omit<CreditRow, 'id'>): Promise<number> {
  const row = await db.insertInto('credits').values(credit).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function listCredits(db: Db, filter: { studentId?: string; paymentId?: number } = {}): Promise<CreditRow[]> {
  let query = db.selectFrom('credits').selectAll();
  if (filter.studentId !== undefined) query = query.where('student_id', '=', filter.studentId);
  if (filter.paymentId !== undefined) query = query.where('payment_id', '=', filter.paymentId);
  const rows = await query.orderBy('id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), payment_id: Number(r.payment_id), amount: Number(r.amount), flagged: Number(r.flagged) }));
}
