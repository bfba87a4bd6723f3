import type { Fen } from '../money.js';

// What feebot needs from a payment platform. The sandbox, WeChat Pay and Alipay adapters implement
// it; the checkout (adapters/checkout) combines several of them behind the same interface.

export interface GatewayOrderInput {
  orderId: string;
  amount: Fen;
  /** Shown on the hosted page, e.g. "2025-2026 学费 等 2 项". */
  subject: string;
  studentId: string;
  payerName: string;
  expiresAt: number;
}

export interface GatewayOrder {
  payUrl: string;
  /** What the QR code encodes (usually the pay URL). */
  qrPayload: string;
}

export type GatewayOrderState =
  | { status: 'pending' }
  | { status: 'paid'; transactionId: string; amount: Fen; paidAt: number; gateway?: string }
  | { status: 'failed' }
  | { status: 'closed' }
  | { status: 'unknown' };

export interface PaymentNotification {
  transactionId: string;
  orderId: string;
  amount: Fen;
  status: 'paid' | 'failed';
  paidAt: number;
  /** The gateway that took the money, when the caller's gateway combines several (the checkout). */
  gateway?: string;
}

export interface RefundInput {
  /** Ours and idempotent: the same number twice is one refund at the gateway. */
  refundNo: string;
  orderId: string;
  transactionId: string;
  amount: Fen;
  /** The whole payment the refund comes out of. */
  paymentTotal: Fen;
  reason: string;
}

export type RefundState =
  | { status: 'pending' | 'succeeded' | 'failed'; gatewayRefundId?: string }
  | { status: 'unknown' };

export interface RefundNotification {
  refundNo: string;
  status: 'succeeded' | 'failed';
  amount: Fen;
}

/** A verified notification: a payment, a refund's outcome, or something that needs no action. */
export type GatewayNotification =
  | { kind: 'payment'; payment: PaymentNotification }
  | { kind: 'refund'; refund: RefundNotification }
  | { kind: 'ignored'; reason: string };

/** An HTTP answer to a notification, in the platform's own format. */
export interface NotificationAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What feebot made of a notification: handled (with the ledger's outcome) or refused (nothing changed). */
export type NotificationResult =
  | { ok: true; outcome: string }
  | { ok: false; status: number; code: string; message: string };

export interface PaymentGateway {
  readonly name: string;
  /** Idempotent per orderId: calling twice returns the same pay URL. */
  createOrder(input: GatewayOrderInput): Promise<GatewayOrder>;
  queryOrder(orderId: string): Promise<GatewayOrderState>;
  /** Closes an unpaid order so it can no longer be paid; closing a closed order is a no-op. */
  closeOrder(orderId: string): Promise<void>;
  /**
   * Verifies a notification's signature over the raw body before anything parses it.
   * Throws SignatureError (nothing changes) when the signature, secret or timestamp is wrong.
   */
  verifyNotification(rawBody: string, headers: Record<string, string | undefined>, now: number): GatewayNotification;
  /** Refunds part or all of a payment; idempotent per refundNo. */
  refund(input: RefundInput): Promise<RefundState>;
  queryRefund(refundNo: string, orderId: string): Promise<RefundState>;
  /**
   * The answer the platform expects (WeChat Pay: 204, or 4xx/5xx with a FAIL JSON to get a resend;
   * Alipay: the plain text `success`, anything else is resent).
   */
  answerNotification(result: NotificationResult): NotificationAnswer;
}

/** Who is paying on the checkout page: the browser, and the WeChat openid when the OA authorised one. */
export interface PayerContext {
  userAgent: string;
  openid?: string;
}

/** What the checkout page shows once a method is chosen. */
export type PaymentStart =
  | { kind: 'qr'; payload: string }
  | { kind: 'redirect'; url: string }
  | { kind: 'jsapi'; params: Record<string, string> };

/** One way to pay offered on feebot's checkout page (WeChat Pay Native/JSAPI, Alipay QR/phone site). */
export interface PaymentMethod {
  /** e.g. `wechatpay.native`; the part before the dot is the gateway's name. */
  readonly id: string;
  readonly gateway: PaymentGateway;
  available(payer: PayerContext): boolean;
  start(input: GatewayOrderInput, payer: PayerContext): Promise<PaymentStart>;
  /** A method that needs to know who pays (WeChat Pay JSAPI: the payer's openid) identifies them this way first. */
  readonly payerAuth?: PayerAuth;
}

/**
 * Identifying the payer through the platform's web authorisation (WeChat OA, snsapi_base): the
 * checkout sends the browser to `authorizeUrl`, the platform sends it back to `redirectUri` with
 * `?code=…&state=…`, and the code is exchanged server-side for the payer's id.
 */
export interface PayerAuth {
  /** True when this browser can be identified and is not yet (WeChat's browser without an openid). */
  wanted(payer: PayerContext): boolean;
  authorizeUrl(redirectUri: string, state: string): string;
  /** The payer's id for a code, or null when the platform gives none (bad or used code, a snapshot-page user). */
  exchange(code: string): Promise<string | null>;
}

/**
 * A real gateway as configured: the gateway and the checkout methods it offers. loadConfig is light
 * and checks the settings at start; create may import the gateway's SDK (only enabled gateways load one).
 */
export interface GatewayModule<C = unknown> {
  readonly name: string;
  loadConfig(env: Record<string, string | undefined>, publicBaseUrl: string): C;
  create(config: C, deps: { clock: () => number }): Promise<{ gateway: PaymentGateway; methods: PaymentMethod[] }>;
}
