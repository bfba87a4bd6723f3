import type { Branding } from '../branding.js';
import { inTransaction, type Db } from '../db/database.js';
import {
  countPasswordResetsSince,
  findPasswordResetByHash,
  insertPasswordReset,
  markPasswordResetUsed,
  purgePasswordResetsExpiredBefore,
  voidOpenPasswordResets,
  type PasswordResetRow,
} from '../db/repositories/password-reset.repository.js';
import { findStudentById, updatePassword } from '../db/repositories/student.repository.js';
import type { PasswordProblem } from '../engine/events.js';
import type { Lang } from '../engine/state.js';
import type { Logger } from '../logger.js';
import { resetPasswordMail } from '../mail/mail-templates.js';
import type { Mailer } from '../mail/mailer.port.js';
import { requestMessageId } from '../mail/message-id.js';
import type { Audit } from './audit.service.js';
import { initialPasswordFor, type InitialPasswordSetting } from './initial-password.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkNewPassword } from './password-policy.js';
import { hashToken, newUrlToken } from './secret-hash.js';
import { isValidStudentId } from './student-fields.js';

// 【忘记密码】: a single-use link mailed to the recovery address. The token is 32 random bytes,
// stored only as its SHA-256, valid for 30 minutes, void after use and after any password change.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 32 bytes in base64url. */
export const RESET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Where a reset is used: the page, not a chat. */
export const RESET_PAGE_CONTEXT = { channel: 'reset-page', chatId: '-' } as const;

export interface ResetContext {
  channel: string;
  chatId: string;
  /** The outbox entry asking for the mail (see requestMessageId). */
  requestKey?: string;
}

export interface PasswordResetDeps {
  db: Db;
  hasher: PasswordHasher;
  mailer: Mailer;
  /** Links are built from this, never from a request's Host header. */
  publicBaseUrl: string;
  initialPasswordPolicy: InitialPasswordSetting;
  clock?: () => number;
  ttlMs?: number;
  /** Reset mails per student per rolling hour. */
  maxPerHour?: number;
  logger: Logger;
  audit: Audit;
  /** Called after a reset sets a new password, e.g. to end the student's other sessions. */
  onPasswordChanged?: (studentId: string) => Promise<void>;
  /** UNIVERSITY_NAME and the finance office, in mail subjects and signatures (default: the demo's). */
  branding?: Branding;
}

export type ConsumeResult = { ok: true; studentId: string } | { ok: false; problem: PasswordProblem | 'invalidToken' };

export interface PasswordResets {
  /** Always resolves the same way; mails a link only to a known student with an e-mail, under the rate limit. */
  request(studentId: string, lang: Lang, ctx: ResetContext): Promise<void>;
  inspect(token: string): Promise<{ ok: true; studentId: string } | { ok: false }>;
  consume(token: string, newPassword: string, confirmPassword: string, ctx?: ResetContext): Promise<ConsumeResult>;
  /** Voids every open link of the student; call after any password change. Returns how many. */
  voidAllFor(studentId: string, now: number): Promise<number>;
  /** Resolves when every mail started by `request` has been handed over (or failed and been logged). */
  idle(): Promise<void>;
  /** Housekeeping: drops links expired more than a day ago. */
  purgeExpired(now: number): Promise<void>;
}

