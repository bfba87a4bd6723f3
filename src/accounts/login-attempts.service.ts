import { inTransaction, type Db, type Tx } from '../db/database.js';
import {
  clearLoginFailures,
  countChatLoginFailuresSince,
  countLoginFailuresSince,
  countSourceLoginFailuresSince,
  countSourceStudentsSince,
  deleteLockout,
  deleteLoginFailure,
  findLockout,
  purgeInitialPasswordLoginsBefore,
  purgeLockoutsEndedBefore,
  purgeLoginFailuresBefore,
  recordInitialPasswordLogin,
  recordLoginFailure,
  reserveLoginFailure,
  saveLockout,
  settleLoginFailure,
} from '../db/repositories/account.repository.js';

// The bookkeeping of login attempts: captcha rules, lockouts, and the limits per source. Every
// attempt writes its failure row *before* the password is hashed (a reservation), in the same
// transaction that checks the rules, so attempts in flight count: six guesses sent at once cannot
// all see a clean slate. A right password deletes its row; the lockout is checked again after the
// hash, so a success that finished after the 学号 was locked is refused like a failure.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface LoginLimits {
  /** Failures (per 学号 or per chat) within the window after which a captcha is required. */
  challengeAfter: number;
  windowMs: number;
  /** Failures of one 学号 within the window that lock it. */
  maxFailures: number;
  /** Level-1 lockout; level 2 is 4×, level 3 and above 16× (15 min, 1 h, 4 h). */
  lockoutBaseMs: number;
  /** A lockout that ended this long ago no longer raises the next one's level. */
  lockoutResetMs: number;
  /** Failures from one source (whatever the 学号) within the window → captcha for that source. */
  sourceChallengeAfter: number;
  /** Distinct 学号 failing or logging in with the initial password from one source → captcha there. */
  sourceMaxStudents: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  challengeAfter: 3,
  windowMs: 15 * MINUTE,
  maxFailures: 5,
  lockoutBaseMs: 15 * MINUTE,
  lockoutResetMs: 24 * HOUR,
  sourceChallengeAfter: 10,
  sourceMaxStudents: 5,
};

export interface AttemptContext {
  channel: string;
  chatId: string;
  now: number;
  /** Who is behind the request beyond this chat (`ip:…`, `telegram:…`); see InboundUpdate.source. */
  source?: string | undefined;
  /** A chat the student logged in from recently: lockouts do not apply (see the login guard). */
  trusted?: boolean | undefined;
  /** Whether a captcha was solved right before this try; omitted: no captcha rule (the guard always passes it). */
  challengeSolved?: boolean | undefined;
}

export type Reservation =
  | { kind: 'reserved'; id: number }
  | { kind: 'locked'; until: number }
  | { kind: 'challenge' }
  /** As many attempts on this 学号 in flight as would lock it: wait for their answers. */
  | { kind: 'busy'; retryAfterMs: number };

const IN_FLIGHT_RETRY_MS = 5_000;

