import { inTransaction, type Db } from '../db/database.js';
import {
  clearLoginFailures,
  countLoginFailuresSince,
  deleteStagedPassword,
  deleteLockout,
  findLockout,
  findStagedPassword,
  purgeLockoutsEndedBefore,
  purgeLoginFailuresBefore,
  recordLoginFailure,
  saveLockout,
  saveStagedPassword,
} from '../db/repositories/account.repository.js';
import { findStudentById, updatePassword, updateRecoveryEmail } from '../db/repositories/student.repository.js';
import type { LoginResult, PasswordProblem } from '../engine/events.js';
import { initialPasswordFor, type InitialPasswordSetting } from './initial-password.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkNewPassword } from './password-policy.js';
import { isValidEmail, isValidStudentId } from './student-fields.js';

// Login with lockout, and the two-step password change. Passwords are never logged or stored
// in clear; a staged new password is held only as a hash until it is confirmed.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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
  /** A staged password not confirmed within this time is dropped. */
  stagedPasswordTtlMs?: number;
}

export interface LoginContext {
  channel: string;
  chatId: string;
  now: number;
  /**
   * The student has logged in from this very chat recently (see the login guard's rule): a
   * lockout (which anyone can cause by failing on purpose) does not apply here, so an attacker
   * cannot lock a student out of their own chats. Failures still count.
   */
  trusted?: boolean;
}

export interface Accounts {
  login(studentId: string, password: string, ctx: LoginContext): Promise<LoginResult>;
  verifyPassword(studentId: string, password: string): Promise<boolean>;
  stagePassword(studentId: string, newPassword: string, now: number): Promise<PasswordProblem | null>;
  commitPassword(studentId: string, confirmPassword: string, now: number): Promise<PasswordProblem | null>;
  changeEmail(studentId: string, email: string, now: number): Promise<boolean>;
  /** A password reset proves ownership: the lockout and the failure count end. */
  clearLockout(studentId: string): Promise<void>;
  /** Housekeeping for a scheduler: drops failures and lockouts that no longer matter. */
  purgeExpired(now: number): Promise<void>;
}

export function createAccounts(deps: AccountsDeps): Accounts {
  const {
    db,
    hasher,
    initialPasswordPolicy,
    failureWindowMs = 15 * MINUTE,
    maxFailures = 5,
    lockoutBaseMs = 15 * MINUTE,
    lockoutResetMs = 24 * HOUR,
    stagedPasswordTtlMs = 30 * MINUTE,
  } = deps;

  const lockoutDuration = (level: number): number => lockoutBaseMs * 4 ** (Math.min(level, 3) - 1);

  /** Records a failed attempt and locks the account once the window holds `maxFailures`. */
  const recordFailure = (studentId: string, ctx: LoginContext): Promise<LoginResult> =>
    inTransaction(db, async (tx) => {
      const lock = await findLockout(tx, studentId);
      // A concurrent attempt may have locked the account while we were hashing.
      if (lock && lock.locked_until > ctx.now && !ctx.trusted) return { ok: false, reason: 'locked', until: lock.locked_until };
      await recordLoginFailure(tx, { studentId, channel: ctx.channel, chatId: ctx.chatId, at: ctx.now });
      const failures = await countLoginFailuresSince(tx, studentId, ctx.now - failureWindowMs);
      if (failures < maxFailures) return { ok: false, reason: 'invalid' };
      const level = lock && ctx.now - lock.locked_until < lockoutResetMs ? lock.level + 1 : 1;
      const until = ctx.now + lockoutDuration(level);
      await saveLockout(tx, { student_id: studentId, locked_until: until, level, updated_at: ctx.now });
      // A fresh count after the lockout ends.
      await clearLoginFailures(tx, studentId);
      return { ok: false, reason: 'locked', until };
    });

  return {
    async login(studentIdInput, password, ctx) {
      const studentId = studentIdInput.trim();
      // Malformed IDs cannot exist; they get the same work and answer but leave no rows behind.
      const trackable = isValidStudentId(studentId);
      if (trackable && !ctx.trusted) {
        const lock = await findLockout(db, studentId);
        if (lock && lock.locked_until > ctx.now) {
          await hasher.verifyDummy(password);
          return { ok: false, reason: 'locked', until: lock.locked_until };
        }
      }
      const student = trackable ? await findStudentById(db, studentId) : undefined;
      const verified = student ? await hasher.verify(password, student.password_hash) : await hasher.verifyDummy(password);
      if (!student || !verified) {
        // Unknown IDs count failures and lock too, so a lockout does not reveal that an ID exists.
        return trackable ? recordFailure(studentId, ctx) : { ok: false, reason: 'invalid' };
      }
      await clearLoginFailures(db, student.student_id);
      const initial = initialPasswordFor(initialPasswordPolicy, student);
      const mustChangePassword = student.must_change_password === 1 || (initial !== null && password === initial);
      return { ok: true, studentId: student.student_id, mustChangePassword };
    },

    async clearLockout(studentId) {
      await inTransaction(db, async (tx) => {
        await deleteLockout(tx, studentId);
        await clearLoginFailures(tx, studentId);
      });
    },

    async verifyPassword(studentId, password) {
      const student = await findStudentById(db, studentId);
      if (!student) return hasher.verifyDummy(password);
      return hasher.verify(password, student.password_hash);
    },

    async stagePassword(studentId, newPassword, now) {
      const student = await findStudentById(db, studentId);
      if (!student) throw new Error(`stagePassword: no student ${studentId}`);
      const problem = checkNewPassword(newPassword, {
        studentId: student.student_id,
        initialPassword: initialPasswordFor(initialPasswordPolicy, student),
      });
      if (problem) return problem;
      if (await hasher.verify(newPassword, student.password_hash)) return 'sameAsCurrent';
      const passwordHash = await hasher.hash(newPassword);
      await saveStagedPassword(db, { student_id: studentId, password_hash: passwordHash, created_at: now });
      return null;
    },

    async commitPassword(studentId, confirmPassword, now) {
      const staged = await findStagedPassword(db, studentId);
      if (!staged) return 'mismatch';
      const fresh = now - staged.created_at <= stagedPasswordTtlMs;
      if (!fresh || !(await hasher.verify(confirmPassword, staged.password_hash))) {
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

    async purgeExpired(now) {
      await purgeLoginFailuresBefore(db, now - failureWindowMs);
      await purgeLockoutsEndedBefore(db, now - lockoutResetMs);
    },
  };
}
