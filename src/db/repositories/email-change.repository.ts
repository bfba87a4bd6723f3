import type { Db } from '../database.js';
import type { EmailChangesTable } from '../schema.js';

// A recovery-email change waiting for the code mailed to the new address; one per student.

export type EmailChangeRow = EmailChangesTable;

/** Starts (or restarts, with a fresh code and attempt count) the student's pending change. */
export async function saveEmailChange(db: Db, change: EmailChangeRow): Promise<void> {
  await db
    .insertInto('email_changes')
    .values(change)
    .onConflict((oc) =>
      oc.column('student_id').doUpdateSet({
        new_email: change.new_email,
        code_hash: change.code_hash,
        attempts: change.attempts,
        created_at: change.created_at,
        expires_at: change.expires_at,
      }),
    )
    .execute();
}

export function findEmailChange(db: Db, studentId: string): Promise<EmailChangeRow | undefined> {
  return db.selectFrom('email_changes').selectAll().where('student_id', '=', studentId).executeTakeFirst();
}

/** Adds one failed attempt; returns the new count (0 when there is no pending change). */
export async function addEmailChangeAttempt(db: Db, studentId: string): Promise<number> {
  await db
    .updateTable('email_changes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('student_id', '=', studentId)
    .execute();
  const row = await db.selectFrom('email_changes').select('attempts').where('student_id', '=', studentId).executeTakeFirst();
  return row?.attempts ?? 0;
}

export async function deleteEmailChange(db: Db, studentId: string): Promise<void> {
  await db.deleteFrom('email_changes').where('student_id', '=', studentId).execute();
}

/** Housekeeping: drops changes that expired at or before `before`; returns how many. */
export async function purgeEmailChangesExpiredBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('email_changes').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