export function createPasswordResets(deps: PasswordResetDeps): PasswordResets {
  const { db, hasher, mailer, initialPasswordPolicy, logger, audit, clock = Date.now, ttlMs = 30 * MINUTE, maxPerHour = 3 } = deps;
  const baseUrl = deps.publicBaseUrl.replace(/\/+$/, '');
  const sending = new Set<Promise<void>>();

  const openReset = async (token: string, now: number): Promise<PasswordResetRow | null> => {
    if (!RESET_TOKEN_PATTERN.test(token)) return null;
    const row = await findPasswordResetByHash(db, hashToken(token));
    if (!row || row.used_at !== null || row.voided_at !== null || row.expires_at <= now) return null;
    return row;
  };

  /** Creates a link unless the student already had `maxPerHour` in the last hour. */
  const issueToken = (studentId: string, now: number): Promise<string | null> =>
    inTransaction(db, async (tx) => {
      if ((await countPasswordResetsSince(tx, studentId, now - HOUR)) >= maxPerHour) return null;
      const token = newUrlToken(32);
      await insertPasswordReset(tx, { studentId, tokenHash: hashToken(token), createdAt: now, expiresAt: now + ttlMs });
      return token;
    });

  // The mail goes out in the background so that the answer takes the same time whether or not
  // a mail is sent: the timing must not reveal which student IDs exist or have an e-mail.
  const sendInBackground = (studentId: string, send: () => Promise<void>): void => {
    const job = send()
      .catch((error: unknown) => {
        logger.error({ studentId, err: error instanceof Error ? error.message : String(error) }, 'password reset mail failed');
      })
      .finally(() => sending.delete(job));
    sending.add(job);
  };

  return {
    async request(studentIdInput, lang, ctx) {
      const now = clock();
      const studentId = studentIdInput.trim();
      const student = isValidStudentId(studentId) ? await findStudentById(db, studentId) : undefined;
      let outcome: 'sent' | 'unknownStudent' | 'noEmail' | 'rateLimited';
      let token: string | null = null;
      if (!student) outcome = 'unknownStudent';
      else if (!student.recovery_email) outcome = 'noEmail';
      else {
        token = await issueToken(student.student_id, now);
        outcome = token ? 'sent' : 'rateLimited';
      }
      await audit.record({ studentId: student?.student_id ?? null, event: 'reset.requested', channel: ctx.channel, chatId: ctx.chatId, detail: outcome });
      logger.info({ studentId: student?.student_id ?? null, outcome, channel: ctx.channel }, 'password reset requested');
      const to = student?.recovery_email;
      if (!student || !to || !token) return;
      const link = `${baseUrl}/reset-password?token=${token}`;
      const mail = resetPasswordMail(lang, { name: student.name, studentId: student.student_id, link, ttlMinutes: Math.round(ttlMs / MINUTE) }, deps.branding);
      const messageId = ctx.requestKey ? requestMessageId('reset', `${ctx.requestKey}:${student.student_id}`, baseUrl) : undefined;
      sendInBackground(student.student_id, () => mailer.send({ to, ...mail, ...(messageId ? { messageId } : {}) }));
    },

    async inspect(token) {
      const row = await openReset(token, clock());
      return row ? { ok: true, studentId: row.student_id } : { ok: false };
    },

    async consume(token, newPassword, confirmPassword, ctx = RESET_PAGE_CONTEXT) {
      const now = clock();
      const row = await openReset(token, now);
      const student = row ? await findStudentById(db, row.student_id) : undefined;
      if (!row || !student) return { ok: false, problem: 'invalidToken' };
      const studentId = student.student_id;
      const problem = checkNewPassword(newPassword, {
        studentId,
        initialPassword: initialPasswordFor(initialPasswordPolicy, student),
      });
      if (problem) return { ok: false, problem };
      if (newPassword !== confirmPassword) return { ok: false, problem: 'mismatch' };
      if (await hasher.verify(newPassword, student.password_hash)) return { ok: false, problem: 'sameAsCurrent' };
      const passwordHash = await hasher.hash(newPassword);
      const done = await inTransaction(db, async (tx) => {
        // Compare-and-set: of two concurrent submissions of one link, exactly one wins.
        if (!(await markPasswordResetUsed(tx, row.id, now))) return false;
        await updatePassword(tx, studentId, passwordHash, now);
        await voidOpenPasswordResets(tx, studentId, now);
        return true;
      });
      if (!done) return { ok: false, problem: 'invalidToken' };
      await audit.record({ studentId, event: 'reset.used', channel: ctx.channel, chatId: ctx.chatId });
      await audit.record({ studentId, event: 'password.changed', channel: ctx.channel, chatId: ctx.chatId, detail: 'via reset link' });
      logger.info({ studentId }, 'password reset via link');
      if (deps.onPasswordChanged) {
        try {
          await deps.onPasswordChanged(studentId);
        } catch (error) {
          // The password is already changed; a failure here must not tell the student otherwise.
          logger.error({ studentId, err: error instanceof Error ? error.message : String(error) }, 'ending sessions after a password reset failed');
        }
      }
      return { ok: true, studentId };
    },

    voidAllFor(studentId, now) {
      return voidOpenPasswordResets(db, studentId, now);
    },

    async idle() {
      while (sending.size > 0) await Promise.all([...sending]);
    },

    async purgeExpired(now) {
      await purgePasswordResetsExpiredBefore(db, now - DAY);
    },
  };
}
