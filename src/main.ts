import type { DunningReads } from './ports/dunning-reads.port.js';
import { serve, type ServerType } from '@hono/node-server';
import { createSandboxReceiptIssuer } from '../adapters/sandbox-receipt/index.js';
import { createWebAdapter, loadWebConfig } from '../adapters/web/index.js';
import { createAccountServices } from './accounts/account-services.js';
import { financeOfficeLines } from './branding.js';
import type { Captcha } from './accounts/captcha.js';
import { loadLoginLimitsConfig } from './accounts/login-limits-config.js';
import { createPasswordHasher, type PasswordHasher } from './accounts/password-hasher.js';
import { loadAgreementText } from './agreement/agreement-text.js';
import { createEnabledChannels, createStaffChannel, type ChannelDeps } from './channel-modules.js';
import type { Config } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { updateChannelChat } from './db/repositories/channel-chat.repository.js';
import { findStudentById } from './db/repositories/student.repository.js';
import { seedDemoData } from './demo/demo-data.js';
import { createGatewaySet } from './gateway-modules.js';
import { createHttpApp } from './http/app.js';
import { parseTrustedProxies } from './http/client-address.js';
import { mountDevMailboxRoutes } from './http/dev-mailbox-page.js';
import { mountLogoRoute } from './http/logo-route.js';
import { mountReceiptRoutes } from './http/receipt-page.js';
import { createParentPayLinks, mountParentPayRoutes } from './http/parent-pay-page.js';
import { mountResetPasswordRoutes } from './http/reset-password-page.js';
import { createReturnLinks } from './http/return-links.js';
import { createLedger } from './ledger/index.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer, loadMailConfig, mailDelivery } from './mail/index.js';
import { DEFAULT_MAIL_FROM } from './mail/mail-config.js';
import type { ChannelAdapter, ChannelName, ChannelTransport } from './ports/channel.port.js';
import { createCommandRunner } from './runtime/command-runner.js';
import { createDailyReconciler } from './runtime/daily-reconcile.js';
import { createDunning, loadPolicy } from './dunning/index.js';
import { loadDunningConfig } from './dunning/dunning-config.js';
import { findDunningRun, latestDunningRun } from './db/repositories/dunning-run.repository.js';
import { listRunEscalations } from './db/repositories/dunning-escalation.repository.js';
import { withReminderOptOut } from './dunning/opt-out-inbound.js';
import { mountDunningUnsubscribeRoutes } from './http/dunning-unsubscribe-page.js';
import { createDispatcher, type RuntimeDispatcher } from './runtime/dispatcher.js';
import { createOrderSweeper } from './runtime/order-sweeper.js';
import { createOutboxHandlers } from './runtime/outbox-handlers.js';
import { createOutboxWorker } from './runtime/outbox-worker.js';
import type { OutboxEntry } from './db/repositories/outbox.repository.js';
import { createHousekeeping } from './runtime/housekeeping.js';
import { createLeases } from './runtime/lease.js';
import { createPaymentIntake } from './runtime/payment-intake.js';
import { createSessionRevoker } from './runtime/session-revoker.js';

export interface FeebotOptions {
  /** Use DEMO_DATABASE_URL and seed the demo students. */
  demo?: boolean;
  logger?: Logger;
  clock?: () => number;
  /** scrypt cost exponent; tests lower it, production keeps the OWASP default. */
  passwordHashCost?: number;
  /** Tests may wrap the password hasher (e.g. to hold a check in flight). */
  hasher?: PasswordHasher;
  gatewayRetryScheduleMs?: number[];
  /** Tests: captchas with a known answer. */
  captchaGenerator?: () => Captcha;
  /** Tests: extra channel adapters besides the ones enabled by the environment. */
  channels?: (deps: ChannelDeps) => ChannelAdapter[];
  env?: Record<string, string | undefined>;
  /** Reminder runs as the staff channel reads them (tests; main wires the dunning repositories). */
  dunningReads?: DunningReads;
}

const SWEEP_INTERVAL_MS = 30_000;
/** How often the daily reconciliation checks whether yesterday still needs its run. */
const RECONCILE_CHECK_INTERVAL_MS = 10 * 60_000;
const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

