import type { SelectionLine } from './state.js';

/**
 * Requests the engine makes of the outside world. Each answer comes back as the next event
 * (see events.ts). Commands carrying secrets are executed in memory by the dispatcher and never
 * persisted; the others travel through the outbox with retries.
 */
export type Command =
  /** `challengeSolved`: a captcha was solved in this conversation right before this try. */
  | { kind: 'login'; studentId: string; password: string; challengeSolved: boolean }
  /** The answer to the first-login proof of identity (last 6 of the ID number, or the mailed code). */
  | { kind: 'login.proof'; studentId: string; answer: string }
  | { kind: 'captcha.refresh'; studentId: string }
  | { kind: 'captcha.verify'; studentId: string; answer: string }
  /** 【忘记密码】: the (masked) address the mail would go to. */
  | { kind: 'reset.preview'; studentId: string }
  | { kind: 'reset.request'; studentId: string }
  | { kind: 'password.verifyOld'; studentId: string; password: string }
  | { kind: 'password.stage'; studentId: string; password: string }
  | { kind: 'password.commit'; studentId: string; password: string }
  /** 修改邮箱's first prompt: the current password (a wrong one counts like 修改密码's). */
  | { kind: 'email.verifyPassword'; studentId: string; password: string }
  | { kind: 'email.change'; studentId: string; email: string }
  | { kind: 'email.confirm'; studentId: string; code: string }
  /** Tells the runtime a session ended (for the audit trail); answered by no event. */
  /** `wrongOldPassword`: too many wrong old passwords in a row in 修改密码. */
  | { kind: 'session.ended'; studentId: string; reason: 'logout' | 'idle' | 'revoked' | 'wrongOldPassword' }
  | { kind: 'order.create'; studentId: string; lines: SelectionLine[] }
  | { kind: 'order.query'; orderId: string }
  | { kind: 'order.close'; orderId: string }
  /** 分享给家长代付: a link for this one order that a parent can pay from. */
  | { kind: 'order.share'; orderId: string }
  | { kind: 'problem.report'; studentId: string; orderId: string; description: string }
  /** 申请缓缴: the finance office approves or rejects it (the answer reaches the chat later, from staff). */
  | { kind: 'deferral.request'; studentId: string; itemIds: number[]; until: string; reason: string }
  /** 提醒设置: turn one channel's reminders off or on (carries the target value, so a repeat is harmless). */
  | { kind: 'reminders.set'; studentId: string; channel: ReminderChannel; optedOut: boolean };

/** The channels a reminder can go out on (see src/dunning/opt-out.ts). */
export const REMINDER_CHANNELS = ['telegram', 'web', 'wechat', 'email'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** Commands whose payload holds a secret: run inline, never written to the outbox or a log. */
export const SECRET_COMMANDS: ReadonlySet<Command['kind']> = new Set([
  'login',
  'login.proof',
  'password.verifyOld',
  'email.verifyPassword',
  'password.stage',
  'password.commit',
  'captcha.verify',
  'email.confirm',
]);