export function createLoginAttempts(db: Db, limits: Partial<LoginLimits> = {}) {
  const l: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  const lockoutDuration = (level: number): number => l.lockoutBaseMs * 4 ** (Math.min(level, 3) - 1);

  async function activeLock(tx: Tx, studentId: string, ctx: AttemptContext): Promise<number | null> {
    if (ctx.trusted) return null;
    const lock = await findLockout(tx, studentId);
    return lock && lock.locked_until > ctx.now ? lock.locked_until : null;
  }

  async function challengeDue(tx: Tx, studentId: string, ctx: AttemptContext): Promise<boolean> {
    const since = ctx.now - l.windowMs;
    if ((await countLoginFailuresSince(tx, studentId, since)) >= l.challengeAfter) return true;
    if ((await countChatLoginFailuresSince(tx, ctx.channel, ctx.chatId, since)) >= l.challengeAfter) return true;
    if (ctx.source === undefined) return false;
    if ((await countSourceLoginFailuresSince(tx, ctx.source, since)) >= l.sourceChallengeAfter) return true;
    return (await countSourceStudentsSince(tx, ctx.source, since)) >= l.sourceMaxStudents;
  }

  /** After a failure is on record: locks the 学号 once the window holds `maxFailures`. */
  async function lockIfDue(tx: Tx, studentId: string, ctx: AttemptContext): Promise<number | null> {
    const failures = await countLoginFailuresSince(tx, studentId, ctx.now - l.windowMs);
    if (failures < l.maxFailures) return null;
    const lock = await findLockout(tx, studentId);
    const level = lock && ctx.now - lock.locked_until < l.lockoutResetMs ? lock.level + 1 : 1;
    const until = ctx.now + lockoutDuration(level);
    await saveLockout(tx, { student_id: studentId, locked_until: until, level, updated_at: ctx.now });
    // A fresh count after the lockout ends; attempts still in flight keep their rows.
    await clearLoginFailures(tx, studentId, true);
    return until;
  }

  const where = (studentId: string, ctx: AttemptContext) => ({ studentId, channel: ctx.channel, chatId: ctx.chatId, at: ctx.now, source: ctx.source });

  return {
    limits: l,

    /** Checks lock and captcha rules and, when the try may go ahead, reserves its failure row. */
    reserve(studentId: string, ctx: AttemptContext): Promise<Reservation> {
      return inTransaction(db, async (tx) => {
        const until = await activeLock(tx, studentId, ctx);
        if (until !== null) return { kind: 'locked', until };
        if (ctx.challengeSolved === false && (await challengeDue(tx, studentId, ctx))) return { kind: 'challenge' };
        if (!ctx.trusted && (await countLoginFailuresSince(tx, studentId, ctx.now - l.windowMs)) >= l.maxFailures) {
          return { kind: 'busy', retryAfterMs: IN_FLIGHT_RETRY_MS };
        }
        return { kind: 'reserved', id: await reserveLoginFailure(tx, where(studentId, ctx)) };
      });
    },

    /** The reserved try was wrong: its row stays as a failure. Returns the lock's end when locked. */
    fail(id: number, studentId: string, ctx: AttemptContext): Promise<number | null> {
      return inTransaction(db, async (tx) => {
        await settleLoginFailure(tx, id);
        // A concurrent attempt may have locked the 学号 while we were hashing.
        return (await activeLock(tx, studentId, ctx)) ?? (await lockIfDue(tx, studentId, ctx));
      });
    },

    /** A failure without a reservation (a wrong proof of identity). Returns the lock's end when locked. */
    recordFailure(studentId: string, ctx: AttemptContext): Promise<number | null> {
      return inTransaction(db, async (tx) => {
        await recordLoginFailure(tx, where(studentId, ctx));
        return (await activeLock(tx, studentId, ctx)) ?? (await lockIfDue(tx, studentId, ctx));
      });
    },

    /**
     * The reserved try was right. Refused (its row kept as a failure) when the 学号 was locked
     * meanwhile. `complete`: the login is done (no proof of identity still to come), so the
     * failure count starts afresh. `initial`: the initial password was used (counted per source).
     */
    succeed(id: number, studentId: string, ctx: AttemptContext, opts: { complete: boolean; initial: boolean }): Promise<number | null> {
      return inTransaction(db, async (tx) => {
        const until = await activeLock(tx, studentId, ctx);
        if (until !== null) {
          await settleLoginFailure(tx, id);
          return until;
        }
        await deleteLoginFailure(tx, id);
        if (opts.complete) await clearLoginFailures(tx, studentId, true);
        if (opts.initial && ctx.source !== undefined) await recordInitialPasswordLogin(tx, ctx.source, studentId, ctx.now);
        return null;
      });
    },

    /** A login finished another way (a proof of identity): refused when locked, else the count starts afresh. */
    complete(studentId: string, ctx: AttemptContext): Promise<number | null> {
      return inTransaction(db, async (tx) => {
        const until = await activeLock(tx, studentId, ctx);
        if (until === null) await clearLoginFailures(tx, studentId, true);
        return until;
      });
    },

    /** The reserved try was never checked (the queue was full): it does not count. */
    release(id: number): Promise<void> {
      return deleteLoginFailure(db, id);
    },

    /** Whether the next try in this chat for this 学号 needs a captcha. */
    challengeDue(studentId: string, ctx: AttemptContext): Promise<boolean> {
      return challengeDue(db, studentId, ctx);
    },

    /** A password reset proves ownership: the lockout and the failure count end. */
    async clear(studentId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        await deleteLockout(tx, studentId);
        await clearLoginFailures(tx, studentId);
      });
    },

    async purgeExpired(now: number): Promise<void> {
      await purgeLoginFailuresBefore(db, now - l.windowMs);
      await purgeInitialPasswordLoginsBefore(db, now - l.windowMs);
      await purgeLockoutsEndedBefore(db, now - l.lockoutResetMs);
    },
  };
}

export type LoginAttempts = ReturnType<typeof createLoginAttempts>;
