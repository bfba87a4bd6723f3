import type { FeebotOptions } from '../../src/main.js';
import { startFakeBotApi, type FakeBotApi } from '../telegram/fake-bot-api.js';
import { freePort } from '../support/free-port.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

export interface TelegramFeebot {
  app: TestFeebot;
  /** Where feebot listens (its PUBLIC_BASE_URL too). */
  baseUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A real feebot (temp SQLite, demo data) with the Telegram channel built exactly as production
 * builds it, from TELEGRAM_* variables. The port is chosen here, so a webhook URL can name it.
 */
export async function startTelegramFeebot(
  telegramEnv: (baseUrl: string) => Record<string, string>,
  extraEnv: Record<string, string> = {},
  options: Pick<FeebotOptions, 'clock' | 'captchaGenerator'> = {},
): Promise<TelegramFeebot> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { PORT: String(port), TELEGRAM_RATE_PER_CHAT_PER_SEC: '100', ...extraEnv, ...telegramEnv(baseUrl) };
  const app = await startTestFeebot(env, options);
  return { app, baseUrl, env, stop: () => app.stop() };
}

/** The project's fake Bot API and a feebot long-polling it: the usual Telegram e2e pair. */
export async function startFeebotOnFakeBotApi(
  token: string,
  extraEnv: Record<string, string> = {},
  options: Pick<FeebotOptions, 'clock' | 'captchaGenerator'> = {},
): Promise<{ fake: FakeBotApi; bot: TelegramFeebot; stop(): Promise<void> }> {
  const fake = await startFakeBotApi(token);
  const bot = await startTelegramFeebot(() => ({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot }), extraEnv, options);
  return {
    fake,
    bot,
    async stop() {
      await bot.stop();
      await fake.close();
    },
  };
}

/** Logs must never carry the bot token or a password. */
export function leakedSecrets(logLines: string[], secrets: string[]): string[] {
  return secrets.filter((secret) => logLines.some((line) => line.includes(secret)));
}

/** Polls a (possibly async) condition until it holds. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
