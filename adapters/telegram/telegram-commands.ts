import type { BotCommand } from 'telegraf/types';
import type { Lang } from '../../src/engine/state.js';
import type { TelegramApi } from './telegram-api.js';
import { BOT_COMMANDS, TELEGRAM_TEXTS } from './telegram-texts.js';

export function botCommands(lang: Lang): BotCommand[] {
  const texts = TELEGRAM_TEXTS[lang].commands;
  return BOT_COMMANDS.map((command) => ({ command, description: texts[command] }));
}

/** The command menu: English for everyone, Chinese for clients whose language is zh*. */
export async function registerBotCommands(api: Pick<TelegramApi, 'setMyCommands'>): Promise<void> {
  await api.setMyCommands(botCommands('en'));
  await api.setMyCommands(botCommands('zh-CN'), { language_code: 'zh' });
}
