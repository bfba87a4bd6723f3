// What the core tells the finance office. Queued in the outbox (kind `staff`) in the same transaction
// as the fact it reports, so a crash cannot lose a ticket or a held credit; the staff channel (Slack)
// registers the handler. Without a staff channel the entries are marked done and nothing is sent.

export type StaffEvent =
  | { kind: 'ticket.opened'; reportId: number }
  | { kind: 'credit.held'; creditId: number }
  | { kind: 'deferral.requested'; deferralId: number }
  /**
   * Students handed to staff by dunning run `runId`, one event per run: the card lists
   * listRunEscalations(db, runId) (src/db/repositories/dunning-escalation.repository.ts):
   * `{ studentId, college, reminders, total (fen) }[]`, ordered by college then 学号.
   */
  | { kind: 'dunning.escalated'; runId: number }
  /**
   * A dunning run is over: findDunningRun(db, runId).summary (src/db/repositories/dunning-run.repository.ts)
   * is a DunningSummary (src/dunning/dunning-service.ts): `{ runId, runDate, planned, sent, failed,
   * escalated, skipped: { reason: count } }`; reasons deferral, liveOrder, optedOut, noChannel, capDay,
   * capWeek, escalated (planning) and paid, optedOut (send time).
   */
  | { kind: 'dunning.summary'; runId: number }
  | { kind: 'reconcile.differences'; date: string };

export interface StaffNotifier {
  /** Delivers one staff event (posts or updates a card). Throws ChannelError with retryAfter on 429. */
  notify(event: StaffEvent): Promise<void>;
}
