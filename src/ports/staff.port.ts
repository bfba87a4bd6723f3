// What the core tells the finance office. Queued in the outbox (kind `staff`) in the same transaction
// as the fact it reports, so a crash cannot lose a ticket or a held credit; the staff channel (Slack)
// registers the handler. Without a staff channel the entries are marked done and nothing is sent.

export type StaffEvent =
  | { kind: 'ticket.opened'; reportId: number }
  | { kind: 'credit.held'; creditId: number }
  | { kind: 'deferral.requested'; deferralId: number }
  | { kind: 'dunning.escalated'; runId: number }
  | { kind: 'dunning.summary'; runId: number }
  | { kind: 'reconcile.differences'; date: string };

export interface StaffNotifier {
  /** Delivers one staff event (posts or updates a card). Throws ChannelError with retryAfter on 429. */
  notify(event: StaffEvent): Promise<void>;
}
