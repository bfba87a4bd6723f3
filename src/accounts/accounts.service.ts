import { inTransaction, type Db } from '../db/database.js';
import { deleteStagedPassword, findStagedPassword, saveStagedPassword } from '../db/repositories/account.repository.js';
import { findStudentById, updatePassword, updateRecoveryEmail } from '../db/repositories/student.repository.js';
import type { LoginResult, PasswordProblem } from '../engine/events.js';
import { QueueFullError } from './fair-queue.js';
import { initialPasswordFor, parseInitialPasswordPolicy, type InitialPasswordSetting } from './initial-password.js';
import { createLoginAttempts, type AttemptContext, type LoginAttempts, type LoginLimits } from './login-attempts.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkNewPassword } from './password-policy.js';
import { isValidEmail, isValidStudentId } from './student-fields.js';

// Login with lockout, and the two-step password change. Passwords are never logged or stored
// in clear; a staged new password is held only as a hash until it is confirmed.

const MINUTE = 60_000;

export interface AccountsDeps {
  db: Db;
  hasher: PasswordHasher;
  initialPasswordPolicy: InitialPasswordSetting;
  /** Failures older than this no longer count. */
  failureWindowMs?: number;
  maxFailures?: number;
  /** Level-1 lockout; level 2 is 4×, level 3 and above 16× (15 min, 1 h, 4 h). */
  lockoutBaseMs?: number;
  /** A lockout that ended this long ago no longer raises the next one's level. */
  lockoutResetMs?: number;
  /** Captcha, lockout and per-source limits beyond the four above. */
  limits?: Partial<LoginLimits>;
  /** A staged password not confirmed within this time is dropped. */
  stagedPasswordTtlMs?: number;
}

/**
 * Where a login comes from (see AttemptContext). `trusted`: the student has logged in from this
 * very chat recently (see the login guard's rule): a lockout (which anyone can cause by failing
 * on purpose) does not apply here, so an attacker cannot lock a student out of their own chats.
 * Failures still count.
 */
export type LoginContext = AttemptContext;

/** What Accounts.login answers; the login guard adds the captcha picture and the proof of identity. */
export type AccountLoginResult =
  | Exclude<LoginResult, { ok: true } | { reason: 'challenge' }>
  | { ok: false; reason: 'challenge' }
  /** `needsProof`: the fixed initial password was used; the login is not complete before a proof. */
  | { ok: true; studentId: string; mustChangePassword: boolean; needsProof?: true };

export interface Accounts {
  login(studentId: string, password: string, ctx: LoginContext): Promise<AccountLoginResult>;
  /** `source`: who asked, for the fair password-check queue (may throw QueueFullError). */
  verifyPassword(studentId: string, password: string, source?: string): Promise<boolean>;
  stagePassword(studentId: string, newPassword: string, now: number, source?: string): Promise<PasswordProblem | null>;
  commitPassword(studentId: string, confirmPassword: string, now: number, source?: string): Promise<PasswordProblem | null>;
  changeEmail(studentId: string, email: string, now: number): Promise<boolean>;
  /** A password reset proves ownership: the lockout and the failure count end. */
  clearLockout(studentId: string): Promise<void>;
  /** Housekeeping for a scheduler: drops failures and lockouts that no longer matter. */
  purgeExpired(now: number): Promise<void>;
  /** The attempt bookkeeping (captcha rules, lockouts, per-source limits), shared with the guard. */
  attempts: LoginAttempts;
}

const busy = (error: QueueFullError): AccountLoginResult => ({ ok: false, reason: 'busy', retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) });

