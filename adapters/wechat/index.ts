import type { Hono } from 'hono';
import type { LoginGuard } from '../../src/accounts/login-guard.service.js';
import type { Db } from '../../src/db/database.js';
import { listConversationsOfStudent } from '../../src/db/repositories/conversation.repository.js';
import type { Logger } from '../../src/logger.js';
import type { ChannelAdapter, ChannelName } from '../../src/ports/channel.port.js';
import type { RuntimeDispatcher } from '../../src/runtime/dispatcher.js';
import { createWechatApi, type WechatApi } from './wechat-api.js';
import { BIND_PATH, mountBindPage } from './wechat-bind-page.js';
import { createBindTokens } from './wechat-bind-token.js';
import type { WechatConfig } from './wechat-config.js';
import { createMessageHandler } from './wechat-inbound.js';
import { WECHAT_MENU } from './wechat-menu.js';
import { createPassiveBroker } from './wechat-passive.js';
import { createWechatTransport } from './wechat-transport.js';
import { mountWechatWebhook } from './wechat-webhook.js';

export { loadWechatConfig, type WechatConfig } from './wechat-config.js';
export { createWechatApi, type WechatApi } from './wechat-api.js';
export { WECHAT_MENU } from './wechat-menu.js';
// Pure parts, for the channel contract suite.
export { parseWechatInbound } from './wechat-inbound.js';
export { renderWechatView } from './wechat-render.js';

export interface WechatAdapterOptions {
  config: WechatConfig;
  db: Db;
  dispatcher: () => RuntimeDispatcher;
  /** The login guard of the account services (the binding page logs in with it). */
  guard: () => Pick<LoginGuard, 'login' | 'verifyCaptcha'>;
  publicBaseUrl: string;
  clock: () => number;
  logger: Logger;
  /** Waits before retries of WeChat's "system busy" (tests shorten them). */
  busyBackoffMs?: number[];
}

export interface WechatAdapter extends ChannelAdapter {
  readonly channel: 'wechat';
  readonly api: WechatApi;
  mount(app: Hono): void;
  start(): Promise<void>;
}

/** The WeChat Official Account channel: server URL, binding page, customer-service/template sends. */
export function createWechatAdapter(options: WechatAdapterOptions): WechatAdapter {
  const { config, db, clock, logger } = options;
  const api = createWechatApi({
    db,
    apiRoot: config.apiRoot,
    appId: config.appId,
    appSecret: config.appSecret,
    clock,
    ...(options.busyBackoffMs ? { busyBackoffMs: options.busyBackoffMs } : {}),
  });
  const tokens = createBindTokens(config.appSecret, config.bindTtlMs);
  const bindUrl = (openid: string, now: number) => `${options.publicBaseUrl}${BIND_PATH}?t=${tokens.mint(openid, now)}`;
  // The web chat is where passwords are changed (never in WeChat).
  const webUrl = `${options.publicBaseUrl}/`;
  const broker = createPassiveBroker();

  const transport = createWechatTransport({
    db,
    api,
    broker,
    config,
    bindUrl,
    webUrl,
    clock,
    logger,
    async otherChannel(studentId, text) {
      const other = (await listConversationsOfStudent(db, studentId)).find((c) => c.channel !== 'wechat');
      if (!other) return false;
      await options.dispatcher().deliverMessage(other.channel as ChannelName, other.chat_id, text);
      return true;
    },
  });
  const handle = createMessageHandler({ db, dispatcher: options.dispatcher, broker, replyBudgetMs: config.replyBudgetMs, bindUrl, webUrl, clock, logger });

  return {
    channel: 'wechat',
    transport,
    api,
    mount(app) {
      mountWechatWebhook(app, { path: config.path, token: config.token, appId: config.appId, encodingAesKey: config.encodingAesKey, handle, clock, logger });
      mountBindPage(app, { db, tokens, guard: options.guard, dispatcher: options.dispatcher, publicBaseUrl: options.publicBaseUrl, clock, logger });
    },
    async start() {
      if (!config.createMenu) return;
      try {
        await api.createMenu(WECHAT_MENU);
        logger.info({ channel: 'wechat' }, 'wechat custom menu created');
      } catch (error) {
        // Not fatal: the menu can be created later with `feebot wechat menu`.
        logger.warn({ channel: 'wechat', err: error instanceof Error ? error.message : String(error) }, 'wechat menu/create failed; continuing');
      }
    },
  };
}

export { wechatChannel } from './wechat-module.js';
