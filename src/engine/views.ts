// Channel-neutral output. Renderers in adapters/ turn these into platform payloads.

import type { Fen } from '../money.js';

/**
 * What a proactive message reports, as data: a channel that cannot send the text itself (WeChat
 * outside its 48-hour window) sends the same facts another way (a template message).
 */
export type NoticeFacts =
  | { kind: 'payment.confirmed'; orderId: string; total: Fen; receiptNo: string; receiptUrl: string }
  | { kind: 'order.expired'; orderId: string }
  /** A scheduled reminder (催缴): `ref` is the reminder's id, `payUrl` its signed 网上缴费 link. */
  | { kind: 'dunning.reminder'; ref: string; total: Fen; items: string; dueDate: string | null; payUrl: string };

export type Button =
  /** `unlocksAt` (epoch ms): a disabled button that the server enables then; pages may count down to it. */
  | { label: string; code: string; disabled?: boolean; unlocksAt?: number }
  | { label: string; url: string };

export type ImageSpec =
  /** A QR code to draw from this payload (the pay URL). */
  | { kind: 'qr'; payload: string }
  /** A ready PNG (e.g. a captcha), base64. */
  | { kind: 'png'; base64: string };

export interface View {
  /**
   * `menu`: the conversation's one living menu; channels that can edit messages edit it in place.
   * `message`: a standalone message (notices, receipts) that stays in the history.
   */
  placement: 'menu' | 'message';
  text: string;
  /** Rows of buttons. */
  buttons: Button[][];
  image?: ImageSpec;
  /** What the next free-text input is: `password` masks it where the channel can. */
  input?: 'text' | 'password';
  /**
   * Work in progress (正在创建订单…): the view that follows in this chat is its outcome and takes
   * its place (edited over it, or it is deleted) instead of leaving it behind.
   */
  progress?: boolean;
  /**
   * A later state of a menu that was shown with a picture (the pay card after payment): a channel
   * that cannot take the picture away in an edit keeps it and edits only the text (a caption).
   */
  keepsImage?: boolean;
  /** A menu to show as a new message at the bottom of the chat even where it could be edited in place. */
  fresh?: boolean;
  /** The conversation's language when the menu was drawn: pages set their own words by it. */
  lang?: 'zh-CN' | 'en';
  /** Set on proactive notices (payment confirmed, order expired, reminders). */
  notice?: NoticeFacts;
}
