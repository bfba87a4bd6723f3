import type { Db } from '../database.js';
import type { PasswordResetsTable } from '../schema.js';

// Password-reset links, by the SHA-256 of their token. A link is open while unused, not
// voided and not expired.

export interface PasswordResetRow extends Omit<PasswordResetsTable, 'id'> {
  id: number;
}

export interface NewPasswordReset {
  studentId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
}

export async function insertPasswordReset(db: Db, reset: NewPasswordReset): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({
      student_id: reset.studentId,
      token_hash: reset.tokenHash,
      created_at: reset.createdAt,
      expires_at: reset.expiresAt,
      used_at: null,
      voided_at: null,
    })
    .execute();
}

export function findPasswordResetByHash(db: Db, tokenHash: string): Promise<PasswordResetRow | undefined> {
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Links created for `studentId` strictly after `since` (used or not): the rate limit counts sends. */
export async function countPasswordResetsSince(db: Db, studentId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('password_resets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('student_id', '=', studentId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Compare-and-set: marks the link used only if it is still open at `now`; false otherwise. */
export async function markPasswordResetUsed(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Voids every unused, unvoided link of `studentId`; returns how many. */
export async function voidOpenPasswordResets(db: Db, studentId: string, now: number): Promise<number> {
  const result = await db
    .updateTable('password_resets')
    .set({ voided_at: now })
    .where('student_id', '=', studentId)
    .where('used_at', 'is', null)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Housekeeping: drops links that expired at or before `before`; returns how many. */
export async function purgePasswordResetsExpiredBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('password_resets').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
