import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DunningRunStatus } from '../schema.js';

export interface DunningRun {
  id: number;
  fireKey: string;
  runDate: string;
  status: DunningRunStatus;
  planSkips: Record<string, number>;
  summary: unknown;
  startedAt: number;
  plannedAt: number | null;
  finishedAt: number | null;
}

type Row = { id: number; fire_key: string; run_date: string; status: DunningRunStatus; plan_skips_json: string; summary_json: string | null; started_at: number; planned_at: number | null; finished_at: number | null };
const toRun = (r: Row): DunningRun => ({
  id: Number(r.id),
  fireKey: r.fire_key,
  runDate: r.run_date,
  status: r.status,
  planSkips: JSON.parse(r.plan_skips_json) as Record<string, number>,
  summary: r.summary_json ? (JSON.parse(r.summary_json) as unknown) : null,
  startedAt: Number(r.started_at),
  plannedAt: r.planned_at == null ? null : Number(r.planned_at),
  finishedAt: r.finished_at == null ? null : Number(r.finished_at),
});

/**
 * Claims the run of `fireKey`: the first caller creates it (`created: true`); every later caller —
 * another instance firing the same cron tick — gets the existing run and `created: false`.
 */
export async function claimDunningRun(db: Db, fireKey: string, runDate: string, now: number): Promise<{ run: DunningRun; created: boolean }> {
  const inserted = await db
    .insertInto('dunning_runs')
    .values({ fire_key: fireKey, run_date: runDate, status: 'planning', started_at: now, summary_json: null, planned_at: null, finished_at: null })
    .onConflict((oc) => oc.column('fire_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = await db.selectFrom('dunning_runs').selectAll().where('fire_key', '=', fireKey).executeTakeFirstOrThrow();
  return { run: toRun(row), created: inserted !== undefined };
}

export async function findDunningRun(db: Db, id: number): Promise<DunningRun | null> {
  const row = await db.selectFrom('dunning_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function latestDunningRun(db: Db): Promise<DunningRun | null> {
  const row = await db.selectFrom('dunning_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toRun(row) : null;
}

/** Runs whose planning was interrupted (a crash): planning them again resumes them. */
export async function listPlanningDunningRuns(db: Db): Promise<DunningRun[]> {
  const rows = await db.selectFrom('dunning_runs').selectAll().where('status', '=', 'planning').orderBy('id').execute();
  return rows.map(toRun);
}

/** Planning is over; false when another worker marked it first (it queued the follow-ups then). */
export async function markDunningRunPlanned(db: Db, id: number, planSkips: Record<string, number>, now: number): Promise<boolean> {
  const result = await db.updateTable('dunning_runs').set({ status: 'sending', plan_skips_json: JSON.stringify(planSkips), planned_at: now }).where('id', '=', id).where('status', '=', 'planning').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records the summary once; false when another worker finished the run first. */
export async function finishDunningRun(db: Db, id: number, summary: unknown, now: number): Promise<boolean> {
  const result = await db
    .updateTable('dunning_runs')
    .set({ status: 'done', summary_json: JSON.stringify(summary), finished_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Reminder rows of a run by status (and skip reason). */
export async function countRunReminders(db: Db, runId: number): Promise<{ status: string; reason: string | null; n: number }[]> {
  const rows = await db
    .selectFrom('dunning_reminders')
    .select(['status', 'skip_reason', sql<number>`count(*)`.as('n')])
    .where('run_id', '=', runId)
    .groupBy(['status', 'skip_reason'])
    .execute();
  return rows.map((r) => ({ status: r.status, reason: r.skip_reason, n: Number(r.n) }));
}
