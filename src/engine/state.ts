import type { Fen } from '../money.js';
import type { LoginProofMethod } from './events.js';

export type Lang = 'zh-CN' | 'en';

/** Bump when the persisted shape changes; older states are reset, not crashed on. */
export const STATE_VERSION = 1;

export interface Session {
  studentId: string;
  lastActiveAt: number;
  /** Logged in with the initial password: nothing but a password change until it is changed. */
  mustChangePassword: boolean;
  /** Wrong old passwords in a row in 修改密码 (absent = none); too many end the session. */
  wrongOldPasswords?: number;
  /** Logged in by binding the chat (WeChat): no idle timeout, ends only on logout or revocation. */
  bound?: boolean;
}

export interface SelectionLine {
  itemId: number;
  /** Amount to pay now for this item, in fen (the whole outstanding unless split). */
  amount: Fen;
}

/** Where a `/start` deep link asked to go once the student is logged in. */
export type DeepLink = 'pay' | 'history' | 'defer';

/** Where the order on the pay card stands (absent: 待支付). */
export type OrderCardStatus = 'pending' | 'paid' | 'receipted' | 'failed' | 'closed' | 'expired';

export type Step =
  | { name: 'login.studentId'; next?: DeepLink }
  | { name: 'login.password'; studentId: string; next?: DeepLink; challengeSolved?: boolean }
  /** A captcha (sent as a picture) must be answered before the next password try. */
  | { name: 'login.captcha'; studentId: string; next?: DeepLink }
  /** The fixed initial password was right: the last 6 of the ID number, or the mailed code, proves the rest. */
  | { name: 'login.proof'; studentId: string; method: LoginProofMethod; maskedEmail?: string; next?: DeepLink }
  /** 【忘记密码】 without a known 学号: ask for it. */
  | { name: 'forgot.studentId' }
  /** 系统将发送邮件到你的密保邮箱，是否确认发送？ 【发送】【取消】 */
  | { name: 'forgot.confirm'; studentId: string; maskedEmail: string | null }
  | { name: 'home' }
  | { name: 'settings' }
  /** 提醒设置: reminders on/off per channel. */
  | { name: 'reminders' }
  | { name: 'arrears.detail' }
  | { name: 'items'; tab: 'unpaid' | 'history'; period: string | null }
  | { name: 'select'; selection: SelectionLine[] }
  | { name: 'installment.amount'; selection: SelectionLine[]; itemId: number }
  | { name: 'agreement'; selection: SelectionLine[]; shownAt: number; unlocked: boolean }
  | { name: 'confirm'; selection: SelectionLine[] }
  | { name: 'order.creating'; selection: SelectionLine[] }
  // `lines`/`expiresAt` (optional: older states lack them) let the pay menu be redrawn in full.
  // `status`/`receiptUrl`: the card lives on after the payment (已支付 → 已开票, or 已关闭/已过期).
  | {
      name: 'order.paying';
      orderId: string;
      payUrl: string;
      qrPayload: string;
      total: Fen;
      lines?: SelectionLine[];
      expiresAt?: number;
      status?: OrderCardStatus;
      receiptUrl?: string;
      receiptNo?: string;
    }
  | { name: 'order.problem'; orderId: string; payUrl: string; qrPayload: string; total: Fen; lines?: SelectionLine[]; expiresAt?: number }
  // The optional order details let the report step return to the pay menu.
  | {
      name: 'order.report';
      orderId: string;
      payUrl?: string;
      qrPayload?: string;
      total?: Fen;
      lines?: SelectionLine[];
      expiresAt?: number;
    }
  | { name: 'password.old'; forced: boolean }
  | { name: 'password.new'; forced: boolean }
  | { name: 'password.confirm'; forced: boolean }
  /** 修改邮箱 asks for the current password first. */
  | { name: 'email.password' }
  | { name: 'email.new' }
  /** Waiting for the 6-digit code mailed to the new address. */
  | { name: 'email.code'; maskedEmail: string }
  /** 申请缓缴: tick unpaid items, then the date (YYYY-MM-DD) they are deferred to, then the reason. */
  | { name: 'deferral.items'; itemIds: number[] }
  | { name: 'deferral.until'; itemIds: number[] }
  | { name: 'deferral.reason'; itemIds: number[]; until: string };

export interface ConversationState {
  version: typeof STATE_VERSION;
  lang: Lang;
  /** Increments whenever a new menu is shown; buttons carry it so stale ones are recognised. */
  menuRev: number;
  session: Session | null;
  step: Step;
  /** 新闻公告 this chat closed (知道了): not shown again here. */
  dismissedAnnouncements?: number[];
  /** Action codes of the last menu in button order: numbered replies ("2") pick from it. */
  menuCodes: string[];
}

export function initialState(lang: Lang): ConversationState {
  return { version: STATE_VERSION, lang, menuRev: 0, session: null, step: { name: 'login.studentId' }, menuCodes: [] };
}

/** Steps for a student who is not logged in: logging in and 忘记密码. */
export function isLoginStep(step: Step): boolean {
  switch (step.name) {
    case 'login.studentId':
    case 'login.password':
    case 'login.captcha':
    case 'login.proof':
    case 'forgot.studentId':
    case 'forgot.confirm':
      return true;
    default:
      return false;
  }
}
