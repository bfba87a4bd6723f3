import type { Db } from '../database.js';
import type { LockoutsTable, StagedPasswordsTable } from '../schema.js';

// Login failures, lockouts and staged (not yet confirmed) passwords.

export type LockoutRow = LockoutsTable;
export type StagedPasswordRow = StagedPasswordsTable;

export interface LoginFailure {
  studentId: string;
  channel: string;
  chatId: string;
  at: number;
}

export async function recordLoginFailure(db: Db, failure: LoginFailure): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ student_id: failure.studentId, channel: failure.channel, chat_id: failure.chatId, at: failure.at })
    .execute();
}

/** Failures of `studentId` strictly after `since`. */
export async function countLoginFailuresSince(db: Db, studentId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('student_id', '=', studentId)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearLoginFailures(db: Db, studentId: string): Promise<void> {
  await db.deleteFrom('login_failures').where('student_id', '=', studentId).execute();
}

/** Housekeeping: drops failures at or before `before` (they no longer count); returns how many. */
export async function purgeLoginFailuresBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('login_failures').where('at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function findLockout(db: Db, studentId: string): Promise<LockoutRow | undefined> {
  return db.selectFrom('lockouts').selectAll().where('student_id', '=', studentId).executeTakeFirst();
}

export async function saveLockout(db: Db, lockout: LockoutRow): Promise<void> {
  await db
    .insertInto('lockouts')
    .values(lockout)
    .onConflict((oc) =>
      oc.column('student_id').doUpdateSet({ locked_until: lockout.locked_until, level: lockout.level, updated_at: lockout.updated_at }),
    )
    .execute();
}

export async function deleteLockout(db: Db, studentId: string): Promise<void> {
  await db.deleteFrom('lockouts').where('student_id', '=', studentId).execute();
}

/** Failures typed into one chat (whatever the student ID), for the per-chat challenge rule. */
export async function countChatLoginFailuresSince(db: Db, channel: string, chatId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel', '=', channel)
    .where('chat_id', '=', chatId)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findStagedPassword(db: Db, studentId: string): Promise<StagedPasswordRow | undefined> {
  return db.selectFrom('staged_passwords').selectAll().where('student_id', '=', studentId).executeTakeFirst();
}

/** Replaces any earlier staged password of the student. */
export async function saveStagedPassword(db: Db, staged: StagedPasswordRow): Promise<void> {
  await db
    .insertInto('staged_passwords')
    .values(staged)
    .onConflict((oc) => oc.column('student_id').doUpdateSet({ password_hash: staged.password_hash, created_at: staged.created_at }))
    .execute();
}

export async function deleteStagedPassword(db: Db, studentId: string): Promise<void> {
  await db.deleteFrom('staged_passwords').where('student_id', '=', studentId).execute();
}

/** Housekeeping: drops lockouts that ended at or before `before`; returns how many. */
export async function purgeLockoutsEndedBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('lockouts').where('locked_until', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
