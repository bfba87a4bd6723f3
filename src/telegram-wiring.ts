import type { Config } from './config.js';
import type { FeebotOptions } from './main.js';

/** Telegram is enabled by TELEGRAM_BOT_TOKEN; wired here once its adapter lands. */
export function createTelegramChannels(_config: Config, _env: Record<string, string | undefined>): FeebotOptions['channels'] {
  return undefined;
}
