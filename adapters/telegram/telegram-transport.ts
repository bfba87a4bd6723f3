import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { ImageSpec } from '../../src/engine/views.js';
import { ChannelError } from '../../src/errors.js';
import { qrPng } from '../../src/qr-code.js';
import type { ChannelTransport, Delivery, DeliveryPriority, DeliveryResult } from '../../src/ports/channel.port.js';
import type { TelegramApi, TelegramLogger } from './telegram-api.js';
import { describes, isBadRequest, toChannelError } from './telegram-errors.js';
import type { RateLimiter } from './telegram-rate-limiter.js';
import { createMemorySendProgress, type SendProgress } from './telegram-send-progress.js';
import { MAX_CAPTION, MAX_TEXT, renderView, splitText, type TelegramRendered } from './telegram-render.js';

export interface TelegramTransportDeps {
  api: Pick<TelegramApi, 'sendMessage' | 'sendPhoto' | 'editMessageText' | 'editMessageReplyMarkup' | 'editMessageCaption' | 'deleteMessage'>;
  limiter: RateLimiter;
  logger: TelegramLogger;
  /** Where partly sent deliveries are remembered (production: the database; default: in memory). */
  progress?: SendProgress;
}

const NOT_MODIFIED = /message is not modified/i;
/** The menu is a photo (the pay card's QR code): its caption is what can be edited. */
const NO_TEXT = /no text in the message to edit/i;

/**
 * Sends rendered views. Menus are edited in place when possible; any edit the Bot API refuses
 * (deleted, too old, a photo, an id it doesn't know) falls back to a new message, whose id becomes
 * the menu. Failures are thrown as ChannelError for the outbox to wait on or retry.
 */
