import type { ChannelModule } from '../../src/channel-modules.js';
import { loadTelegramConfig, type TelegramConfig } from './telegram-config.js';

/**
 * Enabled by TELEGRAM_BOT_TOKEN; built by main from src/channel-modules.ts. The settings are read
 * (and checked) at every start; telegraf and the adapter load only when the channel is on.
 */
export const telegramChannel: ChannelModule<TelegramConfig> = {
  name: 'telegram',
  loadConfig: loadTelegramConfig,
  async create(config, { dispatcher, logger, db, lease }) {
    const { createTelegramAdapter } = await import('./index.js');
    return createTelegramAdapter({
      config,
      logger,
      db,
      // getUpdates serves one poller per bot: only the holder polls; webhooks work on every instance.
      pollingLease: lease('telegram-polling'),
      dispatcher: { dispatch: (update) => dispatcher().dispatch(update) },
      // The group-chat notice goes through the outbox like every other message.
      sendNotice: (chatId, text) => dispatcher().deliverMessage('telegram', chatId, text),
    });
  },
};
