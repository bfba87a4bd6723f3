import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.port.js';
import type { ChannelName, ChannelTransport } from '../ports/channel.port.js';
import type { OutboxHandler } from '../runtime/outbox-worker.js';
import { loadDunningConfig, type DunningConfig } from './dunning-config.js';
import { createCollegeEscalationMailer } from './college-escalation.js';
import { createDunningScheduler } from './dunning-scheduler.js';
import { createDunningService } from './dunning-service.js';
import { loadPolicy, type DunningPolicy } from './policy.js';
import { createReminderSender } from './reminder-sender.js';
import { PAY_LINK_TTL_MS, payLinkToken } from './pay-link-token.js';
import { unsubscribeToken } from './unsubscribe-token.js';

export { loadPolicy, parsePolicy, DEFAULT_POLICY, PolicyError, type DunningPolicy } from './policy.js';
export type { DunningSummary } from './dunning-service.js';

export interface DunningDeps {
  db: Db;
  env: Record<string, string | undefined>;
  /** The policy, when the caller read it already (else from DUNNING_POLICY_FILE). */
  policy?: DunningPolicy;
  publicBaseUrl: string;
  /** Signs unsubscribe links when DUNNING_LINK_SECRET is unset (reminders off). */
  fallbackSecret: string;
  timezone: string;
  defaultLang: 'zh-CN' | 'en';
  transports: Partial<Record<ChannelName, ChannelTransport>>;
  mailer?: Mailer;
  clock: () => number;
  logger: Logger;
  onEnqueued?: () => void;
  mayRun?: () => boolean;
}

/** Everything dunning: the policy, runs, the outbox handlers and the cron schedule. */
export function createDunning(deps: DunningDeps) {
  const config: DunningConfig = loadDunningConfig(deps.env, deps.fallbackSecret);
  const policy: DunningPolicy = deps.policy ?? loadPolicy(deps.env);
  const service = createDunningService({ db: deps.db, policy, timezone: deps.timezone, defaultLang: deps.defaultLang, clock: deps.clock, logger: deps.logger, ...(deps.onEnqueued ? { onEnqueued: deps.onEnqueued } : {}) });
  // The web chat and e-mail link is signed, one-time and expires (adapters/web/web-pay-link.ts checks it).
  const webPay = (studentId: string, reminderId: number) => `${deps.publicBaseUrl}/?paylink=${payLinkToken(config.linkSecret, studentId, reminderId.toString(36), deps.clock() + PAY_LINK_TTL_MS)}`;
  const sender = createReminderSender({
    db: deps.db,
    policy,
    timezone: deps.timezone,
    transports: deps.transports,
    ...(deps.mailer ? { mailer: deps.mailer } : {}),
    payUrl: (channel, studentId, reminderId) => (channel === 'telegram' && config.telegramBotUsername ? `https://t.me/${config.telegramBotUsername}?start=pay` : webPay(studentId, reminderId)),
    deferUrl: (channel) => (channel === 'telegram' && config.telegramBotUsername ? `https://t.me/${config.telegramBotUsername}?start=defer` : `${deps.publicBaseUrl}/?start=defer`),
    unsubscribeUrl: (studentId, channel) => `${deps.publicBaseUrl}/dunning/unsubscribe?t=${unsubscribeToken(config.linkSecret, studentId)}${channel ? `&c=${channel}` : ''}`,
    clock: deps.clock,
    logger: deps.logger,
  });
  const scheduler = createDunningScheduler({ service, policy, logger: deps.logger, ...(deps.mayRun ? { mayRun: deps.mayRun } : {}) });
  const collegeMail = createCollegeEscalationMailer({ db: deps.db, ...(deps.mailer ? { mailer: deps.mailer } : {}) });
  const handlers: Record<string, OutboxHandler> = { dunning: (entry) => sender.send(entry), 'dunning-finish': (entry) => service.finish(entry), 'dunning-college': collegeMail };
  return { config, policy, service, sender, scheduler, handlers };
}

export type Dunning = ReturnType<typeof createDunning>;
