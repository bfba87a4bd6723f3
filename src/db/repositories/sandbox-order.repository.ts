import { inTransaction, type Db } from '../database.js';
import type { SandboxOrdersTable } from '../schema.js';

// The sandbox gateway's own bookkeeping (it plays the external E缴通 platform). Progress through the
// hosted pages lives in the row: phone + sms_code set = code sent; phone set, sms_code null = code
// verified; method set = method chosen and agreement accepted. Every step is a compare-and-set on
// the previous step, so a stale or forged POST cannot skip ahead.

export type SandboxOrderRow = SandboxOrdersTable;

export type SandboxOrderInsert = Omit<SandboxOrderRow, 'status' | 'transaction_id' | 'phone' | 'sms_code' | 'method' | 'paid_at'>;

export function findSandboxOrder(db: Db, orderId: string): Promise<SandboxOrderRow | undefined> {
  return db.selectFrom('sandbox_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/** Inserts a pending order unless one with this id exists; returns the stored row either way. */
export async function insertSandboxOrderIfAbsent(db: Db, order: SandboxOrderInsert): Promise<SandboxOrderRow> {
  await db
    .insertInto('sandbox_orders')
    .values({ ...order, status: 'pending', transaction_id: null, phone: null, sms_code: null, method: null, paid_at: null })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  const row = await findSandboxOrder(db, order.order_id);
  if (!row) throw new Error(`sandbox order ${order.order_id} vanished after insert`);
  return row;
}

/** Starts (or restarts) phone verification: stores the phone and a fresh code, forgets any chosen method. */
export async function saveSandboxPhone(db: Db, orderId: string, phone: string, smsCode: string): Promise<boolean> {
  const result = await db
    .updateTable('sandbox_orders')
    .set({ phone, sms_code: smsCode, method: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks the code verified (clears it) only if it matches the one sent. */
export async function verifySandboxCode(db: Db, orderId: string, code: string): Promise<boolean> {
  const result = await db
    .updateTable('sandbox_orders')
    .set({ sms_code: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .where('phone', 'is not', null)
    .where('sms_code', '=', code)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores the payment method; requires a verified phone. */
export async function saveSandboxMethod(db: Db, orderId: string, method: string): Promise<boolean> {
  const result = await db
    .updateTable('sandbox_orders')
    .set({ method })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .where('phone', 'is not', null)
    .where('sms_code', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface SandboxSettlement {
  status: 'paid' | 'failed';
  transactionId: string;
  at: number;
}

/**
 * pending → paid/failed, only when every step was completed and the order has not expired.
 * Returns false when another request (a close, a second click) got there first.
 */
export async function settleSandboxOrder(db: Db, orderId: string, settlement: SandboxSettlement): Promise<boolean> {
  const result = await db
    .updateTable('sandbox_orders')
    .set({
      status: settlement.status,
      transaction_id: settlement.transactionId,
      paid_at: settlement.status === 'paid' ? settlement.at : null,
    })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', settlement.at)
    .where('phone', 'is not', null)
    .where('sms_code', 'is', null)
    .where('method', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** pending → closed; anything else is left alone. */
export async function closeSandboxOrder(db: Db, orderId: string): Promise<boolean> {
  const result = await db
    .updateTable('sandbox_orders')
    .set({ status: 'closed' })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type SandboxRefundOutcome =
  | { ok: true; amount: number }
  | { ok: false; reason: 'noSuchPayment' | 'exceedsPaid' | 'numberReused' };

/**
 * Refunds part of a paid sandbox order, once per refund number (a repeat with the same number and
 * amount is the same refund). The refunds of an order never add up to more than was paid.
 */
export function refundSandboxOrder(
  db: Db,
  input: { refundNo: string; orderId: string; transactionId: string; amount: number; now: number },
): Promise<SandboxRefundOutcome> {
  return inTransaction(db, async (tx) => {
    const earlier = await tx.selectFrom('sandbox_refunds').selectAll().where('refund_no', '=', input.refundNo).executeTakeFirst();
    if (earlier) {
      return earlier.order_id === input.orderId && Number(earlier.amount) === input.amount
        ? { ok: true as const, amount: input.amount }
        : { ok: false as const, reason: 'numberReused' as const };
    }
    const order = await findSandboxOrder(tx, input.orderId);
    if (!order || order.status !== 'paid' || order.transaction_id !== input.transactionId) return { ok: false as const, reason: 'noSuchPayment' as const };
    const refunded = await tx
      .selectFrom('sandbox_refunds')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('s'))
      .where('order_id', '=', input.orderId)
      .executeTakeFirstOrThrow();
    if (Number(refunded.s) + input.amount > Number(order.amount)) return { ok: false as const, reason: 'exceedsPaid' as const };
    await tx.insertInto('sandbox_refunds').values({ refund_no: input.refundNo, order_id: input.orderId, amount: input.amount, status: 'succeeded', created_at: input.now }).execute();
    return { ok: true as const, amount: input.amount };
  });
}

export function findSandboxRefund(db: Db, refundNo: string) {
  return db.selectFrom('sandbox_refunds').selectAll().where('refund_no', '=', refundNo).executeTakeFirst();
}