export function createAccounts(deps: AccountsDeps): Accounts {
  const { db, hasher, initialPasswordPolicy, stagedPasswordTtlMs = 30 * MINUTE } = deps;
  const attempts = createLoginAttempts(db, {
    ...deps.limits,
    ...(deps.failureWindowMs !== undefined ? { windowMs: deps.failureWindowMs } : {}),
    ...(deps.maxFailures !== undefined ? { maxFailures: deps.maxFailures } : {}),
    ...(deps.lockoutBaseMs !== undefined ? { lockoutBaseMs: deps.lockoutBaseMs } : {}),
    ...(deps.lockoutResetMs !== undefined ? { lockoutResetMs: deps.lockoutResetMs } : {}),
  });
  const fixedInitial = parseInitialPasswordPolicy(initialPasswordPolicy).kind === 'fixed';

  /** The work of a check that is refused anyway, so the answer's timing tells nothing. */
  const dummyWork = async (password: string, lane: string): Promise<void> => {
    await hasher.verifyDummy(password, lane).catch((error: unknown) => {
      if (!(error instanceof QueueFullError)) throw error;
    });
  };

  return {
    attempts,

    async login(studentIdInput, password, ctx) {
      const studentId = studentIdInput.trim();
      // The password-check queue is shared fairly per source; without one, per chat.
      const lane = ctx.source ?? `chat:${ctx.channel}:${ctx.chatId}`;
      // Malformed IDs cannot exist; they get the same work and answer but leave no rows behind.
      if (!isValidStudentId(studentId)) {
        try {
          await hasher.verifyDummy(password, lane);
        } catch (error) {
          if (error instanceof QueueFullError) return busy(error);
          throw error;
        }
        return { ok: false, reason: 'invalid' };
      }
      const reservation = await attempts.reserve(studentId, ctx);
      switch (reservation.kind) {
        case 'locked':
          await dummyWork(password, lane);
          return { ok: false, reason: 'locked', until: reservation.until };
        case 'challenge':
          return { ok: false, reason: 'challenge' };
        case 'busy':
          return { ok: false, reason: 'busy', retryAfterSeconds: Math.ceil(reservation.retryAfterMs / 1000) };
        case 'reserved':
          break;
      }
      const id = reservation.id;
      let student;
      let verified: boolean;
      try {
        student = await findStudentById(db, studentId);
        verified = student ? await hasher.verify(password, student.password_hash, lane) : await hasher.verifyDummy(password, lane);
      } catch (error) {
        // Never checked: the reservation must not count as a failure.
        await attempts.release(id);
        if (error instanceof QueueFullError) return busy(error);
        throw error;
      }
      if (!student || !verified) {
        // Unknown IDs count failures and lock too, so a lockout does not reveal that an ID exists.
        const until = await attempts.fail(id, studentId, ctx);
        return until === null ? { ok: false, reason: 'invalid' } : { ok: false, reason: 'locked', until };
      }
      const initial = initialPasswordFor(initialPasswordPolicy, student);
      const usedInitial = initial !== null && password === initial;
      // A fixed initial password is known to everyone: it proves nothing on its own.
      const needsProof = usedInitial && fixedInitial;
      const until = await attempts.succeed(id, student.student_id, ctx, { complete: !needsProof, initial: usedInitial });
      if (until !== null) return { ok: false, reason: 'locked', until };
      const mustChangePassword = student.must_change_password === 1 || usedInitial;
      return { ok: true, studentId: student.student_id, mustChangePassword, ...(needsProof ? { needsProof: true as const } : {}) };
    },

    clearLockout: (studentId) => attempts.clear(studentId),

    async verifyPassword(studentId, password, source) {
      const student = await findStudentById(db, studentId);
      if (!student) return hasher.verifyDummy(password, source);
      return hasher.verify(password, student.password_hash, source);
    },

    async stagePassword(studentId, newPassword, now, source) {
      const student = await findStudentById(db, studentId);
      if (!student) throw new Error(`stagePassword: no student ${studentId}`);
      const problem = checkNewPassword(newPassword, {
        studentId: student.student_id,
        initialPassword: initialPasswordFor(initialPasswordPolicy, student),
      });
      if (problem) return problem;
      if (await hasher.verify(newPassword, student.password_hash, source)) return 'sameAsCurrent';
      const passwordHash = await hasher.hash(newPassword, source);
      await saveStagedPassword(db, { student_id: studentId, password_hash: passwordHash, created_at: now });
      return null;
    },

    async commitPassword(studentId, confirmPassword, now, source) {
      const staged = await findStagedPassword(db, studentId);
      if (!staged) return 'mismatch';
      const fresh = now - staged.created_at <= stagedPasswordTtlMs;
      if (!fresh || !(await hasher.verify(confirmPassword, staged.password_hash, source))) {
        await deleteStagedPassword(db, studentId);
        return 'mismatch';
      }
      return inTransaction(db, async (tx) => {
        // Commit exactly the hash we verified, not one a concurrent stage slipped in meanwhile.
        const current = await findStagedPassword(tx, studentId);
        if (current?.password_hash !== staged.password_hash) return 'mismatch';
        await updatePassword(tx, studentId, staged.password_hash, now);
        await deleteStagedPassword(tx, studentId);
        return null;
      });
    },

    async changeEmail(studentId, email, now) {
      const address = email.trim();
      if (!isValidEmail(address)) return false;
      return updateRecoveryEmail(db, studentId, address, now);
    },

    purgeExpired: (now) => attempts.purgeExpired(now),
  };
}
