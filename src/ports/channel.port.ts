import type { Hono } from 'hono';
import type { View } from '../engine/views.js';

export type ChannelName = 'web' | 'telegram' | 'wechat';

/** One outgoing delivery, as stored in the outbox (kind `deliver`). */
export interface Delivery {
  channel: ChannelName;
  chatId: string;
  view: View;
  /**
   * The message to draw this view over, if any: the chat's menu (a menu edited in place) or a
   * progress notice the view is the outcome of.
   */
  menuMessageId: string | null;
  /**
   * `menuMessageId` is a progress notice: where it cannot be edited into this view (a photo), it is
   * deleted rather than left behind.
   */
  menuMessageIsProgress?: boolean;
  /**
   * A menu `view` that is sent as a new message takes over from this one (a message or a typed
   * answer went below it): its buttons are stale, so channels that can remove them do.
   */
  replacesMenuMessageId?: string | null;
  /**
   * Stable across retries of this same delivery (the outbox entry), so a transport that sends it
   * in several parts can resume where a failure stopped it instead of repeating parts.
   */
  key?: string;
  /**
   * `bulk` (scheduled reminders, announcements) may use only what live conversations leave of a
   * platform's send budget; replies to a user's own action are `interactive` (the default).
   */
  priority?: DeliveryPriority;
}

export type DeliveryPriority = 'interactive' | 'bulk';

export interface DeliveryResult {
  /** Id of the message now acting as the menu (after an edit or a new send), if any. */
  menuMessageId?: string | null;
  /** Id of the message now showing this view (the last part, if it took several). */
  messageId?: string | null;
}

/**
 * The only part of a channel that does outgoing I/O. Throw ChannelError with `retryAfter` for
 * rate limits, `permanent` when the chat is gone (the outbox then stops retrying that chat).
 */
export interface ChannelTransport {
  deliver(delivery: Delivery): Promise<DeliveryResult>;
  /** Delete an inbound message (a password) where the platform allows; otherwise a no-op. */
  deleteMessage(chatId: string, messageId: string): Promise<void>;
  /**
   * Forget everything shown in this chat so far and clear it on the user's screen (a session ended).
   * Must be idempotent. Left out where the platform keeps the history itself (Telegram: a bot cannot
   * clear a user's private chat, and the messages live on the user's own device).
   */
  clearHistory?(chatId: string): Promise<void>;
}

export interface ChannelAdapter {
  readonly channel: ChannelName;
  readonly transport: ChannelTransport;
  /** Mount inbound HTTP routes (webhooks, pages) on the app. */
  mount?(app: Hono): void;
  /** Housekeeping (hourly): drop this channel's rows that have outlived their use. */
  purgeExpired?(now: number): Promise<void>;
  /** Start background work (long polling); called after the HTTP server listens. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** A public link that opens this chat (Telegram: t.me/<bot>), for pages outside it; null until known. */
  chatLink?(): string | null;
}
