import type { Fen } from '../money.js';

export type LoginResult =
  | { ok: true; studentId: string; mustChangePassword: boolean }
  /** Wrong pair; `challengePng` when the next try needs a captcha (after 3 failures). */
  | { ok: false; reason: 'invalid'; challengePng?: string }
  /** Too many failures: a captcha must be solved before the password is even checked. */
  | { ok: false; reason: 'challenge'; challengePng: string }
  | { ok: false; reason: 'locked'; until: number }
  /** The password check queue is full (or this 学号 has tries in flight): try again in a moment. */
  | { ok: false; reason: 'busy'; retryAfterSeconds: number }
  /**
   * Right, but the fixed initial password: prove to be the student first, with the last 6
   * characters of the ID number, or the 6-digit code mailed to the recovery address.
   */
  | { ok: false; reason: 'proof'; method: LoginProofMethod; maskedEmail?: string }
  /** A wrong proof; it may be typed again. */
  | { ok: false; reason: 'proofWrong' }
  /** The proof is over (expired, too many wrong answers, or none pending): log in again. */
  | { ok: false; reason: 'proofEnded' }
  /** No way to prove it (no ID number, no recovery e-mail), or the code mail cannot go now. */
  | { ok: false; reason: 'noProof' | 'proofUnavailable' };

export type LoginProofMethod = 'idNumber' | 'emailCode';

export type EmailChangeProblem = 'invalidEmail' | 'sameAsCurrent' | 'rateLimited' | 'noStudent';
export type EmailConfirmProblem = 'wrongCode' | 'expired' | 'none' | 'tooManyAttempts';

export type PasswordProblem =
  | 'wrongOld'
  | 'tooShort'
  | 'sameAsStudentId'
  | 'sameAsInitial'
  | 'sameAsCurrent'
  | 'mismatch';

/** `exceedsDue`: all of the payment; `partlyExceedsDue`: the part beyond what was owed; `amountMismatch`: paid ≠ order total. */
export type PaymentHeldReason = 'exceedsDue' | 'partlyExceedsDue' | 'amountMismatch';

export type OrderStatusAnswer = 'pending' | 'paid' | 'failed' | 'expired' | 'closed';

/** Everything that can happen to a conversation. `at` is epoch ms, supplied by the runtime. */
export type EngineEvent =
  /** First contact or /start; `payload` is a deep-link step such as `pay`. */
  | { kind: 'start'; at: number; payload?: string }
  /** Free text typed by the user (may be a password: never echo it). */
  | { kind: 'text'; at: number; text: string }
  /** A button press carrying an encoded action code (see action-codec.ts). */
  | { kind: 'action'; at: number; code: string }
  /**
   * `external`: the login was done outside the chat (the WeChat binding page, so no password is
   * typed into a chat history that cannot be deleted). Accepted in any login step; such a session
   * is `bound` and has no idle timeout (it lasts until logout, revocation or unsubscribe).
   */
  | { kind: 'login.result'; at: number; result: LoginResult; external?: boolean }
  | { kind: 'password.result'; at: number; stage: 'old' | 'new' | 'confirm'; ok: boolean; problem?: PasswordProblem }
  /** A new captcha image (PNG, base64) for this conversation. */
  | { kind: 'captcha.issued'; at: number; pngBase64: string }
  /** Captcha answer checked; when wrong, a fresh image comes with it. */
  | { kind: 'captcha.result'; at: number; ok: boolean; pngBase64?: string }
  /** Masked recovery address for the 【忘记密码】 dialog (a stable decoy when there is none, so IDs can't be probed). */
  | { kind: 'reset.previewed'; at: number; studentId: string; maskedEmail: string }
  /** Always the same answer, whether or not a mail was sent. */
  | { kind: 'reset.requested'; at: number }
  /** 【修改邮箱】: a 6-digit code was mailed to the new address (ok), or why not. */
  /** 修改邮箱's current password checked (`busy`: not checked, the queue was full: not a wrong one). */
  | { kind: 'email.passwordChecked'; at: number; ok: boolean; busy?: true }
  | { kind: 'email.result'; at: number; ok: true; maskedEmail: string }
  | { kind: 'email.result'; at: number; ok: false; problem: EmailChangeProblem }
  | { kind: 'email.confirmed'; at: number; ok: true; email: string }
  | { kind: 'email.confirmed'; at: number; ok: false; problem: EmailConfirmProblem }
  | { kind: 'order.created'; at: number; orderId: string; payUrl: string; qrPayload: string; total: Fen; expiresAt: number }
  | { kind: 'order.failed'; at: number; reason: 'exceedsOutstanding' | 'gateway' }
  /** `pushed`: told by the gateway (a failed or cancelled payment), not asked for with 付款已成功. */
  | { kind: 'order.status'; at: number; orderId: string; status: OrderStatusAnswer; pushed?: boolean }
  | { kind: 'order.closed'; at: number; orderId: string }
  /** The 代付 link for the order (null: the order can no longer be paid). */
  | { kind: 'order.shared'; at: number; orderId: string; url: string | null }
  | { kind: 'order.expired'; at: number; orderId: string }
  | { kind: 'payment.confirmed'; at: number; orderId: string; total: Fen; receiptNo: string; receiptUrl: string }
  /** Money received for the order that could not go to fee items: held as a flagged credit for the finance office. */
  | { kind: 'payment.held'; at: number; orderId: string; amount: Fen; reason: PaymentHeldReason }
  | { kind: 'problem.reported'; at: number; reportId: number }
  /** 申请缓缴 recorded (`deferralId`), or refused before reaching staff. */
  | { kind: 'deferral.requested'; at: number; deferralId: number }
  | { kind: 'deferral.refused'; at: number; reason: 'noItems' | 'pending' }
  /** 提醒设置: the channel's reminders are now off (`optedOut`) or on. */
  | { kind: 'reminders.updated'; at: number; channel: 'telegram' | 'web' | 'wechat' | 'email'; optedOut: boolean }
  /** The agreement countdown has run out (scheduled by a timer effect). */
  | { kind: 'timer.agreementUnlocked'; at: number; menuRev: number }
  /** The session may have been idle too long (scheduled when it began, re-armed by itself). */
  | { kind: 'timer.idle'; at: number }
  /** The student's password changed elsewhere: this session is over. */
  | { kind: 'session.revoked'; at: number };
