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
  /**
   * Kinds sent in bulk (a dunning run's reminders): they get at most `concurrency − liveSlots` slots
   * and are claimed after everything else, so a student's reply never queues behind a run.
   */
  bulkKinds?: string[];
  /** Slots bulk kinds leave for other entries (default 2). */
  liveSlots?: number;
  /** Called when a chat can no longer be reached (e.g. blocked the bot). */
  onPermanentFailure?: (entry: OutboxEntry) => Promise<void>;
}

/** A dunning run's reminders (`dunning`, one per student and channel) can number 100,000. */
const DEFAULT_BULK_KINDS = ['dunning'];
const DEFAULT_BACKOFF = [1_000, 2_000, 5_000, 15_000, 60_000, 300_000];
/** Longer than any handler should take (Telegram's handler timeout is 9 s). */
const LEASE_MS = 60_000;

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db, handlers, clock, logger } = options;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF;
  const maxAttempts = options.maxAttempts ?? 12;
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const bulkKinds = options.bulkKinds ?? DEFAULT_BULK_KINDS;
  const bulkSlots = Math.max(1, concurrency - (options.liveSlots ?? 2));
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

  // Wakes a drain that waits on running entries when new ones are committed (kick).
  let wake: (() => void) | null = null;
  let woken = false; // a kick came while the drain was claiming: claim again before waiting

  /**
   * Works until nothing is due. A slot is refilled as soon as its entry finishes, not when a whole
   * claimed batch has: one slow head (a bulk reminder waiting for its turn in the rate limiter) must
   * not hold the other slots, or a student's reply queued behind a run waits for the slowest of 8.
   */
  async function drainDue(): Promise<void> {
    const active = new Set<Promise<void>>();
    let activeBulk = 0;
    let finished = 0;
    const start = (head: OutboxEntry, bulk: boolean) => {
      if (bulk) activeBulk++;
      const run: Promise<void> = runOne(head)
        .catch((error: unknown) => logger.error({ err: error }, 'outbox worker error'))
        .finally(() => {
          active.delete(run);
          finished++;
          if (bulk) activeBulk--;
        });
      active.add(run);
    };
    try {
      for (;;) {
        // Claimed before they run, so other workers (processes, instances) skip them. Everything
        // else first: bulk heads are nearly always due and older than a student's reply.
        const finishedBefore = finished;
        const free = concurrency - active.size;
        const live = free > 0 ? await claimDueLaneHeads(db, clock(), free, clock() + leaseMs, bulkKinds.length > 0 ? { except: bulkKinds } : undefined) : [];
        for (const head of live) start(head, false);
        const freeBulk = bulkKinds.length > 0 ? Math.min(bulkSlots - activeBulk, concurrency - active.size) : 0;
        const bulk = freeBulk > 0 ? await claimDueLaneHeads(db, clock(), freeBulk, clock() + leaseMs, { only: bulkKinds }) : [];
        for (const head of bulk) start(head, true);
        // An entry that finished while the claim ran may have made the next of its lane a head
        // (on PostgreSQL the claim can read before that entry's done mark commits): claim again.
        if (active.size === 0 && finished === finishedBefore) return;
        if (woken || active.size === 0) {
          woken = false;
          continue;
        }
        // Full, or nothing else due yet: wait for a slot, new entries (kick) or the next poll.
        let timer: NodeJS.Timeout | undefined;
        const wakeUp = new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, options.pollMs);
        });
        await Promise.race([...active, wakeUp]);
        clearTimeout(timer);
        wake = null;
      }
    } finally {
      await Promise.all(active);
    }
  }

  function pump(): Promise<void> {
    if (running) {
      again = true;
      if (wake) wake();
      else woken = true;
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
