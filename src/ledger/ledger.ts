import type { Db } from '../db/database.js';
import { insertDeferral, type DeferralRequestOutcome } from '../db/repositories/deferral.repository.js';
import { insertProblemReport } from '../db/repositories/problem-report.repository.js';
import type { PendingOrderFilter } from '../db/repositories/order.repository.js';
import type { Facts } from '../engine/facts.js';
import type { Logger } from '../logger.js';
import type { PaymentGateway, PaymentNotification } from '../ports/gateway.port.js';
import type { ReceiptIssuer } from '../ports/receipt.port.js';
import { createHeldCreditService, type HeldCreditService } from './held-credit.service.js';
import { loadFacts, loadPublicFacts } from './ledger-facts.js';
import { DEFAULT_TIMEZONE } from '../local-date.js';
import type { ApplyOutcome, CreateOrderResult, FollowUpHook, OrderRecord, ProblemReportInput, ReceiptRecord, ReceiptView } from './ledger.types.js';
import { createOrderService, type CreateOrderInput } from './order-service.js';
import { createPaymentService } from './payment-service.js';
import { createReceiptService } from './receipt-service.js';

export interface LedgerDeps {
  db: Db;
  orderExpiryMs: number;
  /** Name of the payment gateway new orders are created with (PaymentGateway.name). */
  gateway: string;
  /** The gateway that took a payment, by name: refunds of held credits go back through it. */
  gateways?: (name: string) => PaymentGateway | undefined;
  logger?: Logger;
  /** TIMEZONE: which calendar day it is for deferrals and announcements (default Asia/Shanghai). */
  timezone?: string;
}

/** The money side of feebot: facts for the engine, orders, payments, receipts, problem reports. */
export interface Ledger {
  loadFacts(studentId: string, now: number): Promise<Facts>;
  /** Facts for a conversation with nobody logged in (the login screens' announcements). */
  loadPublicFacts(now: number): Promise<Facts>;
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
  /** 申请缓缴: recorded with its staff card, unless one is already under review or no item is unpaid. */
  requestDeferral(input: { studentId: string; itemIds: number[]; until: string; reason: string; channel: string; chatId: string; now: number }): Promise<DeferralRequestOutcome>;
  /** Held (flagged) credits: list, refund, offset; refund notifications and queries settle them. */
  heldCredits: HeldCreditService;
}

export function createLedger({ db, orderExpiryMs, gateway, gateways, logger, timezone = DEFAULT_TIMEZONE }: LedgerDeps): Ledger {
  const orders = createOrderService({ db, orderExpiryMs, gateway });
  const payments = createPaymentService({ db, logger });
  const receipts = createReceiptService({ db });
  return {
    loadFacts: (studentId, now) => loadFacts(db, studentId, now, timezone),
    loadPublicFacts: (now) => loadPublicFacts(db, now, timezone),
    ...orders,
    ...payments,
    ...receipts,
    heldCredits: createHeldCreditService({ db, gateways: gateways ?? (() => undefined), ...(logger ? { logger } : {}) }),
    requestDeferral: (input) => insertDeferral(db, input),
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
