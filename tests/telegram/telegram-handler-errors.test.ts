import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import type { TelegramLogger } from '../../adapters/telegram/telegram-api.js';
import type { Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { testConfig } from './telegram-test-helpers.js';

// A handler that fails or hangs past Telegraf's handlerTimeout ends up in bot.catch. Telegraf's
// default there prints the whole update to the console (a typed password with it), sets
// process.exitCode = 1 and rethrows; ours logs the update id only and keeps serving. A failed
// update (nothing of it saved) is answered 5xx so Telegram sends it again; a slow one 200.

const SECRET = 'handler_errors_secret';
const PASSWORD = 'Hunter2@Secret';
const HANDLER_TIMEOUT_MS = 300;

const update = (updateId: number, text: string) => ({
  update_id: updateId,
  message: { message_id: updateId, date: 0, text, chat: { id: 81, type: 'private' }, from: { id: 81, is_bot: false, first_name: 'P' } },
});

describe('telegram update handler failures', () => {
  let fake: FakeBotApi;
  let adapter: TelegramAdapter;
  let app: Hono;
  const lines: string[] = [];
  const record = (level: string) => (obj: unknown, msg?: string) => void lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
  const logger: TelegramLogger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  /** Updates whose text is in `hang` never finish (until released in afterAll). */
  const hang = new Set<string>();
  const released: (() => void)[] = [];
  const processed: InboundUpdate[] = [];
  /** Updates whose text is in `failOnce` fail the first time they are dispatched (a database fault). */
  const failOnce = new Set<string>();
  const dispatcher: Dispatcher = {
    async dispatch(u) {
      if (u.event.kind === 'text' && hang.has(u.event.text)) await new Promise<void>((r) => released.push(r));
      if (u.event.kind === 'text' && failOnce.delete(u.event.text)) throw new Error('database is locked');
      processed.push(u);
      return { duplicate: false, acks: [] };
    },
  };
  const exitCodeBefore = process.exitCode;

  const post = (body: unknown) =>
    app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeBotApi();
    const config = testConfig(fake.apiRoot, fake.token, {
      webhook: { url: 'https://bot.example.edu/webhooks/telegram', path: '/webhooks/telegram', secret: SECRET },
      handlerTimeoutMs: HANDLER_TIMEOUT_MS,
    });
    adapter = createTelegramAdapter({ config, logger, dispatcher });
    app = new Hono();
    adapter.mount(app);
    await adapter.start();
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    released.splice(0).forEach((release) => release());
    process.exitCode = exitCodeBefore;
    await adapter.stop();
    await fake.close();
  });

  it('answers the webhook once the handler timeout passes, even if the update is still being worked on', async () => {
    hang.add('slow');
    const res = await post(update(901, 'slow'));
    expect(res.status).toBe(200);
    // Answered while the dispatcher is still busy: only the handler timeout held the answer.
    expect(released.length).toBe(1);
    expect(processed.some((u) => u.updateId === '901')).toBe(false);
  }, 5_000);

  it('logs a failed update without its content (no password on the console or in the log) and keeps serving', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const consoleLog = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    hang.add(PASSWORD);
    const res = await post(update(902, PASSWORD));
    expect(res.status).toBe(200);

    const printed = [...consoleError.mock.calls, ...consoleLog.mock.calls].map((args) => JSON.stringify(args));
    expect(printed.filter((line) => line.includes(PASSWORD))).toEqual([]);
    expect(lines.filter((line) => line.includes(PASSWORD))).toEqual([]);
    expect(lines.some((line) => line.startsWith('warn') && line.includes('902') && line.includes('handler timeout'))).toBe(true);
    expect(process.exitCode).toBe(exitCodeBefore);

    // The next update is processed normally.
    const next = await post(update(903, '/menu'));
    expect(next.status).toBe(200);
    expect(processed.map((u) => u.updateId)).toContain('903');
  }, 5_000);

  it('answers a failed update with 500 so Telegram resends it, and handles the resent copy', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    failOnce.add('/history');
    const res = await post(update(904, '/history'));
    expect(res.status).toBe(500);
    expect(processed.some((u) => u.updateId === '904')).toBe(false);
    expect(consoleError).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(exitCodeBefore);

    const resent = await post(update(904, '/history'));
    expect(resent.status).toBe(200);
    expect(processed.filter((u) => u.updateId === '904')).toHaveLength(1);
  }, 5_000);
});
