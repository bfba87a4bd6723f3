import { telegramChannel } from '../adapters/telegram/index.js';
import type { Db } from './db/database.js';
import type { Logger } from './logger.js';
import type { ChannelAdapter, ChannelName } from './ports/channel.port.js';
import type { RuntimeDispatcher } from './runtime/dispatcher.js';
import type { Lease } from './runtime/lease.js';

/** What main hands every optional channel when it builds it. */
export interface ChannelDeps {
  /** The dispatcher is built after the adapters (it needs their transports), hence the getter. */
  dispatcher: () => RuntimeDispatcher;
  db: Db;
  logger: Logger;
  clock: () => number;
  publicBaseUrl: string;
  /** A fleet-wide lease by name (one holder among all instances), e.g. for a polling loop. */
  lease: (name: string) => Lease;
}

/**
 * An optional channel: its settings loader (null when the channel is not configured) and its
 * factory. Each adapter's index exports one; main builds every enabled one, so adding a channel
 * adds a line here, not wiring in main.
 */
export interface ChannelModule<C = unknown> {
  readonly name: ChannelName;
  loadConfig(env: Record<string, string | undefined>): C | null;
  create(config: C, deps: ChannelDeps): ChannelAdapter;
}

export const OPTIONAL_CHANNELS: ReadonlyArray<ChannelModule<never>> = [telegramChannel as ChannelModule<never>];

/** Builds the channels whose settings are present in env. */
export function createEnabledChannels(env: Record<string, string | undefined>, deps: ChannelDeps): ChannelAdapter[] {
  const modules = OPTIONAL_CHANNELS as ReadonlyArray<ChannelModule<unknown>>;
  return modules.flatMap((module) => {
    const config = module.loadConfig(env);
    return config === null ? [] : [module.create(config, deps)];
  });
}
