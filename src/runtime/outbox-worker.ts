import type { Db } from '../db/database.js';
import {
  killOutboxLane,
  claimDueLaneHeads,
  markOutboxDead,
  markOutboxDone,
  rescheduleOutbox,
  type OutboxEntry,
} from '../db/repositories/outbox.repository.js';
import { ChannelError } from '../errors.js';
import type { Logger } from '../logger.js';

export type OutboxHandler = (entry: OutboxEntry) => Promise<void>;

export interface OutboxWorkerOptions {
  db: Db;
  handlers: Record<string, OutboxHandler>;
  clock: () => number;
  logger: Logger;
  pollMs: number;
  /** Delay before retry n (1-based); the last value repeats. */
  backoffMs?: number[];
  maxAttempts?: number;
  /** Lanes worked on at once (different chats); one lane is always sequential. */
  concurrency?: number;
  /** How long a claim lasts; a crashed claimer's entries run again after it (default 60 s). */
  leaseMs?: number;
  /** Called when a chat can no longer be reached (e.g. blocked the bot). */
  onPermanentFailure?: (entry: OutboxEntry) => Promise<void>;
}

const DEFAULT_BACKOFF = [1_000, 2_000, 5_000, 15_000, 60_000, 300_000];
/** Longer than any handler should take (Telegram's handler timeout is 9 s). */
const LEASE_MS = 60_000;

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db, handlers, clock, logger } = options;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF;
  const maxAttempts = options.maxAttempts ?? 12;
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let kicks = 0; // kick() calls: a handed-over run re-checks the outbox only after one
  let closed = false; // stop() was called: nothing handed over runs any more

  // `entry` is already claimed (claimDueLaneHeads): its runAfter is the lease it holds, so a handler
  // that commits its effect can mark the entry done in the same transaction (completeClaimedOutbox),
  // compare-and-set on this lease.
  async function runOne(entry: OutboxEntry): Promise<void> {
    const handler = handlers[entry.kind];
    if (!handler) {
      await markOutboxDead(db, entry.id, `no handler for ${entry.kind}`);
      return;
    }
    try {
      await handler(entry);
      await markOutboxDone(db, entry.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempts = entry.attempts + 1;
      if (error instanceof ChannelError && error.permanent) {
        logger.warn({ lane: entry.lane, kind: entry.kind }, 'chat unreachable; dropping its pending deliveries');
        await killOutboxLane(db, entry.lane, message);
        await options.onPermanentFailure?.(entry);
        return;
      }
      if (error instanceof ChannelError && error.retryAfter !== undefined) {
        // The platform told us how long to wait: not a failure of ours, so no attempt is spent.
        await rescheduleOutbox(db, entry.id, clock() + error.retryAfter * 1000, entry.attempts, message);
        return;
      }
      if (attempts >= maxAttempts) {
        logger.error({ lane: entry.lane, kind: entry.kind, attempts, err: message }, 'outbox entry gave up');
        await markOutboxDead(db, entry.id, message);
        return;
      }
      const delay = backoff[Math.min(attempts, backoff.length) - 1] ?? 1_000;
      logger.warn({ lane: entry.lane, kind: entry.kind, attempts, delay, err: message }, 'outbox entry failed; will retry');
      await rescheduleOutbox(db, entry.id, clock() + delay, attempts, message);
    }
  }

  // Entries handed over already claimed (runClaimed), still running: drain and stop wait for them.
  const handedOver = new Set<Promise<void>>();

  /** Works until nothing is due. Lane heads are fetched again after each batch. */
  async function drainDue(): Promise<void> {
    for (;;) {
      // Claimed before they run, so other workers (processes, instances) skip them.
      const heads = await claimDueLaneHeads(db, clock(), concurrency, clock() + leaseMs);
      if (heads.length === 0) return;
      await Promise.all(heads.map(runOne));
    }
  }

  function pump(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drainDue();
        } catch (error) {
          logger.error({ err: error }, 'outbox worker error');
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void pump().finally(schedule);
    }, options.pollMs);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      closed = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.all(handedOver);
      await running;
    },
    /**
     * Runs entries this process committed already claimed (enqueueOutboxClaimingHeads), right away;
     * then works on whatever became due meanwhile (the next entries of their lanes). Stopped: they
     * stay claimed and run again when the lease ends, here or elsewhere.
     */
    runClaimed(entries: OutboxEntry[]): void {
      if (closed) return;
      const kicksBefore = kicks;
      const run = Promise.all(entries.map(runOne))
        // An entry queued behind these meanwhile (its kick found the lane busy) is due now.
        .then(() => (kicks !== kicksBefore ? void pump() : undefined))
        .catch((error: unknown) => logger.error({ err: error }, 'outbox worker error'))
        .finally(() => handedOver.delete(run));
      handedOver.add(run);
    },
    /** New entries were committed: work now instead of at the next poll. */
    kick(): void {
      kicks++;
      void pump();
    },
    /** Runs everything that is due now, handed-over entries included (tests, CLI). */
    async drain(): Promise<void> {
      await Promise.all(handedOver);
      await pump();
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
