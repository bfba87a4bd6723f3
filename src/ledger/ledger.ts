import type { Db } from '../db/database.js';
import { insertProblemReport } from '../db/repositories/problem-report.repository.js';
import type { PendingOrderFilter } from '../db/repositories/order.repository.js';
import type { Facts } from '../engine/facts.js';
import type { Logger } from '../logger.js';
import type { PaymentNotification } from '../ports/gateway.port.js';
import type { ReceiptIssuer } from '../ports/receipt.port.js';
import { loadFacts } from './ledger-facts.js';
import type { ApplyOutcome, CreateOrderResult, FollowUpHook, OrderRecord, ProblemReportInput, ReceiptRecord, ReceiptView } from './ledger.types.js';
import { createOrderService, type CreateOrderInput } from './order-service.js';
import { createPaymentService } from './payment-service.js';
import { createReceiptService } from './receipt-service.js';

export interface LedgerDeps {
  db: Db;
  orderExpiryMs: number;
  /** Name of the payment gateway new orders are created with (PaymentGateway.name). */
  gateway: string;
  logger?: Logger;
}

/** The money side of feebot: facts for the engine, orders, payments, receipts, problem reports. */
export interface Ledger {
  loadFacts(studentId: string, now: number): Promise<Facts>;
  createOrder(input: CreateOrderInput): Promise<CreateOrderResult>;
  attachGatewayOrder(orderId: string, payUrl: string, qrPayload: string): Promise<void>;
  getOrder(orderId: string): Promise<OrderRecord | null>;
  markOrder(orderId: string, to: 'failed' | 'closed' | 'expired', now: number): Promise<boolean>;
  /** Pending orders, oldest first, within the filter's bounds (none: all of them). */
  listPending(filter?: PendingOrderFilter): Promise<OrderRecord[]>;
  /** Applies a notification once; `followUps` queues its receipt and notices in the same transaction. */
  applyPayment(gatewayName: string, n: PaymentNotification, now: number, followUps?: FollowUpHook): Promise<ApplyOutcome>;
  /** Queues follow-ups for payments an older version recorded without them; returns how many. */
  repairPaymentFollowUps(followUps: FollowUpHook, limit?: number): Promise<number>;
  issueReceipt(orderId: string, issuer: ReceiptIssuer, now: number): Promise<ReceiptRecord>;
  getReceiptByToken(token: string): Promise<ReceiptView | null>;
  reportProblem(input: ProblemReportInput): Promise<number>;
}

export function createLedger({ db, orderExpiryMs, gateway, logger }: LedgerDeps): Ledger {
  const orders = createOrderService({ db, orderExpiryMs, gateway });
  const payments = createPaymentService({ db, logger });
  const receipts = createReceiptService({ db });
  return {
    loadFacts: (studentId, now) => loadFacts(db, studentId, now),
    ...orders,
    ...payments,
    ...receipts,
    reportProblem: (input) =>
      insertProblemReport(db, {
        student_id: input.studentId,
        order_id: input.orderId,
        channel: input.channel,
        chat_id: input.chatId,
        description: input.description,
        created_at: input.now,
      }),
  };
}
