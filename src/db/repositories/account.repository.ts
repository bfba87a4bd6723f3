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
  source?: string | undefined;
}

/** A settled failure. */
export async function recordLoginFailure(db: Db, failure: LoginFailure): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ student_id: failure.studentId, channel: failure.channel, chat_id: failure.chatId, at: failure.at, source: failure.source ?? null })
    .execute();
}

/**
 * A failure written before the password is checked (`pending`): it counts at once, so attempts in
 * flight cannot each see a clean slate. Returns its id, to settle or delete once the hash answers.
 */
export async function reserveLoginFailure(db: Db, failure: LoginFailure): Promise<number> {
  const row = await db
    .insertInto('login_failures')
    .values({ student_id: failure.studentId, channel: failure.channel, chat_id: failure.chatId, at: failure.at, source: failure.source ?? null, pending: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The reserved attempt failed: it stays, as an ordinary failure. */
export async function settleLoginFailure(db: Db, id: number): Promise<void> {
  await db.updateTable('login_failures').set({ pending: 0 }).where('id', '=', id).execute();
}

/** The reserved attempt did not fail (right password, or never checked). */
export async function deleteLoginFailure(db: Db, id: number): Promise<void> {
  await db.deleteFrom('login_failures').where('id', '=', id).execute();
}

/** Failures (settled and in flight) from one source strictly after `since`. */
export async function countSourceLoginFailuresSince(db: Db, source: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source', '=', source)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Distinct 学号 that failed, or logged in with the initial password, from one source after `since`. */
export async function countSourceStudentsSince(db: Db, source: string, since: number): Promise<number> {
  const failed = await db.selectFrom('login_failures').select('student_id').distinct().where('source', '=', source).where('at', '>', since).execute();
  const initial = await db
    .selectFrom('initial_password_logins')
    .select('student_id')
    .distinct()
    .where('source', '=', source)
    .where('at', '>', since)
    .execute();
  return new Set([...failed, ...initial].map((r) => r.student_id)).size;
}

export async function recordInitialPasswordLogin(db: Db, source: string, studentId: string, at: number): Promise<void> {
  await db.insertInto('initial_password_logins').values({ source, student_id: studentId, at }).execute();
}

/** Housekeeping: drops initial-password logins at or before `before`; returns how many. */
export async function purgeInitialPasswordLoginsBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('initial_password_logins').where('at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
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

/** `settledOnly`: attempts still in flight stay (they are someone else's, and must still count). */
export async function clearLoginFailures(db: Db, studentId: string, settledOnly = false): Promise<void> {
  let query = db.deleteFrom('login_failures').where('student_id', '=', studentId);
  if (settledOnly) query = query.where('pending', '=', 0);
  await query.execute();
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
