import { randomInt } from 'node:crypto';
import type { Branding } from '../branding.js';
import { inTransaction, type Db } from '../db/database.js';
import { countAuditEventsSince } from '../db/repositories/audit.repository.js';
import {
  addEmailChangeAttempt,
  deleteEmailChange,
  findEmailChange,
  purgeEmailChangesExpiredBefore,
  saveEmailChange,
} from '../db/repositories/email-change.repository.js';
import { voidOpenPasswordResets } from '../db/repositories/password-reset.repository.js';
import { findStudentById, updateRecoveryEmail } from '../db/repositories/student.repository.js';
import type { Lang } from '../engine/state.js';
import { maskEmail } from '../ledger/ledger-facts.js';
import type { Logger } from '../logger.js';
import { emailChangeCodeMail, emailChangedNoticeMail, formatMailTime } from '../mail/mail-templates.js';
import type { Mailer } from '../mail/mailer.port.js';
import type { Audit } from './audit.service.js';
import { hashShortSecret, normalizeTypedCode, verifyShortSecret } from './secret-hash.js';
import { isValidEmail } from './student-fields.js';

// 【修改邮箱】: the new address takes effect only once the student types the 6-digit code mailed
// to it; the old address then gets a notice. The code is stored only as a salted hash.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface EmailChangeContext {
  channel: string;
  chatId: string;
  /** Language of the notice to the old address (default zh-CN). */
  lang?: Lang;
}

const NO_CONTEXT: EmailChangeContext = { channel: '-', chatId: '-' };

export interface EmailChangeDeps {
  db: Db;
  mailer: Mailer;
  clock?: () => number;
  ttlMs?: number;
  audit: Audit;
  logger?: Logger;
  maxAttempts?: number;
  /** Code mails per student per rolling hour, so the feature cannot be used to spam an address. */
  maxPerHour?: number;
  /** For the time shown in the notice to the old address. */
  timezone?: string;
  /** UNIVERSITY_NAME and the finance office, in mail subjects and signatures (default: the demo's). */
  branding?: Branding;
}

export type EmailChangeRequestResult =
  | { ok: true; maskedEmail: string }
  | { ok: false; reason: 'invalidEmail' | 'sameAsCurrent' | 'rateLimited' | 'noStudent' };

export type EmailChangeConfirmResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'wrongCode' | 'expired' | 'none' | 'tooManyAttempts' };

export interface EmailChanges {
  /** Mails a code to `newEmail`; the change waits for `confirm`. A new request replaces the pending one. */
  request(studentId: string, newEmail: string, lang: Lang, ctx?: EmailChangeContext): Promise<EmailChangeRequestResult>;
  confirm(studentId: string, code: string, ctx?: EmailChangeContext): Promise<EmailChangeConfirmResult>;
  /** Whether a change waits for its code (and has not expired). */
  pending(studentId: string): Promise<{ maskedEmail: string } | null>;
  purgeExpired(now: number): Promise<void>;
}

type ConfirmOutcome =
  | { kind: 'failed'; reason: 'wrongCode' | 'expired' | 'none' | 'tooManyAttempts' }
  | { kind: 'changed'; email: string; oldEmail: string | null; name: string };

