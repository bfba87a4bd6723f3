import type { Db } from '../database.js';
import type { ReceiptsTable } from '../schema.js';

export type ReceiptRow = ReceiptsTable;

export function findReceiptByOrderId(db: Db, orderId: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('receipts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export function findReceiptByToken(db: Db, viewToken: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('receipts').selectAll().where('view_token', '=', viewToken).executeTakeFirst();
}

/** Inserts unless a receipt for the order (or that number) already exists; true when inserted. */
export async function insertReceiptIfAbsent(db: Db, receipt: ReceiptRow): Promise<boolean> {
  const result = await db.insertInto('receipts').values(receipt).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** What each fee item of the order was due in full: a receipt line below it was an installment (分期). */
export async function listItemDuesForOrder(db: Db, orderId: string): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('order_lines as ol')
    .innerJoin('fee_items as fi', 'fi.id', 'ol.fee_item_id')
    .select(['fi.id', 'fi.amount_due'])
    .where('ol.order_id', '=', orderId)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.amount_due)]));
}
