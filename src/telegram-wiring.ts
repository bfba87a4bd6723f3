import { createTelegramAdapter, loadTelegramConfig, type NoticeSender } from '../adapters/telegram/index.js';
import type { Db } from './db/database.js';
import { enqueueOutbox } from './db/repositories/outbox.repository.js';
import type { FeebotOptions } from './main.js';
import { chatLane, type OutboxPayloads } from './runtime/outbox-payloads.js';

/**
 * A plain message through the outbox, on the chat's lane like every other send. Nothing wakes the
 * worker here, so it goes at its next poll (OUTBOX_POLL_MS).
 */
export function outboxNoticeSender(db: Db, clock: () => number): NoticeSender {
  return async (chatId, text) => {
    const payload: OutboxPayloads['deliver'] = { channel: 'telegram', chatId, view: { placement: 'message', text, buttons: [] }, freshMenu: false };
    const now = clock();
    await enqueueOutbox(db, [{ lane: chatLane('telegram', chatId), kind: 'deliver', payload, runAfter: now }], now);
  };
}

/** Telegram is enabled by TELEGRAM_BOT_TOKEN; returns nothing when it is unset. */
export function createTelegramChannels(env: Record<string, string | undefined>): FeebotOptions['channels'] {
  const config = loadTelegramConfig(env);
  if (!config) return undefined;
  return ({ dispatcher, logger, db, clock }) => [
    createTelegramAdapter({
      config,
      logger,
      dispatcher: { dispatch: (update) => dispatcher().dispatch(update) },
      sendNotice: outboxNoticeSender(db, clock),
    }),
  ];
}
