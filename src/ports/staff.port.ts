// What the core tells the finance office. Queued in the outbox (kind `staff`) in the same transaction
// as the fact it reports, so a crash cannot lose a ticket or a held credit; the staff channel (Slack)
// registers the handler. Without a staff channel the entries are marked done and nothing is sent.

/** What one reminder run did; emitted once when the run finishes. Times are epoch ms. */
export interface DunningSummary {
  runId: number;
  /** Reminders the run planned (students × channels it meant to reach). */
  planned: number;
  sent: number;
  /** Reminders not sent, counted by reason (e.g. `opted_out`, `quiet_hours`, `deferred`, `no_channel`). */
  skippedByReason: Record<string, number>;
  failed: number;
  /** Students escalated to the finance office by this run (listed by `dunning.escalated`). */
  escalated: number;
  startedAt: number;
  finishedAt: number;
}

/** A student the reminder run hands over to a person: still owing after `reminders` reminders. */
export interface EscalatedStudent {
  studentId: string;
  name: string;
  college: string | null;
  /** Arrears in fen. */
  outstandingFen: number;
  reminders: number;
}

export type StaffEvent =
  | { kind: 'ticket.opened'; reportId: number }
  | { kind: 'credit.held'; creditId: number }
  | { kind: 'deferral.requested'; deferralId: number }
  /** One event per run, all escalated students in one list (one Slack message, not one per student). */
  | { kind: 'dunning.escalated'; runId: number; students: EscalatedStudent[] }
  | ({ kind: 'dunning.summary' } & DunningSummary)
  /** The saved report of that (local) day is read back by the staff channel. */
  | { kind: 'reconcile.differences'; date: string };

export interface StaffNotifier {
  /** Delivers one staff event (posts or updates a card). Throws ChannelError with retryAfter on 429. */
  notify(event: StaffEvent): Promise<void>;
}
