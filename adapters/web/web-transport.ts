import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { qrPng } from '../../src/qr-code.js';
import type { Db } from '../../src/db/database.js';
import { appendWebMessage, clearWebMessages } from '../../src/db/repositories/web-message.repository.js';
import type { ChannelTransport, Delivery, DeliveryResult } from '../../src/ports/channel.port.js';
import { renderWebMessage } from './web-render.js';

/**
 * Web "sending" is appending to the chat's message log; open pages long-poll it. A menu edit is
 * a new row with the same key, which the page applies in place.
 */
export function createWebTransport(db: Db, clock: () => number) {
  const appended = new EventEmitter();
  appended.setMaxListeners(0);

  const transport: ChannelTransport = {
    async deliver(delivery: Delivery): Promise<DeliveryResult> {
      const message = renderWebMessage(delivery.view);
      if (message.qr) message.imageDataUrl = `data:image/png;base64,${qrPng(message.qr, { width: 240, margin: 1 }).toString('base64')}`;
      const isMenu = delivery.view.placement === 'menu';
      // Drawn over the bubble it replaces (the menu, or a progress notice it is the outcome of); a new
      // bubble's key comes from the outbox entry, so a delivery run twice (a crash before it was
      // marked done) rewrites the same bubble instead of adding a second one.
      const key = delivery.menuMessageId ?? delivery.key ?? randomUUID();
      await appendWebMessage(db, delivery.chatId, key, message, clock());
      appended.emit(delivery.chatId);
      return { menuMessageId: isMenu ? key : null, messageId: key };
    },
    async deleteMessage(): Promise<void> {
      // The page never shows what was typed into a password field, so there is nothing to delete.
    },
    async clearHistory(chatId: string): Promise<void> {
      // The stored bubbles go; the marker left in their place makes an open page wipe its log.
      await clearWebMessages(db, chatId, randomUUID(), clock());
      appended.emit(chatId);
    },
  };

  return {
    transport,
    /** Resolves when a message is appended for this chat, or after `timeoutMs`. */
    waitForMessage(chatId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          appended.off(chatId, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        appended.on(chatId, done);
        signal?.addEventListener('abort', done);
      });
    },
  };
}

export type WebTransport = ReturnType<typeof createWebTransport>;
