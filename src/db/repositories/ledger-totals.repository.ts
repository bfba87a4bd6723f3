import { sql } from 'kysely';
import type { Db } from '../database.js';

// Whole-ledger figures for the invariants (the chaos suite, and any audit): where every fen went.

export interface LedgerTotals {
  payments: number;
  /** What order lines put on fee items. */
  creditedToItems: number;
  /** Money held for the finance office (flagged credits). */
  held: number;
  /** Σ fee_items.amount_paid (equals creditedToItems when every item started unpaid). */
  itemsPaid: number;
  pendingOrders: number;
}

export async function ledgerTotals(db: Db): Promise<LedgerTotals> {
  const one = async (query: ReturnType<typeof sql<{ n: number | string | null }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);
  return {
    payments: await one(sql<{ n: number }>`select coalesce(sum(amount), 0) as n from payments`),
    creditedToItems: await one(sql<{ n: number }>`select coalesce(sum(credited), 0) as n from order_lines`),
    held: await one(sql<{ n: number }>`select coalesce(sum(amount), 0) as n from credits`),
    itemsPaid: await one(sql<{ n: number }>`select coalesce(sum(amount_paid), 0) as n from fee_items`),
    pendingOrders: await one(sql<{ n: number }>`select count(*) as n from orders where status = 'pending'`),
  };
}

/** Orders that put money on fee items, with how many receipts each has. */
export async function creditedOrdersAndReceipts(db: Db): Promise<{ orderId: string; receipts: number; receiptNo: string | null }[]> {
  const rows = await sql<{ order_id: string; receipts: number; receipt_no: string | null }>`
    select o.id as order_id, count(r.receipt_no) as receipts, max(r.receipt_no) as receipt_no
    from orders o left join receipts r on r.order_id = o.id
    where exists (select 1 from order_lines l where l.order_id = o.id and l.credited > 0)
    group by o.id`.execute(db);
  return rows.rows.map((r) => ({ orderId: r.order_id, receipts: Number(r.receipts), receiptNo: r.receipt_no }));
}

/** Request keys (outbox entries) that created more than one order: must be none. */
export async function duplicatedOrderRequests(db: Db): Promise<string[]> {
  const rows = await sql<{ request_key: string }>`select request_key from orders where request_key is not null group by request_key having count(*) > 1`.execute(db);
  return rows.rows.map((r) => r.request_key);
}

/** Distinct web chat bubbles whose text mentions `needle` (a receipt number). */
export async function countWebBubblesMentioning(db: Db, needle: string): Promise<number> {
  const rows = await sql<{ n: number }>`select count(distinct message_key) as n from web_messages where payload_json like ${`%${needle}%`}`.execute(db);
  return Number(rows.rows[0]?.n ?? 0);
}

export async function countInboundUpdates(db: Db, channel: string): Promise<number> {
  const rows = await sql<{ n: number }>`select count(*) as n from inbound_updates where channel = ${channel}`.execute(db);
  return Number(rows.rows[0]?.n ?? 0);
}

/** Orders paid at the gateway but not in the ledger. */
export async function ordersNotPaid(db: Db, orderIds: string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = await db.selectFrom('orders').select(['id', 'status']).where('id', 'in', orderIds).execute();
  return rows.filter((r) => r.status !== 'paid').map((r) => `${r.id}:${r.status}`);
}
