import type { Db } from '../database.js';
import type { OrderStatus, OrdersTable } from '../schema.js';

export type OrderRow = OrdersTable;

export interface OrderLineRow {
  order_id: string;
  fee_item_id: number;
  amount: number;
  credited: number | null;
  fee_period: string;
  code: string;
  name: string;
}

export async function insertOrder(db: Db, order: OrderRow, lines: { fee_item_id: number; amount: number }[]): Promise<void> {
  await db.insertInto('orders').values(order).execute();
  await db
    .insertInto('order_lines')
    .values(lines.map((l) => ({ order_id: order.id, fee_item_id: l.fee_item_id, amount: l.amount, credited: null })))
    .execute();
}

export async function findOrderIdByRequestKey(db: Db, requestKey: string): Promise<string | undefined> {
  const row = await db.selectFrom('orders').select('id').where('request_key', '=', requestKey).executeTakeFirst();
  return row?.id;
}

export async function findOrderById(db: Db, id: string): Promise<OrderRow | undefined> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? normalizeOrder(row) : undefined;
}

/** Lines of the given orders with their item's period, code and name, in a stable order. */
export async function listOrderLines(db: Db, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return [];
  const rows = await db
    .selectFrom('order_lines as ol')
    .innerJoin('fee_items as fi', 'fi.id', 'ol.fee_item_id')
    .select(['ol.order_id', 'ol.fee_item_id', 'ol.amount', 'ol.credited', 'fi.fee_period', 'fi.code', 'fi.name'])
    .where('ol.order_id', 'in', [...orderIds])
    .orderBy('ol.order_id')
    .orderBy('fi.fee_period', 'desc')
    .orderBy('fi.code')
    .execute();
  return rows.map((r) => ({ ...r, fee_item_id: Number(r.fee_item_id), amount: Number(r.amount), credited: r.credited === null ? null : Number(r.credited) }));
}

export async function setLineCredited(db: Db, orderId: string, feeItemId: number, credited: number): Promise<void> {
  await db.updateTable('order_lines').set({ credited }).where('order_id', '=', orderId).where('fee_item_id', '=', feeItemId).execute();
}

export async function setGatewayOrder(db: Db, id: string, payUrl: string, qrPayload: string): Promise<void> {
  await db.updateTable('orders').set({ pay_url: payUrl, qr_payload: qrPayload }).where('id', '=', id).execute();
}

/** Compare-and-set: moves the order to `to` only if its status is still `from`; true when it did. */
export async function casOrderStatus(db: Db, id: string, from: OrderStatus, to: OrderStatus, settledAt: number): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set({ status: to, settled_at: settledAt })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Which pending orders: expiring at or before `expiresBy`, still live after `liveAt`, created at or before `createdBy`. */
export interface PendingOrderFilter {
  expiresBy?: number;
  liveAt?: number;
  createdBy?: number;
}

/** Pending orders matching every bound given. Oldest first. */
export async function listPendingOrders(db: Db, filter: PendingOrderFilter = {}): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll().where('status', '=', 'pending');
  if (filter.expiresBy !== undefined) query = query.where('expires_at', '<=', filter.expiresBy);
  if (filter.liveAt !== undefined) query = query.where('expires_at', '>', filter.liveAt);
  if (filter.createdBy !== undefined) query = query.where('created_at', '<=', filter.createdBy);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(normalizeOrder);
}

function normalizeOrder(r: OrderRow): OrderRow {
  return {
    ...r,
    total: Number(r.total),
    created_at: Number(r.created_at),
    expires_at: Number(r.expires_at),
    settled_at: r.settled_at === null ? null : Number(r.settled_at),
  };
}
