import type { Db } from '../db/database.js';
import { pruneInboundUpdates } from '../db/repositories/inbound-update.repository.js';
import { pruneOutbox } from '../db/repositories/outbox.repository.js';
import { pruneSendProgress } from '../db/repositories/send-progress.repository.js';
import { pruneSendTurns } from '../db/repositories/send-turn.repository.js';
import type { Logger } from '../logger.js';

const DAY = 24 * 60 * 60_000;

export interface HousekeepingDeps {
  db: Db;
  /** Services that drop their own expired rows (failures, lockouts, links, codes, captchas). */
  purgers: { purgeExpired(now: number): Promise<void> }[];
  clock: () => number;
  logger: Logger;
  /** How long update ids (for dedupe) and finished outbox entries are kept. */
  keepMs?: number;
}

/** Keeps the tables that only grow from growing forever. The audit trail is kept. */
export function createHousekeeping(deps: HousekeepingDeps) {
  const { db, clock, logger, keepMs = 7 * DAY } = deps;
  let timer: NodeJS.Timeout | null = null;

  async function run(): Promise<void> {
    const now = clock();
    await pruneInboundUpdates(db, now - keepMs);
    const pruned = await pruneOutbox(db, now - keepMs);
    await pruneSendProgress(db, now - keepMs);
    // A turn older than a day allows a send anyway; keeping it only grows the table.
    await pruneSendTurns(db, (now - DAY) * 1000);
    for (const purger of deps.purgers) await purger.purgeExpired(now);
    logger.debug({ prunedOutbox: pruned }, 'housekeeping done');
  }

  return {
    run,
    /** Runs every `intervalMs` while `mayRun()` (this instance holds the fleet's jobs lease). */
    start(intervalMs: number, mayRun: () => boolean = () => true): void {
      timer = setInterval(() => {
        if (mayRun()) void run().catch((err: unknown) => logger.error({ err }, 'housekeeping failed'));
      }, intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}