/** Wires adapters to the core. The one place that knows every concrete part. */
export async function createFeebot(config: Config, options: FeebotOptions = {}) {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? Date.now;
  // Refuse to start when mail would be undeliverable, before touching the database.
  const mailConfig = loadMailConfig(options.env ?? process.env);
  const delivery = mailDelivery(mailConfig, options.demo === true);
  const db = openDatabase(options.demo ? config.DEMO_DATABASE_URL : config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
  await migrateToLatest(db);

  const loginLimits = loadLoginLimitsConfig(options.env ?? process.env);
  const hasher = options.hasher ?? createPasswordHasher({ ...loginLimits.queue, ...(options.passwordHashCost ? { cost: options.passwordHashCost } : {}) });
  if (options.demo) await seedDemoData(db, { hasher, now: clock(), initialPasswordPolicy: config.INITIAL_PASSWORD });
  // Unless MAIL_FROM says otherwise, mail comes from the university's name, not from "feebot".
  const from = mailConfig.from === DEFAULT_MAIL_FROM ? `"${config.branding.universityName['zh-CN'].replace(/["\\]/g, '')} 网上缴费" <no-reply@localhost>` : mailConfig.from;
  const mailer = createMailer({ from, ...(mailConfig.smtpUrl ? { smtpUrl: mailConfig.smtpUrl } : {}), logger });
  if (delivery === 'devMailbox' && !options.demo) {
    logger.warn(
      'DEV_MAILBOX=true outside the demo: /dev/mailbox shows every mail, reset links included, to anyone who can reach this server. Never use this in production; set SMTP_URL.',
    );
  }
  const env = options.env ?? process.env;
  // Pages outside the chat (gateway result, reset done) link back to it; the channels exist only below.
  let channelsForLinks: ChannelAdapter[] = [];
  const returnLinks = createReturnLinks({
    publicBaseUrl: config.publicBaseUrl,
    telegram: () => channelsForLinks.find((c) => c.channel === 'telegram')?.chatLink?.() ?? null,
    wechat: () => (channelsForLinks.some((c) => c.channel === 'wechat') ? config.branding.wechatOaUrl : null),
  });
  const gateways = await createGatewaySet(env, {
    db, publicBaseUrl: config.publicBaseUrl, sandboxSecret: config.SANDBOX_GATEWAY_SECRET, clock, logger,
    universityName: config.branding.universityName['zh-CN'], returnLinks,
    ...(options.gatewayRetryScheduleMs ? { sandboxRetryScheduleMs: options.gatewayRetryScheduleMs } : {}),
  });
  const gateway = gateways.gateway;
  const ledger = createLedger({ db, orderExpiryMs: config.ORDER_EXPIRY_MINUTES * 60_000, gateway: gateway.name, logger, gateways: gateways.byName, timezone: config.TIMEZONE });

  let dispatcher: RuntimeDispatcher | null = null;
  const getDispatcher = (): RuntimeDispatcher => {
    if (!dispatcher) throw new Error('dispatcher not ready');
    return dispatcher;
  };
  const outboxRef: { kick: () => void; runClaimed: (entries: OutboxEntry[]) => void } = { kick: () => undefined, runClaimed: () => undefined };
  const onEnqueued = () => outboxRef.kick();
  // Fleet-wide leases: background jobs and Telegram polling run on one instance at a time.
  const leases = createLeases({ db, ttlMs: config.LEASE_SECONDS * 1000, clock, logger });
  const jobsLease = leases.lease('background-jobs');
  // accountServices is built below (it needs the outbox kick); channels only call this later.
  const channelDeps: ChannelDeps = { dispatcher: getDispatcher, accounts: () => accountServices, db, logger, clock, publicBaseUrl: config.publicBaseUrl, lease: leases.lease };
  // Signs reminders' links (unsubscribe, 网上缴费), which the web chat verifies.
  const dunningConfig = loadDunningConfig(env, config.SANDBOX_GATEWAY_SECRET);
  const channels: ChannelAdapter[] = [
    createWebAdapter({ db, config: loadWebConfig(env), clock, dispatcher: getDispatcher, idleTimeoutMs: config.IDLE_TIMEOUT_MINUTES * 60_000, branding: config.branding, payLinkSecret: dunningConfig.linkSecret }),
    ...(await createEnabledChannels(env, channelDeps)),
    ...(options.channels?.(channelDeps) ?? []),
  ];
  channelsForLinks = channels;
  // Read before the staff channel, which shows the policy (/fees dunning) and applies its quiet hours.
  const dunningPolicy = loadPolicy(env);
  const dunningEnabled = dunningConfig.enabled;
  // Reminder runs for the staff cards and App Home (tests may pass their own).
  const dunningRuns: DunningReads = options.dunningReads ?? {
    findRun: (id) => findDunningRun(db, id),
    latestRun: () => latestDunningRun(db),
    listEscalations: (runId) => listRunEscalations(db, runId),
  };
  const staffChannel = await createStaffChannel(env, { ...channelDeps, ledger, timezone: config.TIMEZONE, onEnqueued, dunningRuns, dunning: { policy: dunningPolicy, enabled: dunningEnabled } });
  const transports: Partial<Record<ChannelName, ChannelTransport>> = Object.fromEntries(channels.map((c) => [c.channel, c.transport]));

  const intake = createPaymentIntake({ gateway, ledger, clock, logger, onEnqueued });
  const revokeSessions = createSessionRevoker({ db, clock, onEnqueued });
  const accountServices = createAccountServices({
    db,
    hasher,
    mailer,
    initialPasswordPolicy: config.INITIAL_PASSWORD,
    loginLimits: loginLimits.limits,
    publicBaseUrl: config.publicBaseUrl,
    timezone: config.TIMEZONE,
    clock,
    logger,
    ...(options.captchaGenerator ? { captchaGenerator: options.captchaGenerator } : {}),
    onPasswordReset: async (studentId) => void (await revokeSessions(studentId)),
    branding: config.branding,
  });
  const studentName = async (studentId: string) => (await findStudentById(db, studentId))?.name ?? studentId;
  const parentPayLinks = createParentPayLinks(db, config.publicBaseUrl);
  const runCommand = createCommandRunner({ ledger, gateway, intake, revokeSessions, studentName, parentPayUrl: (orderId) => parentPayLinks.urlFor(orderId), logger, ...accountServices });
  dispatcher = withReminderOptOut(createDispatcher({
    db,
    engineConfig: {
      agreementSeconds: config.AGREEMENT_SECONDS,
      idleTimeoutMs: config.IDLE_TIMEOUT_MINUTES * 60_000,
      agreementText: loadAgreementText(config.AGREEMENT_FILE),
      branding: { universityName: config.branding.universityName, financeOffice: financeOfficeLines(config.branding) },
      timezone: config.TIMEZONE,
      receiptUrlPrefix: `${config.publicBaseUrl}/receipts/`,
    },
    defaultLanguage: config.DEFAULT_LANGUAGE,
    ledger,
    runCommand,
    clock,
    logger,
    onEnqueued,
    // Replies committed by an update run at once in this process, without a claim query.
    handOff: { leaseMs: config.OUTBOX_LEASE_SECONDS * 1000, run: (entries) => outboxRef.runClaimed(entries) },
  }), { db, clock });
  // Scheduled reminders (src/dunning): their outbox kinds, the cron tick (jobs lease holder only).
  const dunning = createDunning({
    db, env, policy: dunningPolicy, publicBaseUrl: config.publicBaseUrl, fallbackSecret: config.SANDBOX_GATEWAY_SECRET, timezone: config.TIMEZONE,
    defaultLang: config.DEFAULT_LANGUAGE, transports, mailer, clock, logger, onEnqueued, mayRun: jobsLease.held,
  });
  const outbox = createOutboxWorker({
    db,
    clock,
    logger,
    pollMs: config.OUTBOX_POLL_MS,
    leaseMs: config.OUTBOX_LEASE_SECONDS * 1000,
    handlers: {
      ...dunning.handlers,
      ...createOutboxHandlers({
      db,
      transports,
      dispatcher,
      runCommand,
      ledger,
      receiptIssuer: createSandboxReceiptIssuer({ payeeName: config.branding.universityName['zh-CN'] }),
      receiptUrl: (token) => `${config.publicBaseUrl}/receipts/${token}`,
      ...(staffChannel ? { staff: staffChannel.notifier } : {}),
      clock,
      logger,
    }),
    },
    onPermanentFailure: async (entry) => {
      const [, channel, ...rest] = entry.lane.split(':');
      if (channel) await updateChannelChat(db, channel, rest.join(':'), { active: false }, clock());
    },
  });
  outboxRef.kick = () => outbox.kick();
  outboxRef.runClaimed = (entries) => outbox.runClaimed(entries);
  const reconciler = createDailyReconciler({ db, ledger, gateway: gateways.checkout ?? gateway, intake, clock, logger, timezone: config.TIMEZONE });
  const sweeper = createOrderSweeper({ ledger, gateway, intake, dispatcher, clock, logger });
  const { accounts, resets, emailChanges, captcha } = accountServices;
  const channelPurgers = channels.flatMap((c) => (c.purgeExpired ? [{ purgeExpired: c.purgeExpired.bind(c) }] : []));
  const housekeeping = createHousekeeping({ db, purgers: [accounts, resets, emailChanges, captcha, accountServices.proofs, ...channelPurgers], clock, logger });

  const app = createHttpApp({ db, logger, trustedProxies: parseTrustedProxies(config.TRUSTED_PROXIES) });
  gateways.mount(app, { intake, ledger, timezone: config.TIMEZONE });
  mountReceiptRoutes(app, ledger, { timezone: config.TIMEZONE, branding: config.branding, publicBaseUrl: config.publicBaseUrl });
  mountLogoRoute(app, config.branding);
  mountResetPasswordRoutes(app, { resets: accountServices.resets, publicBaseUrl: config.publicBaseUrl, logger, universityName: config.branding.universityName['zh-CN'], returnLinks });
  mountParentPayRoutes(app, { db, links: parentPayLinks, ledger, clock, timezone: config.TIMEZONE });
  if (mailer.devMailbox) mountDevMailboxRoutes(app, mailer.devMailbox);
  mountDunningUnsubscribeRoutes(app, { db, secret: dunning.config.linkSecret, clock });
  for (const channel of channels) channel.mount?.(app);
  staffChannel?.mount?.(app);

  let server: ServerType | null = null;
  return {
    app,
    db,
    ledger,
    ...accountServices,
    mailer,
    gateway,
    gateways,
    reconciler,
    dunning,
    dispatcher,
    outbox,
    sweeper,
    housekeeping,
    leases,
    logger,
    /** Listens on HOST:PORT and starts the background workers. */
    async start(): Promise<{ url: string; port: number }> {
      const port = await new Promise<number>((resolve) => {
        server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => resolve(info.port));
      });
      // Receipts and notices an older version failed to queue for recorded payments go out now.
      await intake.repairFollowUps();
      outbox.start();
      leases.start();
      sweeper.start(SWEEP_INTERVAL_MS, jobsLease.held);
      reconciler.start(RECONCILE_CHECK_INTERVAL_MS, jobsLease.held);
      housekeeping.start(HOUSEKEEPING_INTERVAL_MS, jobsLease.held);
      if (dunning.config.enabled) {
        dunning.scheduler.start();
        // Whoever takes the jobs lease finishes a run a crash left half planned.
        jobsLease.onChange((held) => void (held ? dunning.service.resumeInterrupted().catch((err: unknown) => logger.error({ err }, 'dunning resume failed')) : undefined));
      }
      for (const channel of channels) await channel.start?.();
      await staffChannel?.start?.();
      logger.info({ url: config.publicBaseUrl, port, channels: channels.map((c) => c.channel) }, 'feebot started');
      return { url: config.publicBaseUrl, port };
    },
    async stop(): Promise<void> {
      for (const channel of channels) await channel.stop?.();
      await staffChannel?.stop?.();
      sweeper.stop();
      reconciler.stop();
      await dunning.scheduler.stop();
      housekeeping.stop();
      await leases.stop();
      gateways.stop();
      await outbox.stop();
      await accountServices.resets.idle();
      mailer.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await db.destroy();
    },
  };
}

export type Feebot = Awaited<ReturnType<typeof createFeebot>>;
