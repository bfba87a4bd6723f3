import type { Fen } from '../money.js';

// What the dispatcher loads from the ledger before each transition. Read-only snapshots.

export interface StudentFacts {
  studentId: string;
  name: string;
  college: string;
  major: string;
  className: string;
  /** Masked for display, e.g. `l***@example.edu.cn`; null when none is set. */
  recoveryEmailMasked: string | null;
}

export interface FeeItemFacts {
  id: number;
  feePeriod: string;
  code: string;
  name: string;
  amountDue: Fen;
  amountPaid: Fen;
  /** Held by live (pending, unexpired) orders. */
  reserved: Fen;
  /** amountDue − amountPaid − reserved, never below 0: what can be put in a new order. */
  outstanding: Fen;
  installmentAllowed: boolean;
  minInstallment: Fen;
  dueDate: string | null;
  /** An approved 缓缴 still running: `YYYY-MM-DD` the item is deferred to. */
  deferredUntil?: string | null;
}

/** A 新闻公告 to show on the login and home screens; `lang` `all` shows in every language. */
export interface AnnouncementFacts {
  /** Lets a conversation dismiss it (absent: cannot be dismissed). */
  id?: number;
  title: string;
  body: string;
  lang: string;
}

/** One payment that reached a fee item (缴费历史项目), newest first. */
export interface ItemPaymentFacts {
  itemId: number;
  amount: Fen;
  paidAt: number;
  /** The receipt page's token (see EngineConfig.receiptUrlPrefix), once issued. */
  receiptToken: string | null;
}

export interface Facts {
  student: StudentFacts | null;
  /** Payments per item for the history tab (absent: none loaded). */
  payments?: ItemPaymentFacts[];
  /** Shown on the login and home screens (absent: none). */
  announcements?: AnnouncementFacts[];
  /** Every fee item of the logged-in student (paid ones too), ordered by period then code. */
  items: FeeItemFacts[];
  /** The local date (TIMEZONE) of the event, `YYYY-MM-DD`; absent: the UTC date of `at`. */
  today?: string;
  /** Reminder channels the student opted out of (`all`: 退订 everywhere); absent: none. */
  reminderOptOuts?: string[];
}

export interface EngineConfig {
  agreementSeconds: number;
  idleTimeoutMs: number;
  /** Agreement text per language (a configured file replaces both). */
  agreementText: { 'zh-CN': string; en: string };
  /** UNIVERSITY_NAME and the finance office's contact line (src/branding.ts); generic words when absent. */
  branding?: EngineBranding;
  /** Receipt page URL without the token (`https://fees.example.edu/receipts/`), for history links. */
  receiptUrlPrefix?: string;
  /** IANA zone for the times shown (order expiry); Asia/Shanghai when absent. */
  timezone?: string;
}

export interface EngineBranding {
  universityName: { 'zh-CN': string; en: string };
  financeOffice: { 'zh-CN': string; en: string };
}
