import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import type { Update } from 'telegraf/types';
import { setBodyLimit } from '../../src/http/body-limit.js';
import type { TelegramLogger } from './telegram-api.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
export const TELEGRAM_UPDATE_BODY_LIMIT_BYTES = 1024 * 1024;

export interface TelegramWebhookOptions {
  path: string;
  secret: string;
  /** Processes one update; bounded by Telegraf's handlerTimeout and never throws on its own. */
  handle: (update: Update) => Promise<void>;
  logger: TelegramLogger;
}

/** Constant-time comparison; hashing first hides the secret's length too. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * POST route for Telegram's webhook. A wrong or missing secret is refused before the body is parsed
 * (the app-level body limit bounds what may be read at all).
 * The answer is 200 once the update went through the dispatcher (its state and effects committed,
 * with its update id); an update that failed is answered 500 so Telegram resends it (its retries
 * are bounded), since nothing of it was saved. An update still running at Telegraf's handler
 * timeout is answered 200 and finishes in the background.
 */
export function mountTelegramWebhook(app: Hono, options: TelegramWebhookOptions): void {
  const { logger } = options;
  // Telegram documents no maximum update size; updates carry file ids, never files, so 1 MB is ample.
  setBodyLimit(app, options.path, TELEGRAM_UPDATE_BODY_LIMIT_BYTES);
  app.post(
    options.path,
    async (c, next) => {
      if (!secretMatches(c.req.header(SECRET_HEADER), options.secret)) {
        logger.warn({ path: options.path }, 'telegram webhook: bad or missing secret token');
        return c.json({ ok: false, error: 'unauthorized' }, 401);
      }
      await next();
    },
    async (c) => {
      let update: unknown;
      try {
        update = JSON.parse(await c.req.text());
      } catch {
        return c.json({ ok: false, error: 'invalid JSON' }, 400);
      }
      if (!isUpdate(update)) return c.json({ ok: false, error: 'not a Telegram update' }, 400);
      try {
        await options.handle(update);
      } catch (error) {
        // Not handled (nothing of it was saved): a 5xx makes Telegram send it again.
        logger.error({ updateId: update.update_id, err: error instanceof Error ? error.message : String(error) }, 'telegram webhook update failed');
        return c.json({ ok: false, error: 'update not handled; retry' }, 500);
      }
      return c.json({ ok: true });
    },
  );
}

function isUpdate(value: unknown): value is Update {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger((value as { update_id?: unknown }).update_id)
  );
}
