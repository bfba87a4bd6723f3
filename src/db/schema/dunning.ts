import type { Generated } from 'kysely';

// Reminder runs (dunning): runs, planned reminders, escalations, opt-outs.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export type DunningRunStatus = 'planning' | 'sending' | 'done';

/** One dunning run; `fire_key` (cron task + fire time, or a manual run's id) makes a doubled fire one run. */
export interface DunningRunsTable {
  id: Generated<number>;
  fire_key: string;
  /** The local date (TIMEZONE) the run plans for, `YYYY-MM-DD`. */
  run_date: string;
  status: DunningRunStatus;
  /** Skips decided while planning: reason → count (JSON). */
  plan_skips_json: Generated<string>;
  /** The final summary (JSON, see DunningSummary) once every reminder is settled. */
  summary_json: string | null;
  started_at: number;
  planned_at: number | null;
  finished_at: number | null;
}

export type DunningReminderStatus = 'planned' | 'sent' | 'skipped' | 'failed';

export interface DunningRemindersTable {
  id: Generated<number>;
  /** student | itemId@step,… — one reminder per student, item set and policy step, ever. */
  reminder_key: string;
  run_id: number;
  student_id: string;
  run_date: string;
  /** JSON `[[itemId, stepOffsetDays], …]`. */
  item_steps: string;
  /** Comma-separated channels it was handed to (`telegram,web`, `email`). */
  channels: string;
  total: number;
  final_notice: Generated<number>;
  status: Generated<DunningReminderStatus>;
  skip_reason: string | null;
  sent_at: number | null;
}

/** A student handed to the finance office after K unanswered reminders (once). */
export interface DunningEscalationsTable {
  student_id: string;
  run_id: number;
  reminders: number;
  total: number;
  college: string;
  created_at: number;
}

export interface DunningOptoutsTable {
  student_id: string;
  /** `telegram`, `web`, `wechat`, `email`, or `all`. */
  channel: string;
  opted_out: number;
  updated_at: number;
}

/** A reminder's signed pay link, once opened (a link works once). */
export interface PayLinkUsesTable {
  /** The signed link's MAC: one row per link opened. */
  link_key: string;
  student_id: string;
  used_at: number;
}
