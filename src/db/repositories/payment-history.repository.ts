import type { Db } from '../database.js';

/** One payment as it reached one fee item: the 缴费历史项目 line with its date and receipt. */
export interface ItemPaymentRow {
  feeItemId: number;
  amount: number;
  paidAt: number;
  /** The receipt page's token, once the receipt is issued. */
  receiptToken: string | null;
}

/** A student's payments per fee item, newest first (only money that went to the item). */
export async function listItemPayments(db: Db, studentId: string, limit = 200): Promise<ItemPaymentRow[]> {
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .innerJoin('payments as p', 'p.order_id', 'o.id')
    .leftJoin('receipts as r', 'r.order_id', 'o.id')
    .select(['l.fee_item_id', 'l.credited', 'p.paid_at', 'r.view_token'])
    .where('o.student_id', '=', studentId)
    .where('l.credited', '>', 0)
    .where('p.outcome', 'in', ['applied', 'late'])
    .orderBy('p.paid_at', 'desc')
    .orderBy('l.fee_item_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ feeItemId: r.fee_item_id, amount: r.credited ?? 0, paidAt: r.paid_at, receiptToken: r.view_token ?? null }));
}
