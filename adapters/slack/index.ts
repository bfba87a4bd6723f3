import { App } from '@slack/bolt';
import type { Hono } from 'hono';
import { recordInboundUpdate } from '../../src/db/repositories/inbound-update.repository.js';
import type { StaffChannel, StaffDeps } from '../../src/channel-modules.js';
import { createCardLoader } from './slack-cards.js';
import type { SlackConfig } from './slack-config.js';
import { registerSlackInbound } from './slack-inbound.js';
import { boltLogger } from './slack-logger.js';
import { HonoSlackReceiver } from './slack-receiver.js';
import { createStaffDirectory } from './slack-staff.js';
import { createSlackTransport } from './slack-transport.js';

export { loadSlackConfig, type SlackConfig } from './slack-config.js';
export { slackSignature } from './slack-receiver.js';

export interface SlackStaffChannel extends StaffChannel {
  readonly app: App;
}

/**
 * The finance office on Slack. HTTP mode: Slack's requests arrive on feebot's hono server at
 * `config.eventsPath` (mount before listening). Socket Mode (`config.appToken`): start() opens the
 * WebSocket. Posts to the staff channel happen only through the outbox (notifier).
 */
export function createSlackStaffChannel(config: SlackConfig, deps: StaffDeps): SlackStaffChannel {
  const { db, clock, logger } = deps;
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    // A 429 throws WebAPIRateLimitedError instead of pausing the client; the outbox reschedules.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
  };
  const receiver = config.appToken
    ? null
    : new HonoSlackReceiver({ signingSecret: config.signingSecret, clock, logger, recordEvent: (eventId) => recordInboundUpdate(db, 'slack', eventId, clock()) });
  const app = receiver
    ? new App({ token: config.botToken, receiver, clientOptions, logger: boltLogger(logger), convoStore: false })
    : new App({ token: config.botToken, appToken: config.appToken ?? undefined, socketMode: true, clientOptions, logger: boltLogger(logger), convoStore: false });

  const staff = createStaffDirectory({ db, client: app.client, clock });
  const cards = createCardLoader({ db, ledger: deps.ledger, timezone: deps.timezone, dunningRuns: deps.dunningRuns });
  const transport = createSlackTransport({ client: app.client, db, cards, channel: config.staffChannel, ratePerChannelPerSec: config.ratePerChannelPerSec, clock, logger });
  registerSlackInbound(app, {
    db,
    staff,
    deliverMessage: (channel, chatId, text) => deps.dispatcher().deliverMessage(channel, chatId, text),
    onEnqueued: deps.onEnqueued,
    heldCredits: deps.ledger.heldCredits,
    ledger: deps.ledger,
    timezone: deps.timezone,
    ...(deps.dunning ? { dunning: deps.dunning } : {}),
    clock,
    logger,
    dunningRuns: deps.dunningRuns,
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'slack listener error');
  });

  return {
    app,
    notifier: transport,
    mount(hono: Hono) {
      receiver?.mount(hono, config.eventsPath);
    },
    async start() {
      await app.start();
      logger.info({ mode: receiver ? 'http' : 'socket', path: receiver ? config.eventsPath : undefined }, 'slack staff channel started');
    },
    async stop() {
      await app.stop();
    },
  };
}

export { slackStaffChannel } from './slack-module.js';