export function createEmailChanges(deps: EmailChangeDeps): EmailChanges {
  const { db, mailer, audit, logger, clock = Date.now, ttlMs = 30 * MINUTE, maxAttempts = 5, maxPerHour = 3, timezone = 'Asia/Shanghai' } = deps;

  return {
    async request(studentId, newEmailInput, lang, ctx = NO_CONTEXT) {
      const now = clock();
      const newEmail = newEmailInput.trim();
      if (!isValidEmail(newEmail)) return { ok: false, reason: 'invalidEmail' };
      const student = await findStudentById(db, studentId);
      if (!student) return { ok: false, reason: 'noStudent' };
      if (student.recovery_email?.toLowerCase() === newEmail.toLowerCase()) return { ok: false, reason: 'sameAsCurrent' };
      if ((await countAuditEventsSince(db, studentId, 'email.changeRequested', now - HOUR)) >= maxPerHour) {
        return { ok: false, reason: 'rateLimited' };
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await saveEmailChange(db, {
        student_id: studentId,
        new_email: newEmail,
        code_hash: hashShortSecret(code),
        attempts: 0,
        created_at: now,
        expires_at: now + ttlMs,
      });
      const mail = emailChangeCodeMail(lang, { name: student.name, studentId, code, ttlMinutes: Math.round(ttlMs / MINUTE) }, deps.branding);
      // An I/O fault here propagates: the student must not wait for a code that never left.
      await mailer.send({ to: newEmail, ...mail });
      await audit.record({ studentId, event: 'email.changeRequested', channel: ctx.channel, chatId: ctx.chatId, detail: `to ${maskEmail(newEmail)}` });
      return { ok: true, maskedEmail: maskEmail(newEmail) };
    },

    async confirm(studentId, codeInput, ctx = NO_CONTEXT) {
      const now = clock();
      const code = normalizeTypedCode(codeInput);
      // One write transaction: parallel guesses cannot each see an attempt count below the limit.
      const outcome = await inTransaction(db, async (tx): Promise<ConfirmOutcome> => {
        const fail = (reason: 'wrongCode' | 'expired' | 'none' | 'tooManyAttempts'): ConfirmOutcome => ({ kind: 'failed', reason });
        const row = await findEmailChange(tx, studentId);
        if (!row) return fail('none');
        if (row.expires_at <= now || row.attempts >= maxAttempts) {
          await deleteEmailChange(tx, studentId);
          return fail(row.expires_at <= now ? 'expired' : 'tooManyAttempts');
        }
        if (!/^\d{6}$/.test(code) || !verifyShortSecret(code, row.code_hash)) {
          const attempts = await addEmailChangeAttempt(tx, studentId);
          if (attempts < maxAttempts) return fail('wrongCode');
          await deleteEmailChange(tx, studentId);
          return fail('tooManyAttempts');
        }
        await deleteEmailChange(tx, studentId);
        const student = await findStudentById(tx, studentId);
        if (!student) return fail('none');
        await updateRecoveryEmail(tx, studentId, row.new_email, now);
        // Links already mailed to the old address must not outlive the change.
        await voidOpenPasswordResets(tx, studentId, now);
        return { kind: 'changed', email: row.new_email, oldEmail: student.recovery_email, name: student.name };
      });
      if (outcome.kind === 'failed') return { ok: false, reason: outcome.reason };
      const { email, oldEmail } = outcome;
      await audit.record({
        studentId,
        event: 'email.changed',
        channel: ctx.channel,
        chatId: ctx.chatId,
        detail: `${oldEmail ? maskEmail(oldEmail) : '(none)'} -> ${maskEmail(email)}`,
      });
      if (oldEmail && oldEmail.toLowerCase() !== email.toLowerCase()) {
        const mail = emailChangedNoticeMail(ctx.lang ?? 'zh-CN', {
          name: outcome.name,
          studentId,
          newEmailMasked: maskEmail(email),
          changedAt: formatMailTime(now, timezone),
        }, deps.branding);
        try {
          await mailer.send({ to: oldEmail, ...mail });
        } catch (error) {
          // The change is done; a failed notice is logged, not turned into a failed change.
          logger?.error({ studentId, err: error instanceof Error ? error.message : String(error) }, 'email-change notice failed');
        }
      }
      return { ok: true, email };
    },

    async pending(studentId) {
      const row = await findEmailChange(db, studentId);
      return row && row.expires_at > clock() ? { maskedEmail: maskEmail(row.new_email) } : null;
    },

    async purgeExpired(now) {
      await purgeEmailChangesExpiredBefore(db, now);
    },
  };
}
