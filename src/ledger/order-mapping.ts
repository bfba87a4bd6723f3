import type { Db } from '../db/database.js';
import { findOrderById, listOrderLines, type OrderLineRow, type OrderRow } from '../db/repositories/order.repository.js';
import type { OrderLineRecord, OrderRecord } from './ledger.types.js';

export function toLineRecord(l: OrderLineRow): OrderLineRecord {
  return { itemId: l.fee_item_id, feePeriod: l.fee_period, code: l.code, name: l.name, amount: l.amount };
}

export function toOrderRecord(o: OrderRow, lines: OrderLineRow[]): OrderRecord {
  return {
    id: o.id,
    studentId: o.student_id,
    status: o.status,
    total: o.total,
    gateway: o.gateway,
    channel: o.channel,
    chatId: o.chat_id,
    payUrl: o.pay_url,
    qrPayload: o.qr_payload,
    createdAt: o.created_at,
    expiresAt: o.expires_at,
    settledAt: o.settled_at,
    lines: lines.filter((l) => l.order_id === o.id).map(toLineRecord),
  };
}

export async function loadOrderRecord(db: Db, orderId: string): Promise<OrderRecord | null> {
  const order = await findOrderById(db, orderId);
  if (!order) return null;
  return toOrderRecord(order, await listOrderLines(db, [order.id]));
}

export async function toOrderRecords(db: Db, orders: OrderRow[]): Promise<OrderRecord[]> {
  const lines = await listOrderLines(db, orders.map((o) => o.id));
  return orders.map((o) => toOrderRecord(o, lines));
}
