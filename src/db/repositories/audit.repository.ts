import type { Db } from '../database.js';
import type { AuditLogTable } from '../schema.js';

// The security audit trail: who did what, on which channel and chat, when. Never secrets.

export interface AuditRow extends Omit<AuditLogTable, 'id'> {
  id: number;
}

export interface NewAuditEntry {
  studentId: string | null;
  event: string;
  channel: string;
  chatId: string;
  detail: string | null;
  at: number;
}

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      student_id: entry.studentId,
      event: entry.event,
      channel: entry.channel,
      chat_id: entry.chatId,
      detail: entry.detail,
      at: entry.at,
    })
    .execute();
}

/** The newest `limit` entries of `studentId`, newest first. */
export function listAuditEntriesForStudent(db: Db, studentId: string, limit: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('student_id', '=', studentId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** How many `event` entries `studentId` has strictly after `since`. */
export async function countAuditEventsSince(db: Db, studentId: string, event: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('student_id', '=', studentId)
    .where('event', '=', event)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Housekeeping for a retention policy: drops entries at or before `before`; returns how many. */
export async function purgeAuditEntriesBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Whether the student logged in from this chat at or after `since` and since their last password
 * change or reset (a "known" chat for the lockout rule).
 */
export async function hasLoggedInFrom(db: Db, studentId: string, channel: string, chatId: string, since: number): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .innerJoin('students', 'students.student_id', 'audit_log.student_id')
    .select('audit_log.id')
    .where('audit_log.student_id', '=', studentId)
    .where('audit_log.event', '=', 'login.ok')
    .where('audit_log.channel', '=', channel)
    .where('audit_log.chat_id', '=', chatId)
    .where('audit_log.at', '>=', since)
    .where((eb) => eb.or([eb('students.password_changed_at', 'is', null), eb('audit_log.at', '>=', eb.ref('students.password_changed_at'))]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
