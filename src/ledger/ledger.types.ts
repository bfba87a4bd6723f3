import type { Tx } from '../db/database.js';
import type { OrderStatus } from '../db/schema.js';
import type { Fen } from '../money.js';

// Records the ledger hands out: camelCase, fen integers, epoch-millisecond times.

export interface OrderLineRecord {
  itemId: number;
  feePeriod: string;
  code: string;
  name: string;
  amount: Fen;
}

export interface OrderRecord {
  id: string;
  studentId: string;
  status: OrderStatus;
  total: Fen;
  gateway: string;
  channel: string;
  chatId: string;
  payUrl: string | null;
  qrPayload: string | null;
  createdAt: number;
  expiresAt: number;
  settledAt: number | null;
  lines: OrderLineRecord[];
}

export type CreateOrderResult =
  | { ok: true; order: OrderRecord }
  | { ok: false; reason: 'exceedsOutstanding' | 'invalidLine' };

export type ApplyOutcome =
  /** Credited. `late`: the order had been expired/closed/failed, or was already paid by another transaction. */
  | { kind: 'applied' | 'late'; orderId: string; paymentId: number; creditedToItems: Fen; flaggedCredit: Fen }
  /** This (gateway, transaction id) was applied before; nothing changed. */
  | { kind: 'duplicate'; orderId: string }
  /** Paid amount differs from the order total: held as a flagged credit, order untouched. */
  | { kind: 'mismatch'; orderId: string; paymentId: number; flaggedCredit: Fen }
  /** No such order: held as a flagged credit. */
  | { kind: 'orphan'; orderId: string; paymentId: number; flaggedCredit: Fen }
  /** A 'failed' notification; `changed` is false when the order was no longer pending. */
  | { kind: 'failed'; orderId: string; changed: boolean };

/** An outcome that recorded a payment row (everything but duplicates and failure notices). */
export type RecordedOutcome = Exclude<ApplyOutcome, { kind: 'duplicate' } | { kind: 'failed' }>;

/**
 * Queues what must follow a recorded payment (receipt, the student's notice, the staff card) inside
 * the transaction that records it. Runs once per payment.
 */
export type FollowUpHook = (tx: Tx, outcome: RecordedOutcome | FailedOutcome) => Promise<void>;

/** The gateway said the payment failed or was cancelled; `changed`: the order was pending until now. */
export type FailedOutcome = Extract<ApplyOutcome, { kind: 'failed' }>;

export interface ReceiptRecord {
  receiptNo: string;
  orderId: string;
  checkCode: string;
  viewToken: string;
  payerName: string;
  total: Fen;
  issuedAt: number;
  /** 票据代码; null on receipts issued before it was kept. */
  billCode: string | null;
  /** 收款单位 when issued; null before it was kept. */
  payeeName: string | null;
  sandbox: boolean;
}

export interface ReceiptLine extends OrderLineRecord {
  /** The item's full amount due: a line below it was one installment (分期). */
  due: Fen;
}

export interface ReceiptView {
  receipt: ReceiptRecord;
  lines: ReceiptLine[];
  student: { studentId: string; name: string; college: string };
  /** The gateway and its transaction number (null if the payment row is gone, which should not happen). */
  payment: { gateway: string; transactionId: string; paidAt: number } | null;
}

export interface ProblemReportInput {
  studentId: string;
  orderId: string | null;
  channel: string;
  chatId: string;
  description: string;
  now: number;
}
