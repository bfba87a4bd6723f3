import QRCode from 'qrcode';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { ImageSpec } from '../../src/engine/views.js';
import type { ChannelTransport, Delivery, DeliveryResult } from '../../src/ports/channel.port.js';
import type { TelegramApi, TelegramLogger } from './telegram-api.js';
import { describes, isBadRequest, toChannelError } from './telegram-errors.js';
import type { RateLimiter } from './telegram-rate-limiter.js';
import { MAX_TEXT, renderView, splitText, type TelegramRendered } from './telegram-render.js';

export interface TelegramTransportDeps {
  api: Pick<TelegramApi, 'sendMessage' | 'sendPhoto' | 'editMessageText' | 'deleteMessage'>;
  limiter: RateLimiter;
  logger: TelegramLogger;
}

const NOT_MODIFIED = /message is not modified/i;

/**
 * Sends rendered views. Menus are edited in place when possible; any edit the Bot API refuses
 * (deleted, too old, a photo, an id it doesn't know) falls back to a new message, whose id becomes
 * the menu. Failures are thrown as ChannelError for the outbox to wait on or retry.
 */
export function createTelegramTransport(deps: TelegramTransportDeps): ChannelTransport {
  const { api, limiter, logger } = deps;

  async function call<T>(chatId: string, method: string, fn: () => Promise<T>): Promise<T> {
    await limiter.acquire(chatId);
    try {
      return await fn();
    } catch (error) {
      throw toChannelError(error, method);
    }
  }

  /** True when edited (or nothing to change); false when a new message must be sent instead. */
  async function tryEdit(chatId: string, messageId: number, text: string, markup?: InlineKeyboardMarkup): Promise<boolean> {
    await limiter.acquire(chatId);
    try {
      // Without reply_markup Telegram removes the old keyboard, which is what a button-less view means.
      await api.editMessageText(chatId, messageId, undefined, text, markup ? { reply_markup: markup } : {});
      return true;
    } catch (error) {
      if (describes(error, NOT_MODIFIED)) return true;
      if (isBadRequest(error) && !toChannelError(error, 'editMessageText').permanent) {
        logger.debug({ chatId, messageId, err: errorText(error) }, 'telegram menu not editable; sending a new one');
        return false;
      }
      throw toChannelError(error, 'editMessageText');
    }
  }

  async function sendTexts(chatId: string, text: string, markup?: InlineKeyboardMarkup): Promise<number> {
    const parts = splitText(text);
    let lastId = 0;
    for (const [i, part] of parts.entries()) {
      const extra = i === parts.length - 1 && markup ? { reply_markup: markup } : {};
      const sent = await call(chatId, 'sendMessage', () => api.sendMessage(chatId, part, extra));
      lastId = sent.message_id;
    }
    return lastId;
  }

  async function sendNew(chatId: string, rendered: TelegramRendered): Promise<number> {
    const { photo, reply_markup: markup, text } = rendered;
    if (!photo) return sendTexts(chatId, text, markup);
    const source = await imageBytes(photo.image);
    const withCaption = photo.caption !== undefined;
    const extra = withCaption ? { caption: photo.caption, ...(markup ? { reply_markup: markup } : {}) } : {};
    const sent = await call(chatId, 'sendPhoto', () =>
      api.sendPhoto(chatId, { source, filename: photo.image.kind === 'qr' ? 'pay-qr.png' : 'image.png' }, extra),
    );
    // Too long for a caption: the photo goes alone, then the text carries the buttons.
    return withCaption ? sent.message_id : sendTexts(chatId, text, markup);
  }

  return {
    async deliver(delivery: Delivery): Promise<DeliveryResult> {
      const { chatId, view } = delivery;
      const rendered = renderView(view);
      const menuId = delivery.menuMessageId === null ? NaN : Number(delivery.menuMessageId);
      const editable =
        view.placement === 'menu' && Number.isSafeInteger(menuId) && !rendered.photo && rendered.text.length <= MAX_TEXT;
      if (editable && (await tryEdit(chatId, menuId, rendered.text, rendered.reply_markup))) {
        return { menuMessageId: String(menuId) };
      }
      const sentId = await sendNew(chatId, rendered);
      // A standalone message pushes the old menu up; the next menu should be a new one below it.
      return { menuMessageId: view.placement === 'menu' ? String(sentId) : null };
    },

    async deleteMessage(chatId, messageId) {
      const id = Number(messageId);
      if (!Number.isSafeInteger(id)) return;
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
    },
  };
}

export async function imageBytes(image: ImageSpec): Promise<Buffer> {
  if (image.kind === 'png') return Buffer.from(image.base64, 'base64');
  return QRCode.toBuffer(image.payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
