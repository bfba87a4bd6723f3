import type { Fen } from '../money.js';

// What feebot needs from a payment platform (E缴通 style). The sandbox in adapters/ implements it;
// a real gateway would implement the same interface.

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
  | { status: 'paid'; transactionId: string; amount: Fen; paidAt: number }
  | { status: 'failed' }
  | { status: 'closed' }
  | { status: 'unknown' };

export interface PaymentNotification {
  transactionId: string;
  orderId: string;
  amount: Fen;
  status: 'paid' | 'failed';
  paidAt: number;
}

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
  verifyNotification(rawBody: string, headers: Record<string, string | undefined>, now: number): PaymentNotification;
}
