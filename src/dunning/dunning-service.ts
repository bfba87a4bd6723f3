import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../db/database.js';
import { listRunEscalations } from '../db/repositories/dunning-escalation.repository.js';
import { countPlannedReminders } from '../db/repositories/dunning-reminder.repository.js';
import {
  claimDunningRun,
  countRunReminders,
  findDunningRun,
  finishDunningRun,
  listPlanningDunningRuns,
  type DunningRun,
} from '../db/repositories/dunning-run.repository.js';
import { enqueueStaffEvent, type OutboxEntry } from '../db/repositories/outbox.repository.js';
import { ChannelError } from '../errors.js';
import type { Logger } from '../logger.js';
import { localTime } from './local-time.js';
import { createPlanner, type PlanResult } from './planner.js';
import type { DunningPolicy } from './policy.js';

// Runs: claim one per fire key, plan it, and — once every reminder is settled — keep and post its summary.

export interface DunningSummary {
  runId: number;
  runDate: string;
  planned: number;
  sent: number;
  /** Reason → count, decided while planning (deferral, liveOrder, optedOut, caps…) or at send time (paid, optedOut). */
  skipped: Record<string, number>;
  failed: number;
  escalated: number;
}

export interface DunningServiceDeps {
  db: Db;
  policy: DunningPolicy;
  timezone: string;
  defaultLang: 'zh-CN' | 'en';
  clock: () => number;
  logger: Logger;
  /** New outbox entries were committed. */
  onEnqueued?: () => void;
}

/** A run's summary is posted once every reminder is settled, or after this long at most. */
const FINISH_DEADLINE_MS = 24 * 3600_000;
const FINISH_RECHECK_SECONDS = 10;

export function createDunningService(deps: DunningServiceDeps) {
  const { db, policy, clock, logger } = deps;
  const planner = createPlanner({ db, policy, timezone: deps.timezone, defaultLang: deps.defaultLang, clock });

  function today(): string {
    return localTime(clock(), deps.timezone).date;
  }

  async function planRun(run: DunningRun, onProgress?: (done: number, total: number) => void): Promise<PlanResult> {
    const result = await planner.plan(run, onProgress);
    deps.onEnqueued?.();
    logger.info({ runId: run.id, runDate: run.runDate, planned: result.planned, skips: result.skips, escalated: result.escalated }, 'dunning run planned');
    return result;
  }

  /**
   * The run of `fireKey` (a cron fire: task + fire time). Only the caller that created the run plans
   * it; another instance firing the same tick gets null.
   */
  async function fire(fireKey: string, onProgress?: (done: number, total: number) => void): Promise<{ run: DunningRun; result: PlanResult } | null> {
    const { run, created } = await claimDunningRun(db, fireKey, today(), clock());
    if (!created) {
      logger.info({ fireKey, runId: run.id }, 'dunning tick already claimed by another instance');
      return null;
    }
    return { run, result: await planRun(run, onProgress) };
  }

  /** `feebot dunning run`: a run now, whatever the schedule. */
  async function runNow(onProgress?: (done: number, total: number) => void) {
    return fire(`manual:${randomUUID()}`, onProgress);
  }

  /** Runs a crash left half planned are planned again (only what is missing is added). */
  async function resumeInterrupted(): Promise<number> {
    const runs = await listPlanningDunningRuns(db);
    for (const run of runs) await planRun(run);
    return runs.length;
  }

  async function summarise(run: DunningRun): Promise<DunningSummary> {
    const rows = await countRunReminders(db, run.id);
    const skipped: Record<string, number> = { ...run.planSkips };
    delete skipped.notDue;
    let planned = 0;
    let sent = 0;
    let failed = 0;
    for (const r of rows) {
      planned += r.n;
      if (r.status === 'sent') sent += r.n;
      else if (r.status === 'failed' || r.status === 'planned') failed += r.n;
      else if (r.status === 'skipped') skipped[r.reason ?? 'other'] = (skipped[r.reason ?? 'other'] ?? 0) + r.n;
    }
    const escalated = (await listRunEscalations(db, run.id)).length;
    return { runId: run.id, runDate: run.runDate, planned, sent, skipped, failed, escalated };
  }

  /** Outbox kind `dunning-finish`: waits for the run's reminders, then keeps and posts the summary. */
  async function finish(entry: OutboxEntry): Promise<void> {
    const { runId } = entry.payload as { runId: number };
    const run = await findDunningRun(db, runId);
    if (!run || run.status !== 'sending') return;
    const pending = await countPlannedReminders(db, runId);
    if (pending > 0 && clock() < (run.plannedAt ?? run.startedAt) + FINISH_DEADLINE_MS) {
      throw new ChannelError(`${pending} reminder(s) still sending`, FINISH_RECHECK_SECONDS);
    }
    const summary = await summarise(run);
    await inTransaction(db, async (tx) => {
      if (await finishDunningRun(tx, runId, summary, clock())) await enqueueStaffEvent(tx, { kind: 'dunning.summary', runId }, clock());
    });
    deps.onEnqueued?.();
    logger.info(summary, 'dunning run finished');
  }

  return { planner, today, fire, runNow, resumeInterrupted, finish, summarise, preview: (date?: string) => planner.preview(date ?? today()) };
}

export type DunningService = ReturnType<typeof createDunningService>;
