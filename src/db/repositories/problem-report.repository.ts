import { inTransaction, type Db } from '../database.js';
import { enqueueStaffEvent } from './outbox.repository.js';

export type TicketStatus = 'open' | 'claimed' | 'resolved';

export interface ProblemReportRow {
  id: number;
  student_id: string;
  order_id: string | null;
  channel: string;
  chat_id: string;
  description: string;
  status: string;
  created_at: number;
  claimed_by: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  replies: number;
}

export type ProblemReportInsert = Pick<ProblemReportRow, 'student_id' | 'order_id' | 'channel' | 'chat_id' | 'description' | 'created_at'>;

/** The report and its staff ticket (outbox kind `staff`) are committed together. */
export async function insertProblemReport(db: Db, report: ProblemReportInsert): Promise<number> {
  return inTransaction(db, async (tx) => {
    const row = await tx.insertInto('problem_reports').values(report).returning('id').executeTakeFirstOrThrow();
    const reportId = Number(row.id);
    await enqueueStaffEvent(tx, { kind: 'ticket.opened', reportId }, report.created_at);
    return reportId;
  });
}

export async function findProblemReport(db: Db, id: number): Promise<ProblemReportRow | null> {
  const row = await db.selectFrom('problem_reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...row, id: Number(row.id), created_at: Number(row.created_at), replies: Number(row.replies) } : null;
}

export async function listProblemReports(db: Db, filter: { studentId?: string; status?: string } = {}): Promise<ProblemReportRow[]> {
  let query = db.selectFrom('problem_reports').selectAll();
  if (filter.studentId !== undefined) query = query.where('student_id', '=', filter.studentId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('id', 'asc').execute();
  return rows.map((row) => ({ ...row, id: Number(row.id), created_at: Number(row.created_at), replies: Number(row.replies) }));
}

export type TicketChange =
  | { kind: 'claim'; by: string }
  | { kind: 'reply' }
  | { kind: 'resolve'; by: string; note: string };

/**
 * Applies a staff action to a ticket and queues its card's refresh (chat.update) in the same
 * transaction. False when the ticket does not exist or is already resolved (nothing changes).
 */
export async function changeTicket(db: Db, id: number, change: TicketChange, now: number): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    let query = tx.updateTable('problem_reports').where('id', '=', id).where('status', '!=', 'resolved');
    switch (change.kind) {
      case 'claim':
        query = query.set({ status: 'claimed', claimed_by: change.by });
        break;
      case 'reply':
        query = query.set((eb) => ({ replies: eb('replies', '+', 1) }));
        break;
      case 'resolve':
        query = query.set({ status: 'resolved', resolved_by: change.by, resolution_note: change.note });
        break;
    }
    const result = await query.executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await enqueueStaffEvent(tx, { kind: 'ticket.opened', reportId: id }, now);
    return true;
  });
}
