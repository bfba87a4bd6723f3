import { createTelegramAdapter, loadTelegramConfig } from '../adapters/telegram/index.js';
import type { FeebotOptions } from './main.js';

/** Telegram is enabled by TELEGRAM_BOT_TOKEN; returns nothing when it is unset. */
export function createTelegramChannels(env: Record<string, string | undefined>): FeebotOptions['channels'] {
  const config = loadTelegramConfig(env);
  if (!config) return undefined;
  return ({ dispatcher, logger }) => [
    createTelegramAdapter({
      config,
      logger,
      dispatcher: { dispatch: (update) => dispatcher().dispatch(update) },
      // The group-chat notice goes through the outbox like every other message.
      sendNotice: (chatId, text) => dispatcher().deliverMessage('telegram', chatId, text),
    }),
  ];
}
