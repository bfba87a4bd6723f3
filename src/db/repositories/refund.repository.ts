import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { CreditResolutionsTable, RefundStatus, RefundsTable } from '../schema.js';

// Held credits and what resolved them. A credit's open amount = amount − offsets − refunds that
// have not failed (a failed refund gives the money back to the credit, to be resolved again).

export type RefundRow = RefundsTable;
export type ResolutionRow = Omit<CreditResolutionsTable, 'id'> & { id: number };

export interface HeldCreditRow {
  id: number;
  student_id: string;
  payment_id: number;
  amount: number;
  reason: string;
  created_at: number;
  gateway: string;
  transaction_id: string;
  order_id: string;
  payment_amount: number;
  offset: number;
  refunding: number;
  refunded: number;
}

function resolvedSums(db: Db) {
  return db
    .selectFrom('credits as c')
    .innerJoin('payments as p', 'p.id', 'c.payment_id')
    .select(['c.id', 'c.student_id', 'c.payment_id', 'c.amount', 'c.reason', 'c.created_at', 'p.gateway', 'p.transaction_id', 'p.order_id'])
    .select('p.amount as payment_amount')
    .select((eb) => [
      eb.fn.coalesce(
        eb.selectFrom('credit_resolutions as r').select((e) => e.fn.sum<number>('r.amount').as('s')).whereRef('r.credit_id', '=', 'c.id').where('r.kind', '=', 'offset'),
        eb.lit(0),
      ).as('offset'),
      eb.fn.coalesce(
        eb.selectFrom('refunds as f').select((e) => e.fn.sum<number>('f.amount').as('s')).whereRef('f.credit_id', '=', 'c.id').where('f.status', '=', 'pending'),
        eb.lit(0),
      ).as('refunding'),
      eb.fn.coalesce(
        eb.selectFrom('refunds as f').select((e) => e.fn.sum<number>('f.amount').as('s')).whereRef('f.credit_id', '=', 'c.id').where('f.status', '=', 'succeeded'),
        eb.lit(0),
      ).as('refunded'),
    ]);
}

function toHeld(r: Record<keyof HeldCreditRow, unknown>): HeldCreditRow {
  return {
    id: Number(r.id), student_id: String(r.student_id), payment_id: Number(r.payment_id), amount: Number(r.amount),
    reason: String(r.reason), created_at: Number(r.created_at), gateway: String(r.gateway), transaction_id: String(r.transaction_id),
    order_id: String(r.order_id), payment_amount: Number(r.payment_amount), offset: Number(r.offset ?? 0),
    refunding: Number(r.refunding ?? 0), refunded: Number(r.refunded ?? 0),
  };
}

export async function listHeldCreditRows(db: Db, filter: { studentId?: string; creditId?: number } = {}): Promise<HeldCreditRow[]> {
  let query = resolvedSums(db);
  if (filter.studentId !== undefined) query = query.where('c.student_id', '=', filter.studentId);
  if (filter.creditId !== undefined) query = query.where('c.id', '=', filter.creditId);
  const rows = await query.orderBy('c.id').execute();
  return rows.map((r) => toHeld(r as Record<keyof HeldCreditRow, unknown>));
}

/** Keeps `flagged` in step with the open amount, so staff lists show only what still needs a decision. */
export async function setCreditFlag(db: Db, creditId: number, flagged: boolean): Promise<void> {
  await db.updateTable('credits').set({ flagged: flagged ? 1 : 0 }).where('id', '=', creditId).execute();
}

export async function insertResolution(db: Db, row: Omit<ResolutionRow, 'id'>): Promise<void> {
  await db.insertInto('credit_resolutions').values(row).execute();
}

export async function listRefundsForCredit(db: Db, creditId: number): Promise<RefundRow[]> {
  const rows = await db.selectFrom('refunds').selectAll().where('credit_id', '=', creditId).orderBy('attempt').execute();
  return rows.map(toRefund);
}

export async function findRefund(db: Db, refundNo: string): Promise<RefundRow | undefined> {
  const row = await db.selectFrom('refunds').selectAll().where('refund_no', '=', refundNo).executeTakeFirst();
  return row ? toRefund(row) : undefined;
}

export async function insertRefund(db: Db, row: RefundRow): Promise<void> {
  await db.insertInto('refunds').values(row).execute();
}

/** pending → succeeded/failed once; false when it had already settled. */
export async function settleRefundRow(db: Db, refundNo: string, to: Exclude<RefundStatus, 'pending'>, at: number, gatewayRefundId?: string): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set({ status: to, settled_at: at, ...(gatewayRefundId ? { gateway_refund_id: gatewayRefundId } : {}) })
    .where('refund_no', '=', refundNo)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listPendingRefunds(db: Db, createdBefore?: number): Promise<RefundRow[]> {
  let query = db.selectFrom('refunds').selectAll().where('status', '=', 'pending');
  if (createdBefore !== undefined) query = query.where('created_at', '<', createdBefore);
  return (await query.orderBy('created_at').execute()).map(toRefund);
}

export interface MoneyTotals {
  payments: number;
  /** Σ fee_items.amount_paid: only payments and offsets move it. */
  creditedToItems: number;
  /** Σ credits − offsets − refunds that have not failed. */
  heldOpen: number;
  /** Refunds settled or on their way (not failed). */
  refunded: number;
}

/**
 * The ledger's balance: Σ payments = Σ credited to items + Σ held (open) + Σ refunded. Reconciliation
 * reports a broken balance; tests assert it after every money movement.
 */
export async function sumMoneyTotals(db: Db): Promise<MoneyTotals> {
  const one = async (query: ReturnType<typeof sql<{ s: number | string | null }>>) => Number((await query.execute(db)).rows[0]?.s ?? 0);
  const payments = await one(sql`select sum(amount) as s from payments`);
  const creditedToItems = await one(sql`select sum(amount_paid) as s from fee_items`);
  const offsets = await one(sql`select sum(amount) as s from credit_resolutions where kind = 'offset'`);
  const refunded = await one(sql`select sum(amount) as s from refunds where status <> 'failed'`);
  const credits = await one(sql`select sum(amount) as s from credits`);
  return { payments, creditedToItems, heldOpen: credits - offsets - refunded, refunded };
}

function toRefund(r: RefundRow): RefundRow {
  return {
    ...r, credit_id: Number(r.credit_id), attempt: Number(r.attempt), amount: Number(r.amount), payment_total: Number(r.payment_total),
    created_at: Number(r.created_at), settled_at: r.settled_at === null ? null : Number(r.settled_at),
  };
}
