import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { findOrderById, listOrderLines, type OrderLineRow } from '../db/repositories/order.repository.js';
import { listPaymentsForOrder } from '../db/repositories/payment.repository.js';
import { findReceiptByOrderId, findReceiptByToken, insertReceiptIfAbsent, listItemDuesForOrder, type ReceiptRow } from '../db/repositories/receipt.repository.js';
import { findStudentById } from '../db/repositories/student.repository.js';
import type { ReceiptIssuer } from '../ports/receipt.port.js';
import type { OrderLineRecord, ReceiptRecord, ReceiptView } from './ledger.types.js';
import { toLineRecord } from './order-mapping.js';

export function createReceiptService({ db }: { db: Db }) {
  /**
   * Idempotent per order: an existing receipt is returned as is. The issuer is idempotent too, so
   * two racing calls get the same number and only one row (the unique order_id decides).
   */
  async function issueReceipt(orderId: string, issuer: ReceiptIssuer, now: number): Promise<ReceiptRecord> {
    const existing = await findReceiptByOrderId(db, orderId);
    if (existing) return toReceiptRecord(existing);
    const order = await findOrderById(db, orderId);
    if (!order) throw new Error(`Cannot issue a receipt: order ${orderId} does not exist`);
    if (order.status !== 'paid') throw new Error(`Cannot issue a receipt: order ${orderId} is ${order.status}`);
    const student = await findStudentById(db, order.student_id);
    const payerName = student?.name ?? order.student_id;
    const payment = (await listPaymentsForOrder(db, orderId)).find((p) => p.outcome === 'applied' || p.outcome === 'late');
    const lines = creditedLines(await listOrderLines(db, [orderId]));
    if (lines.length === 0) throw new Error(`Cannot issue a receipt: order ${orderId} credited nothing to fee items`);
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const issued = await issuer.issue({
      orderId,
      studentId: order.student_id,
      payerName,
      total,
      lines: lines.map((l) => ({ feePeriod: l.feePeriod, name: l.name, amount: l.amount })),
      paidAt: payment?.paid_at ?? order.settled_at ?? now,
    });
    await insertReceiptIfAbsent(db, {
      receipt_no: issued.receiptNo,
      order_id: orderId,
      check_code: issued.checkCode,
      view_token: randomBytes(24).toString('base64url'),
      payer_name: payerName,
      total,
      issued_at: now,
      bill_code: issued.billCode,
      payee_name: issued.payeeName,
      sandbox: issued.sandbox ? 1 : 0,
    });
    const stored = await findReceiptByOrderId(db, orderId);
    if (!stored) throw new Error(`Receipt ${issued.receiptNo} for order ${orderId} could not be stored`);
    return toReceiptRecord(stored);
  }

  async function getReceiptByToken(token: string): Promise<ReceiptView | null> {
    const row = await findReceiptByToken(db, token);
    if (!row) return null;
    const order = await findOrderById(db, row.order_id);
    const student = order ? await findStudentById(db, order.student_id) : undefined;
    const lines = await listOrderLines(db, [row.order_id]);
    const dues = await listItemDuesForOrder(db, row.order_id);
    // The transaction that paid it: the one credited to the items (a duplicate or held one is not).
    const payment = (await listPaymentsForOrder(db, row.order_id)).find((p) => p.outcome === 'applied' || p.outcome === 'late');
    return {
      receipt: toReceiptRecord(row),
      lines: creditedLines(lines).map((l) => ({ ...l, due: dues.get(l.itemId) ?? l.amount })),
      payment: payment ? { gateway: payment.gateway, transactionId: payment.transaction_id, paidAt: Number(payment.paid_at) } : null,
      student: {
        studentId: order?.student_id ?? '',
        name: student?.name ?? row.payer_name,
        college: student?.college ?? '',
      },
    };
  }

  return { issueReceipt, getReceiptByToken };
}

export type ReceiptService = ReturnType<typeof createReceiptService>;

/**
 * A receipt covers what reached the fee items, not what the order asked for: a late payment may
 * find an item already paid (the rest is a flagged credit). Lines settled before the `credited`
 * column existed count in full.
 */
function creditedLines(lines: OrderLineRow[]): OrderLineRecord[] {
  return lines.map((l) => ({ ...toLineRecord(l), amount: l.credited ?? l.amount })).filter((l) => l.amount > 0);
}

function toReceiptRecord(r: ReceiptRow): ReceiptRecord {
  return {
    receiptNo: r.receipt_no,
    orderId: r.order_id,
    checkCode: r.check_code,
    viewToken: r.view_token,
    payerName: r.payer_name,
    total: Number(r.total),
    issuedAt: Number(r.issued_at),
    billCode: r.bill_code,
    payeeName: r.payee_name,
    // Before the column existed the sandbox was the only issuer.
    sandbox: r.sandbox === null || Number(r.sandbox) === 1,
  };
}
