import { z } from 'zod';
import { parseSettings } from '../../src/settings.js';

/** Telegram's rule for `secret_token`, echoed back in `X-Telegram-Bot-Api-Secret-Token`. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
export const DEFAULT_WEBHOOK_PATH = '/webhooks/telegram';
export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface TelegramWebhookConfig {
  /** Public URL given to setWebhook (its path is where the route is mounted). */
  url: string;
  /** Path of `url`, mounted on the Hono app. */
  path: string;
  secret: string;
}

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  /** null: long polling. */
  webhook: TelegramWebhookConfig | null;
  ratePerChatPerSec: number;
  rateGlobalPerSec: number;
  /** Telegraf's per-update limit; its default (90 s) outlasts Telegram's patience. */
  handlerTimeoutMs: number;
}

const schema = z.object({
  TELEGRAM_BOT_TOKEN: z.string().trim().min(1).optional(),
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(WEBHOOK_SECRET_PATTERN, 'must be 1-256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  TELEGRAM_API_ROOT: z.string().url().default(DEFAULT_API_ROOT),
  TELEGRAM_RATE_PER_CHAT_PER_SEC: z.coerce.number().positive().default(1),
  TELEGRAM_RATE_GLOBAL_PER_SEC: z.coerce.number().positive().default(30),
});

/**
 * Reads the TELEGRAM_* variables. Returns null when TELEGRAM_BOT_TOKEN is unset (channel off);
 * throws a readable Error when the channel is on but misconfigured.
 */
export function loadTelegramConfig(env: Record<string, string | undefined> = process.env): TelegramConfig | null {
  // `KEY=` in a .env file means "unset", not "empty string".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const c = parseSettings(schema, cleaned, 'Telegram configuration');
  if (!c.TELEGRAM_BOT_TOKEN) return null;

  let webhook: TelegramWebhookConfig | null = null;
  if (c.TELEGRAM_WEBHOOK_URL) {
    if (!c.TELEGRAM_WEBHOOK_SECRET) {
      throw new Error(
        'Invalid Telegram configuration: TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set (1-256 characters of A-Z a-z 0-9 _ -)',
      );
    }
    webhook = { ...webhookTarget(c.TELEGRAM_WEBHOOK_URL), secret: c.TELEGRAM_WEBHOOK_SECRET };
  }
  return {
    token: c.TELEGRAM_BOT_TOKEN,
    apiRoot: normalizeApiRoot(c.TELEGRAM_API_ROOT),
    webhook,
    ratePerChatPerSec: c.TELEGRAM_RATE_PER_CHAT_PER_SEC,
    rateGlobalPerSec: c.TELEGRAM_RATE_GLOBAL_PER_SEC,
    handlerTimeoutMs: 9_000,
  };
}

/** Telegraf resolves `./bot<token>/<method>` against the root, so a root with a path needs its slash. */
function normalizeApiRoot(raw: string): string {
  const url = new URL(raw);
  if (url.pathname === '/') return url.origin;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** A bare origin gets the default path, so the URL Telegram posts to and the mounted route agree. */
function webhookTarget(raw: string): { url: string; path: string } {
  const url = new URL(raw);
  if (url.pathname === '/' || url.pathname === '') url.pathname = DEFAULT_WEBHOOK_PATH;
  // Exact path: Hono routes are strict about a trailing slash, and so is the URL Telegram posts to.
  return { url: url.toString(), path: url.pathname };
}