export function createTelegramTransport(deps: TelegramTransportDeps): ChannelTransport {
  const { api, limiter, logger } = deps;
  const progress = deps.progress ?? createMemorySendProgress();

  async function call<T>(chatId: string, priority: DeliveryPriority, method: string, fn: () => Promise<T>): Promise<T> {
    await limiter.acquire(chatId, priority);
    try {
      return await fn();
    } catch (error) {
      throw toChannelError(error, method);
    }
  }

  /** True when edited (or nothing to change); false when a new message must be sent instead. */
  async function tryEdit(chatId: string, priority: DeliveryPriority, messageId: number, text: string, markup?: InlineKeyboardMarkup, captionToo = false): Promise<boolean> {
    await limiter.acquire(chatId, priority);
    try {
      // Without reply_markup Telegram removes the old keyboard, which is what a button-less view means.
      await api.editMessageText(chatId, messageId, undefined, text, markup ? { reply_markup: markup } : {});
      return true;
    } catch (error) {
      if (describes(error, NOT_MODIFIED)) return true;
      if (captionToo && describes(error, NO_TEXT) && text.length <= MAX_CAPTION) return tryEditCaption(chatId, priority, messageId, text, markup);
      if (isBadRequest(error) && !toChannelError(error, 'editMessageText').permanent) {
        logger.debug({ chatId, messageId, err: errorText(error) }, 'telegram menu not editable; sending a new one');
        return false;
      }
      throw toChannelError(error, 'editMessageText');
    }
  }

  /**
   * The pay card is a photo: a later state of it (已支付, 已开票, 已过期) is written into its caption,
   * keeping the card in place. False when Telegram refuses (the next view is then sent anew).
   */
  async function tryEditCaption(chatId: string, priority: DeliveryPriority, messageId: number, text: string, markup?: InlineKeyboardMarkup): Promise<boolean> {
    await limiter.acquire(chatId, priority);
    try {
      await api.editMessageCaption(chatId, messageId, undefined, text, { reply_markup: markup ?? { inline_keyboard: [] } });
      return true;
    } catch (error) {
      if (describes(error, NOT_MODIFIED)) return true;
      if (isBadRequest(error) && !toChannelError(error, 'editMessageCaption').permanent) return false;
      throw toChannelError(error, 'editMessageCaption');
    }
  }

  /**
   * Removes the keyboard of a menu message whose role a new message takes over, so no dead buttons
   * stay pressable above it. Idempotent: "not modified" (already bare) and a message Telegram no
   * longer lets us edit are fine; only rate limits and outages are thrown (the delivery retries).
   */
  async function removeKeyboard(chatId: string, priority: DeliveryPriority, messageId: number): Promise<void> {
    await limiter.acquire(chatId, priority);
    try {
      await api.editMessageReplyMarkup(chatId, messageId, undefined, { inline_keyboard: [] });
    } catch (error) {
      if (!isBadRequest(error) || toChannelError(error, 'editMessageReplyMarkup').permanent) throw toChannelError(error, 'editMessageReplyMarkup');
      logger.debug({ chatId, messageId, err: errorText(error) }, 'telegram old keyboard not removed');
    }
  }

  /** Not awaited by the delivery (see `deliver`); a failure leaves the keyboard, which is harmless. */
  function removeKeyboardLater(chatId: string, messageId: number): void {
    void removeKeyboard(chatId, 'bulk', messageId).catch((error: unknown) => logger.info({ chatId, messageId, err: errorText(error) }, 'telegram old keyboard left (removal failed)'));
  }

  async function deleteOld(chatId: string, id: number): Promise<void> {
    try {
      await api.deleteMessage(chatId, id);
    } catch (error) {
      // "message can't be deleted" / "not found": nothing more we can do, and nothing to retry.
      if (isBadRequest(error)) {
        logger.debug({ chatId, err: errorText(error) }, 'telegram message not deleted');
        return;
      }
      throw toChannelError(error, 'deleteMessage');
    }
  }

  /** The sends of a new message, in order: the photo (if any), then the text part(s). */
  async function sendSteps(chatId: string, priority: DeliveryPriority, rendered: TelegramRendered): Promise<(() => Promise<number>)[]> {
    const { photo, reply_markup: markup, text } = rendered;
    const steps: (() => Promise<number>)[] = [];
    if (photo) {
      const source = await imageBytes(photo.image);
      const filename = photo.image.kind === 'qr' ? 'pay-qr.png' : 'image.png';
      const withCaption = photo.caption !== undefined;
      const extra = withCaption ? { caption: photo.caption, ...(markup ? { reply_markup: markup } : {}) } : {};
      steps.push(async () => (await call(chatId, priority, 'sendPhoto', () => api.sendPhoto(chatId, { source, filename }, extra))).message_id);
      // With a caption the photo is the whole message; too long for one, the text follows with the buttons.
      if (withCaption) return steps;
    }
    const parts = splitText(text);
    for (const [i, part] of parts.entries()) {
      const extra = i === parts.length - 1 && markup ? { reply_markup: markup } : {};
      steps.push(async () => (await call(chatId, priority, 'sendMessage', () => api.sendMessage(chatId, part, extra))).message_id);
    }
    return steps;
  }

  /**
   * Sends the steps not sent yet for this delivery key (a retry resumes after the last part that
   * got through) and returns the last message's id. Progress is recorded only while parts remain:
   * after the last one it would be cleared at once, and a one-part send that fails has nothing to
   * resume (two statements less per new message).
   */
  async function sendNew(chatId: string, priority: DeliveryPriority, rendered: TelegramRendered, key: string | undefined, start: { sent: number; lastId: number | null }): Promise<number> {
    const steps = await sendSteps(chatId, priority, rendered);
    let { sent, lastId } = start;
    let recorded = sent > 0;
    try {
      for (; sent < steps.length; sent++) {
        lastId = await steps[sent]!();
        if (sent + 1 < steps.length) {
          await progress.record(key, sent + 1, lastId);
          recorded = true;
        }
      }
    } catch (error) {
      if (recorded && error instanceof ChannelError && error.permanent) await progress.clear(key);
      throw error;
    }
    if (recorded) await progress.clear(key);
    return lastId ?? 0;
  }

  return {
    async deliver(delivery: Delivery): Promise<DeliveryResult> {
      const { chatId, view } = delivery;
      const priority = delivery.priority ?? 'interactive';
      const rendered = renderView(view);
      const menuId = delivery.menuMessageId === null ? NaN : Number(delivery.menuMessageId);
      // A retry that already sent some parts goes on with the rest; it never edits instead.
      const start = await progress.get(delivery.key);
      const resuming = start.sent > 0;
      const editable = !resuming && Number.isSafeInteger(menuId) && !rendered.photo && rendered.text.length <= MAX_TEXT;
      const isMenu = view.placement === 'menu';
      if (editable && (await tryEdit(chatId, priority, menuId, rendered.text, rendered.reply_markup, view.keepsImage === true))) {
        return isMenu ? { menuMessageId: String(menuId), messageId: String(menuId) } : { menuMessageId: null, messageId: String(menuId) };
      }
      // A new message takes over: a progress notice it answers goes away first (before the send, so
      // a retry after a failed send leaves none behind). An old menu loses its keyboard *after* the
      // answer, in the background and behind every reply (bulk): the student's answer never waits a
      // send for it, nor does the chat's next one (its lane is free). Best effort — a button left on
      // an old menu is refused by the engine when pressed (its menu revision is outdated).
      if (!resuming && Number.isSafeInteger(menuId) && delivery.menuMessageIsProgress) await deleteOld(chatId, menuId);
      const replaced = Number(delivery.replacesMenuMessageId ?? NaN);
      const bareAfter = resuming ? [] : [...new Set([isMenu && !delivery.menuMessageIsProgress ? menuId : NaN, replaced])].filter(Number.isSafeInteger);
      const sentId = await sendNew(chatId, priority, rendered, delivery.key, start);
      for (const id of bareAfter) removeKeyboardLater(chatId, id);
      // A standalone message pushes the old menu up; the next menu should be a new one below it.
      return { menuMessageId: isMenu ? String(sentId) : null, messageId: String(sentId) };
    },

    async deleteMessage(chatId, messageId) {
      const id = Number(messageId);
      if (Number.isSafeInteger(id)) await deleteOld(chatId, id);
    },
  };
}

export async function imageBytes(image: ImageSpec): Promise<Buffer> {
  if (image.kind === 'png') return Buffer.from(image.base64, 'base64');
  return qrPng(image.payload, { width: 480, margin: 2 });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
