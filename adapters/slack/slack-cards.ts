import type { Db } from '../../src/db/database.js';
import { findProblemReport } from '../../src/db/repositories/problem-report.repository.js';
import { findDeferral } from '../../src/db/repositories/deferral.repository.js';
import { listHeldCreditRows } from '../../src/db/repositories/refund.repository.js';
import { findStaffStudent, latestStaffAction } from '../../src/db/repositories/staff-view.repository.js';
import type { Ledger } from '../../src/ledger/index.js';
import { findReconcileReport } from '../../src/db/repositories/checkout.repository.js';
import type { ReconcileReport } from '../../src/runtime/daily-reconcile.js';
import type { DunningReads } from '../../src/ports/dunning-reads.port.js';
import { dunningEscalatedCard, dunningSummaryCard, reconcileCard, summaryCardData } from './slack-render-reports.js';
import { deferralCard, creditCard, ticketCard, type SlackMessage, type TicketCardData } from './slack-render.js';

/** Builds each staff card from the database as it is now, so a re-post or an update shows the current state. */
export interface CardLoader {
  ticket(id: number): Promise<SlackMessage | null>;
  credit(id: number): Promise<SlackMessage | null>;
  deferral(id: number): Promise<SlackMessage | null>;
  /** The saved reconciliation report of a day, with what to do about each difference. */
  reconcile(date: string): Promise<SlackMessage | null>;
  /** A finished reminder run's summary; null if unknown, unfinished, or reminders are not wired. */
  dunningSummary(runId: number): Promise<SlackMessage | null>;
  /** The students a run escalated, as one list; null when none. */
  dunningEscalated(runId: number): Promise<SlackMessage | null>;
}

export function createCardLoader(deps: { db: Db; ledger: Ledger; timezone: string; dunningRuns?: DunningReads | undefined }): CardLoader {
  const { db, ledger, timezone, dunningRuns: dunning } = deps;
  return {
    async dunningSummary(runId) {
      const run = dunning ? await dunning.findRun(runId) : null;
      const data = run ? summaryCardData(run) : null;
      return data ? dunningSummaryCard(data, timezone) : null;
    },
    async dunningEscalated(runId) {
      const rows = dunning ? await dunning.listEscalations(runId) : [];
      if (rows.length === 0) return null;
      // Names for the list (at most the first 100 are shown; their records are small).
      const named = await Promise.all(
        rows.map(async (r, i) => ({ studentId: r.studentId, name: i < 100 ? ((await findStaffStudent(db, r.studentId))?.name ?? null) : null, college: r.college, total: r.total, reminders: r.reminders })),
      );
      return dunningEscalatedCard(runId, named);
    },
    async ticket(id) {
      const report = await findProblemReport(db, id);
      if (!report) return null;
      const order = report.order_id ? await ledger.getOrder(report.order_id) : null;
      const data: TicketCardData = {
        id: report.id,
        status: report.status as TicketCardData['status'],
        student: await findStaffStudent(db, report.student_id),
        studentId: report.student_id,
        channel: report.channel,
        description: report.description,
        createdAt: report.created_at,
        order: order ? { id: order.id, total: order.total, status: order.status, gateway: order.gateway } : null,
        claimedBy: report.claimed_by,
        resolvedBy: report.resolved_by,
        resolutionNote: report.resolution_note,
        replies: report.replies,
      };
      return ticketCard(data, timezone);
    },
    async deferral(id) {
      const d = await findDeferral(db, id);
      if (!d) return null;
      const facts = await ledger.loadFacts(d.studentId, d.createdAt);
      const items = d.itemIds.map((itemId) => {
        const item = facts.items.find((i) => i.id === itemId);
        return { label: item ? `${item.feePeriod} ${item.name}` : `#${itemId}`, arrears: item ? item.amountDue - item.amountPaid : 0 };
      });
      return deferralCard({ ...d, student: facts.student, items }, timezone);
    },
    async reconcile(date) {
      const row = await findReconcileReport(db, date);
      if (!row) return null;
      const report = JSON.parse(row.report_json) as ReconcileReport;
      return reconcileCard(report);
    },
    async credit(id) {
      const [credit] = await listHeldCreditRows(db, { creditId: id });
      if (!credit) return null;
      const student = await findStaffStudent(db, credit.student_id);
      const last = await latestStaffAction(db, `credit:${id}`);
      return creditCard(
        {
          id: credit.id,
          studentId: credit.student_id,
          studentName: student?.name ?? null,
          amount: credit.amount,
          openAmount: credit.amount - credit.offset - credit.refunding - credit.refunded,
          offsetAmount: credit.offset,
          refundingAmount: credit.refunding,
          refundedAmount: credit.refunded,
          reason: credit.reason,
          orderId: credit.order_id,
          transactionId: credit.transaction_id,
          gateway: credit.gateway,
          createdAt: credit.created_at,
          outcome: last ? { action: last.action, by: last.staffEmail, note: last.detail } : null,
        },
        timezone,
      );
    },
  };
}
