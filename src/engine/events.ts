import type { Fen } from '../money.js';

export type LoginResult =
  | { ok: true; studentId: string; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: number };

export type PasswordProblem =
  | 'wrongOld'
  | 'tooShort'
  | 'sameAsStudentId'
  | 'sameAsInitial'
  | 'sameAsCurrent'
  | 'mismatch';

export type OrderStatusAnswer = 'pending' | 'paid' | 'failed' | 'expired' | 'closed';

/** Everything that can happen to a conversation. `at` is epoch ms, supplied by the runtime. */
export type EngineEvent =
  /** First contact or /start; `payload` is a deep-link step such as `pay`. */
  | { kind: 'start'; at: number; payload?: string }
  /** Free text typed by the user (may be a password: never echo it). */
  | { kind: 'text'; at: number; text: string }
  /** A button press carrying an encoded action code (see action-codec.ts). */
  | { kind: 'action'; at: number; code: string }
  | { kind: 'login.result'; at: number; result: LoginResult }
  | { kind: 'password.result'; at: number; stage: 'old' | 'new' | 'confirm'; ok: boolean; problem?: PasswordProblem }
  | { kind: 'email.result'; at: number; ok: boolean; email?: string }
  | { kind: 'order.created'; at: number; orderId: string; payUrl: string; qrPayload: string; total: Fen; expiresAt: number }
  | { kind: 'order.failed'; at: number; reason: 'exceedsOutstanding' | 'gateway' }
  | { kind: 'order.status'; at: number; orderId: string; status: OrderStatusAnswer }
  | { kind: 'order.closed'; at: number; orderId: string }
  | { kind: 'order.expired'; at: number; orderId: string }
  | { kind: 'payment.confirmed'; at: number; orderId: string; total: Fen; receiptNo: string; receiptUrl: string }
  | { kind: 'problem.reported'; at: number; reportId: number }
  /** The agreement countdown has run out (scheduled by a timer effect). */
  | { kind: 'timer.agreementUnlocked'; at: number; menuRev: number }
  /** The student's password changed elsewhere: this session is over. */
  | { kind: 'session.revoked'; at: number };
