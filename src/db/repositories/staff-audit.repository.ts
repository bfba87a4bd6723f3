import type { Db } from '../database.js';

export interface StaffAuditEntry {
  staffEmail: string;
  slackUserId: string;
  action: string;
  studentId: string | null;
  subject: string | null;
  detail: string | null;
  at: number;
}

export async function insertStaffAudit(db: Db, entry: StaffAuditEntry): Promise<void> {
  await db
    .insertInto('staff_audit')
    .values({
      staff_email: entry.staffEmail,
      slack_user_id: entry.slackUserId,
      action: entry.action,
      student_id: entry.studentId,
      subject: entry.subject,
      detail: entry.detail === null ? null : entry.detail.slice(0, 500),
      at: entry.at,
    })
    .execute();
}

/** Newest first. */
export async function listStaffAudit(db: Db, limit: number): Promise<StaffAuditEntry[]> {
  const rows = await db.selectFrom('staff_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    staffEmail: r.staff_email,
    slackUserId: r.slack_user_id,
    action: r.action,
    studentId: r.student_id,
    subject: r.subject,
    detail: r.detail,
    at: Number(r.at),
  }));
}
