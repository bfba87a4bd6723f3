import type { Facts } from '../engine/facts.js';
import type { LoginResult, PasswordProblem } from '../engine/events.js';
import type { SelectionLine } from '../engine/state.js';
import type { Fen } from '../money.js';
import type { PaymentNotification } from '../ports/gateway.port.js';
import type { ReceiptIssuer } from '../ports/receipt.port.js';

// The slices of the ledger and accounts services the runtime calls. Structural: main.ts passes
// the real services, tests may pass the same real services over a test database.

export interface RuntimeOrder {
  id: string;
  studentId: string;
  status: 'pending' | 'paid' | 'failed' | 'expired' | 'closed';
  total: Fen;
  channel: string;
  chatId: string;
  payUrl: string | null;
  expiresAt: number;
  lines: { feeItemId: number; name: string; feePeriod: string; amount: Fen }[];
}

export type RuntimeApplyOutcome =
  | { kind: 'applied' | 'late'; orderId: string }
  | { kind: 'duplicate' | 'mismatch' | 'orphan' | 'failed' | string; orderId?: string };

export interface RuntimeLedger {
  loadFacts(studentId: string, now: number): Promise<Facts>;
  createOrder(input: { studentId: string; lines: SelectionLine[]; channel: string; chatId: string; now: number }): Promise<
    { ok: true; order: RuntimeOrder } | { ok: false; reason: string }
  >;
  attachGatewayOrder(orderId: string, payUrl: string, qrPayload: string): Promise<void>;
  getOrder(orderId: string): Promise<RuntimeOrder | null>;
  markOrder(orderId: string, to: 'failed' | 'closed' | 'expired', now: number): Promise<boolean>;
  listExpiredPending(now: number): Promise<RuntimeOrder[]>;
  listPending(): Promise<RuntimeOrder[]>;
  applyPayment(gatewayName: string, notification: PaymentNotification, now: number): Promise<RuntimeApplyOutcome>;
  issueReceipt(orderId: string, issuer: ReceiptIssuer, now: number): Promise<{ receiptNo: string; viewToken: string; total: Fen }>;
  reportProblem(input: { studentId: string; orderId: string; channel: string; chatId: string; description: string; now: number }): Promise<number>;
}

export interface RuntimeAccounts {
  login(studentId: string, password: string, ctx: { channel: string; chatId: string; now: number }): Promise<LoginResult>;
  verifyPassword(studentId: string, password: string): Promise<boolean>;
  stagePassword(studentId: string, password: string, now: number): Promise<PasswordProblem | null>;
  commitPassword(studentId: string, password: string, now: number): Promise<PasswordProblem | null>;
  changeEmail(studentId: string, email: string, now: number): Promise<boolean>;
}
