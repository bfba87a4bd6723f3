// What the staff channel reads about reminder runs (the dunning module owns the tables). Shaped after
// the dunning repositories (dunning-run / dunning-escalation), so main wires them one to one:
//   { findRun: (id) => findDunningRun(db, id), latestRun: () => latestDunningRun(db),
//     listEscalations: (runId) => listRunEscalations(db, runId) }

export interface DunningRunRecord {
  id: number;
  /** The local date (TIMEZONE) the run planned for. */
  runDate: string;
  status: string;
  /** The run's DunningSummary once finished: `{ planned, sent, failed, escalated, skipped: { reason: n } }`. */
  summary: unknown;
  startedAt: number;
  finishedAt: number | null;
}

export interface DunningEscalationRecord {
  studentId: string;
  college: string;
  /** Reminders the student had been sent. */
  reminders: number;
  /** Arrears in fen. */
  total: number;
}

export interface DunningReads {
  findRun(id: number): Promise<DunningRunRecord | null>;
  latestRun(): Promise<DunningRunRecord | null>;
  listEscalations(runId: number): Promise<DunningEscalationRecord[]>;
}
