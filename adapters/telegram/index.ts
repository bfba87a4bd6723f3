import type { Hono } from 'hono';
import { Telegraf } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import { storeKind, type Db } from '../../src/db/database.js';
import type { ChannelAdapter } from '../../src/ports/channel.port.js';
import type { Dispatcher } from '../../src/runtime/inbound.js';
import type { Lease } from '../../src/runtime/lease.js';
import type { TelegramApi, TelegramLogger } from './telegram-api.js';
import { registerBotCommands } from './telegram-commands.js';
import type { TelegramConfig } from './telegram-config.js';
import { createUpdateHandler, type NoticeSender } from './telegram-inbound.js';
import { ALLOWED_UPDATES, createPoller } from './telegram-polling.js';
import { createDbTurnStore, createRateLimiter, type RateLimiter } from './telegram-rate-limiter.js';
import { createDbSendProgress } from './telegram-send-progress.js';
import { createTelegramTransport } from './telegram-transport.js';
import { mountTelegramWebhook } from './telegram-webhook.js';

export { loadTelegramConfig, type TelegramConfig } from './telegram-config.js';
// Pure parts, for the channel contract suite.
export { parseTelegramUpdate, type NoticeSender, type ParsedUpdate } from './telegram-inbound.js';
export { renderView, type TelegramRendered } from './telegram-render.js';

export interface TelegramAdapterOptions {
  config: TelegramConfig;
  /** May be wired later with setDispatcher (main builds the adapter before the runtime). */
  dispatcher?: Dispatcher;
  logger: TelegramLogger;
  /**
   * Queues the group-chat notice in the outbox (production: see telegramChannel in telegram-module.ts). Without
   * it the notice is not sent: no message leaves except through the outbox.
   */
  sendNotice?: NoticeSender;
  /**
   * Shared state of the fleet: send-rate turns, multi-part progress, the polling lease. Without
   * it (tests of the adapter alone) they are kept in this process.
   */
  db?: Db;
  /** Long polling runs only while this lease is held (one poller per bot fleet-wide). */
  pollingLease?: Lease;
  /** Replaces the limiter built from the config's rates (tests). */
  limiter?: RateLimiter;
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSec?: number;
}

export interface TelegramAdapter extends ChannelAdapter {
  readonly channel: 'telegram';
  /** Adds the webhook route in webhook mode; a no-op for long polling. */
  mount(app: Hono): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  setDispatcher(dispatcher: Dispatcher): void;
  /** Processes one update as if it came from Telegram (webhook and polling use this too). */
  handleUpdate(update: Update): Promise<void>;
  /** The bot's own account, known after start(). */
  botInfo(): UserFromGetMe | null;
}

/**
 * Telegram channel. Long polling by default; with `config.webhook`, start() registers the webhook
 * (with its secret) and mount() adds the POST route. Call mount() before the server listens and
 * start() after.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const { config, logger } = options;
  let dispatcher: Dispatcher | null = options.dispatcher ?? null;

  const bot = new Telegraf(config.token, {
    telegram: { apiRoot: config.apiRoot, webhookReply: false },
    handlerTimeout: config.handlerTimeoutMs,
  });
  const api: TelegramApi = bot.telegram;
  // Telegram's limits are per bot: the bot id (the token's public part) names the shared budget.
  const botId = config.token.split(':')[0]!;
  const limiter =
    options.limiter ??
    createRateLimiter({
      perChatPerSec: config.ratePerChatPerSec,
      globalPerSec: config.rateGlobalPerSec,
      // Only PostgreSQL runs a fleet; a SQLite file has one instance (see Deploying), whose turns
      // stay in memory: four statements and two commits less per send.
      ...(options.db && storeKind(options.db) === 'postgres' ? { store: createDbTurnStore(options.db, botId) } : {}),
    });

  const handle = createUpdateHandler({
    api,
    sendNotice: options.sendNotice,
    logger,
    dispatcher: () => dispatcher,
    botUsername: () => bot.botInfo?.username ?? null,
  });
  bot.use((ctx) => handle(ctx.update));
  // A slow update (Telegraf's handler timeout) is answered and finishes in the background; a failed
  // one is rethrown, so the webhook answers 5xx and polling does not confirm it: Telegram resends it.
  bot.catch((error, ctx) => {
    if (error instanceof Error && error.name === 'TimeoutError') {
      logger.warn({ updateId: ctx.update.update_id }, 'telegram update still running at the handler timeout; answered, finishing in the background');
      return;
    }
    throw error;
  });
  const handleUpdate = (update: Update) => bot.handleUpdate(update);

  const poller = createPoller({ api, handle: handleUpdate, logger, timeoutSec: options.pollTimeoutSec, lease: options.pollingLease });
  const transport = createTelegramTransport({ api, limiter, logger, ...(options.db ? { progress: createDbSendProgress(options.db) } : {}) });

  return {
    channel: 'telegram',
    transport,
    setDispatcher(next) {
      dispatcher = next;
    },
    handleUpdate,
    botInfo: () => bot.botInfo ?? null,
    // Known after getMe (start): pages outside the chat link back to the bot.
    chatLink: () => (bot.botInfo?.username ? `https://t.me/${bot.botInfo.username}` : null),

    mount(app: Hono) {
      if (!config.webhook) return;
      mountTelegramWebhook(app, { path: config.webhook.path, secret: config.webhook.secret, handle: handleUpdate, logger });
    },

    async start() {
      // getMe first: a bad token or unreachable API root is a clear startup error.
      bot.botInfo = await api.getMe();
      try {
        await registerBotCommands(api);
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'telegram setMyCommands failed; continuing');
      }
      if (config.webhook) {
        await api.setWebhook(config.webhook.url, {
          secret_token: config.webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        logger.info({ username: bot.botInfo.username, path: config.webhook.path }, 'telegram webhook registered');
        return;
      }
      // getUpdates answers 409 while a webhook is set.
      await api.deleteWebhook();
      poller.start();
      logger.info({ username: bot.botInfo.username }, 'telegram long polling started');
    },

    async stop() {
      await poller.stop();
    },
  };
}

export { telegramChannel } from './telegram-module.js';
