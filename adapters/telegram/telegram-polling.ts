import { setTimeout as delay } from 'node:timers/promises';
import type { Update } from 'telegraf/types';
import type { Lease } from '../../src/runtime/lease.js';
import type { TelegramApi, TelegramLogger } from './telegram-api.js';
import { isTelegramApiError } from './telegram-api.js';

export interface PollerOptions {
  api: Pick<TelegramApi, 'callApi'>;
  handle: (update: Update) => Promise<void>;
  logger: TelegramLogger;
  /** Long-poll timeout sent to getUpdates (seconds). */
  timeoutSec?: number;
  /** Pause after an empty answer that came back early (test servers don't hold the request). */
  idleDelayMs?: number;
  /** Poll only while this lease is held: Telegram serves getUpdates to one poller per bot. */
  lease?: Lease;
}

export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** A failing update is fetched again this many times in all (like Telegram's webhook retries), then skipped. */
const MAX_UPDATE_TRIES = 5;

/**
 * Our own getUpdates loop instead of Telegraf's: updates are handled one after another, in
 * Telegram's order (Telegraf runs a batch concurrently), an update is confirmed (the next offset)
 * only after it was handled, and stop() aborts the open request.
 */
export function createPoller(options: PollerOptions) {
  const { api, handle, logger } = options;
  const timeoutSec = options.timeoutSec ?? 30;
  const idleDelayMs = options.idleDelayMs ?? 250;
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;

  async function pause(ms: number, signal: AbortSignal): Promise<void> {
    await delay(ms, undefined, { signal }).catch(() => undefined);
  }

  async function run(signal: AbortSignal): Promise<void> {
    let offset = 0;
    let failures = 0;
    const failedTries = new Map<number, number>();
    while (!signal.aborted) {
      const startedAt = Date.now();
      let updates: Update[];
      try {
        updates = await api.callApi(
          'getUpdates',
          { timeout: timeoutSec, offset, allowed_updates: [...ALLOWED_UPDATES] },
          // Telegraf types the signal with its abort-controller polyfill; Node's is what node-fetch takes.
          { signal: signal as never },
        );
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const wait = retryDelayMs(error, failures);
        logger.warn({ err: error instanceof Error ? error.message : String(error), waitMs: wait }, 'telegram getUpdates failed');
        await pause(wait, signal);
        continue;
      }
      for (const update of updates) {
        if (signal.aborted) break;
        if (update.update_id < offset) continue;
        try {
          await handle(update);
        } catch (error) {
          // Not confirmed: the next getUpdates (offset = this update) returns it again, after a pause.
          const tries = (failedTries.get(update.update_id) ?? 0) + 1;
          failedTries.set(update.update_id, tries);
          const err = error instanceof Error ? error.message : String(error);
          if (tries < MAX_UPDATE_TRIES) {
            logger.warn({ updateId: update.update_id, tries, err }, 'telegram update failed; will fetch it again');
            offset = update.update_id;
            await pause(retryDelayMs(error, tries), signal);
            break;
          }
          logger.error({ updateId: update.update_id, tries, err }, 'telegram update failed repeatedly; skipping it');
        }
        failedTries.delete(update.update_id);
        // Confirmed only now: a crash before this line leaves the update with Telegram to hand out again.
        offset = update.update_id + 1;
      }
      if (updates.length === 0 && Date.now() - startedAt < idleDelayMs) await pause(idleDelayMs, signal);
    }
  }

  function startLoop(): void {
    if (loop) return;
    controller = new AbortController();
    loop = run(controller.signal);
  }

  async function stopLoop(): Promise<void> {
    controller?.abort();
    await loop;
    loop = null;
    controller = null;
  }

  let started = false;
  // Taking the lease starts the loop, losing it stops it; a new holder begins at offset 0 and
  // gets the updates not yet confirmed, which the dispatcher dedupes by update_id.
  options.lease?.onChange((held) => {
    if (!started) return;
    if (held) startLoop();
    else void stopLoop();
  });

  return {
    start(): void {
      started = true;
      if (!options.lease || options.lease.held()) startLoop();
    },
    async stop(): Promise<void> {
      started = false;
      await stopLoop();
    },
  };
}

/** 429 → as told; 409 (a webhook is set, or another poller runs) and others → growing backoff. */
function retryDelayMs(error: unknown, failures: number): number {
  if (isTelegramApiError(error) && error.code === 429) return (error.parameters?.retry_after ?? 5) * 1000;
  return Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
}
