import type { DunningReads } from './ports/dunning-reads.port.js';
// The *-module files hold only each adapter's settings loader; the adapter itself and its SDK are
// imported by create(), so a disabled channel costs no memory.
import { slackStaffChannel } from '../adapters/slack/slack-module.js';
import { telegramChannel } from '../adapters/telegram/telegram-module.js';
import { wechatChannel } from '../adapters/wechat/wechat-module.js';
import type { AccountServices } from './accounts/account-services.js';
import type { Hono } from 'hono';
import type { DunningPolicy } from './dunning/policy.js';
import type { Db } from './db/database.js';
import type { Ledger } from './ledger/index.js';
import type { Logger } from './logger.js';
import type { ChannelAdapter, ChannelName } from './ports/channel.port.js';
import type { StaffNotifier } from './ports/staff.port.js';
import type { RuntimeDispatcher } from './runtime/dispatcher.js';
import type { Lease } from './runtime/lease.js';

/** What main hands every optional channel when it builds it. */
export interface ChannelDeps {
  /** The dispatcher is built after the adapters (it needs their transports), hence the getter. */
  dispatcher: () => RuntimeDispatcher;
  /** The account services (login guard…), also built after the adapters. */
  accounts: () => AccountServices;
  db: Db;
  logger: Logger;
  clock: () => number;
  publicBaseUrl: string;
  /** A fleet-wide lease by name (one holder among all instances), e.g. for a polling loop. */
  lease: (name: string) => Lease;
}

/**
 * An optional channel: its settings loader (null when the channel is not configured; light, run at
 * every start) and its factory (async: it imports the adapter only when the channel is enabled).
 * Each adapter's *-module.ts exports one (re-exported by its index); main builds every enabled one,
 * so adding a channel adds a line here, not wiring in main.
 */
export interface ChannelModule<C = unknown> {
  readonly name: ChannelName;
  loadConfig(env: Record<string, string | undefined>): C | null;
  create(config: C, deps: ChannelDeps): Promise<ChannelAdapter>;
}

export const OPTIONAL_CHANNELS: ReadonlyArray<ChannelModule<never>> = [
  telegramChannel as ChannelModule<never>,
  wechatChannel as ChannelModule<never>,
];

/** Builds the channels whose settings are present in env. */
export async function createEnabledChannels(env: Record<string, string | undefined>, deps: ChannelDeps): Promise<ChannelAdapter[]> {
  const modules = OPTIONAL_CHANNELS as ReadonlyArray<ChannelModule<unknown>>;
  // Every configuration is checked before any adapter is loaded: a bad setting fails fast.
  const enabled = modules.flatMap((module) => {
    const config = module.loadConfig(env);
    return config === null ? [] : [{ module, config }];
  });
  const adapters: ChannelAdapter[] = [];
  for (const { module, config } of enabled) adapters.push(await module.create(config, deps));
  return adapters;
}

/** What main hands the staff channel: a channel's deps plus the ledger, display zone and outbox wake-up. */
export interface StaffDeps extends ChannelDeps {
  ledger: Ledger;
  timezone: string;
  /** Wakes the outbox worker after the staff channel queued entries itself. */
  onEnqueued: () => void;
  /** Reminder runs, for their cards and App Home (absent until the dunning module is wired in main). */
  dunningRuns?: DunningReads;
  /** Scheduled reminders: the policy (quiet hours for hand-sent reminders) and whether they are on. */
  dunning?: { policy: DunningPolicy; enabled: boolean };
}

/** The finance office's channel: receives staff events from the outbox and staff requests from its platform. */
export interface StaffChannel {
  readonly notifier: StaffNotifier;
  mount?(app: Hono): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface StaffChannelModule<C = unknown> {
  readonly name: string;
  loadConfig(env: Record<string, string | undefined>): C | null;
  create(config: C, deps: StaffDeps): Promise<StaffChannel>;
}

export const STAFF_CHANNELS: ReadonlyArray<StaffChannelModule<never>> = [slackStaffChannel as StaffChannelModule<never>];

/** The one staff channel whose settings are present in env, or null. */
export async function createStaffChannel(env: Record<string, string | undefined>, deps: StaffDeps): Promise<StaffChannel | null> {
  for (const module of STAFF_CHANNELS as ReadonlyArray<StaffChannelModule<unknown>>) {
    const config = module.loadConfig(env);
    if (config !== null) return module.create(config, deps);
  }
  return null;
}
