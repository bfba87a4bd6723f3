import { inTransaction, type Db } from '../db/database.js';
import { listFeeItemsWithReserved } from '../db/repositories/fee-item.repository.js';
import { casOrderStatus, findOrderIdByRequestKey, insertOrder, listPendingOrders, setGatewayOrder, type OrderRow, type PendingOrderFilter } from '../db/repositories/order.repository.js';
import type { SelectionLine } from '../engine/state.js';
import type { CreateOrderResult, OrderRecord } from './ledger.types.js';
import { loadOrderRecord, toOrderRecords } from './order-mapping.js';
import { newOrderId } from './order-id.js';

export interface CreateOrderInput {
  studentId: string;
  lines: SelectionLine[];
  channel: string;
  chatId: string;
  now: number;
  /** Retrying the same request (same key) returns the order it already created. */
  requestKey?: string;
}

export interface OrderServiceDeps {
  db: Db;
  orderExpiryMs: number;
  gateway: string;
}

export function createOrderService({ db, orderExpiryMs, gateway }: OrderServiceDeps) {
  /**
   * Validation and insert share one BEGIN IMMEDIATE transaction, so the reservations read here
   * cannot change before this order's own lines are written: live orders never exceed what is owed.
   */
  async function createOrder(input: CreateOrderInput): Promise<CreateOrderResult> {
    const { studentId, lines, now } = input;
    if (!isWellFormed(lines)) return { ok: false, reason: 'invalidLine' };
    const created = await inTransaction(db, async (tx) => {
      const earlier = input.requestKey ? await findOrderIdByRequestKey(tx, input.requestKey) : undefined;
      if (earlier) return { ok: true as const, orderId: earlier };
      const items = await listFeeItemsWithReserved(tx, studentId, now, lines.map((l) => l.itemId));
      const byId = new Map(items.map((i) => [i.id, i]));
      for (const line of lines) {
        const item = byId.get(line.itemId);
        if (!item) return { ok: false as const, reason: 'invalidLine' as const };
        if (line.amount > item.amount_due - item.amount_paid - item.reserved) return { ok: false as const, reason: 'exceedsOutstanding' as const };
      }
      const order: OrderRow = {
        id: newOrderId(now),
        student_id: studentId,
        status: 'pending',
        total: lines.reduce((sum, l) => sum + l.amount, 0),
        gateway,
        channel: input.channel,
        chat_id: input.chatId,
        pay_url: null,
        qr_payload: null,
        created_at: now,
        expires_at: now + orderExpiryMs,
        settled_at: null,
        request_key: input.requestKey ?? null,
      };
      await insertOrder(tx, order, lines.map((l) => ({ fee_item_id: l.itemId, amount: l.amount })));
      return { ok: true as const, orderId: order.id };
    });
    if (!created.ok) return created;
    const order = await loadOrderRecord(db, created.orderId);
    if (!order) throw new Error(`Order ${created.orderId} vanished after insert`);
    return { ok: true, order };
  }

  async function attachGatewayOrder(orderId: string, payUrl: string, qrPayload: string): Promise<void> {
    await setGatewayOrder(db, orderId, payUrl, qrPayload);
  }

  function getOrder(orderId: string): Promise<OrderRecord | null> {
    return loadOrderRecord(db, orderId);
  }

  /** Only a pending order can fail, close or expire; false when it had already moved on. */
  function markOrder(orderId: string, to: 'failed' | 'closed' | 'expired', now: number): Promise<boolean> {
    return casOrderStatus(db, orderId, 'pending', to, now);
  }

  async function listPending(filter: PendingOrderFilter = {}): Promise<OrderRecord[]> {
    return toOrderRecords(db, await listPendingOrders(db, filter));
  }

  return { createOrder, attachGatewayOrder, getOrder, markOrder, listPending };
}

export type OrderService = ReturnType<typeof createOrderService>;

// Non-empty, positive integer fen, each item at most once (order_lines is keyed by item).
function isWellFormed(lines: SelectionLine[]): boolean {
  if (lines.length === 0) return false;
  const seen = new Set<number>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.itemId) || !Number.isSafeInteger(l.amount) || l.amount <= 0 || seen.has(l.itemId)) return false;
    seen.add(l.itemId);
  }
  return true;
}
