import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Branding } from '../branding.js';
import type { Db } from '../db/database.js';
import { countAuditEventsSince } from '../db/repositories/audit.repository.js';
import { addLoginProofAttempt, deleteLoginProof, findLoginProof, purgeLoginProofsExpiredBefore, saveLoginProof } from '../db/repositories/login-proof.repository.js';
import { findStudentById, type StudentRow } from '../db/repositories/student.repository.js';
import type { LoginResult } from '../engine/events.js';
import type { Lang } from '../engine/state.js';
import { maskEmail } from '../ledger/ledger-facts.js';
import type { Logger } from '../logger.js';
import { loginCodeMail } from '../mail/mail-templates.js';
import type { Mailer } from '../mail/mailer.port.js';
import type { Audit } from './audit.service.js';
import type { AttemptContext, LoginAttempts } from './login-attempts.service.js';
import { hashShortSecret, normalizeTypedCode, verifyShortSecret } from './secret-hash.js';

// A fixed initial password (the seed's 123456) is known to everyone, so a first login with it
// must also prove something only the student has: the last 6 characters of the ID number when
// we know it, otherwise a 6-digit code mailed to the recovery address (like 修改邮箱's code).
// With neither, the student is sent to the finance office. The pending proof is bound to the
// chat whose password check succeeded; wrong answers count as login failures of the 学号
// (captcha, lockout), and a few end the proof.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface LoginProofDeps {
  db: Db;
  mailer: Mailer;
  audit: Audit;
  attempts: LoginAttempts;
  logger?: Logger;
  ttlMs?: number;
  /** Wrong answers after which the proof ends (the login starts again). */
  maxAttempts?: number;
  /** Code mails per student per rolling hour. */
  maxMailsPerHour?: number;
  /** UNIVERSITY_NAME and the finance office, in mail subjects and signatures (default: the demo's). */
  branding?: Branding;
}

export interface ProofContext extends AttemptContext {
  lang: Lang;
}

const idTail = (student: Pick<StudentRow, 'id_number'>): string | null => {
  const id = student.id_number?.trim().toUpperCase() ?? '';
  return id.length >= 6 ? id.slice(-6) : null;
};

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createLoginProofs(deps: LoginProofDeps) {
  const { db, mailer, audit, attempts, logger, ttlMs = 15 * MINUTE, maxAttempts = 3, maxMailsPerHour = 3 } = deps;

  return {
    /** The password was the fixed initial one: asks for a proof (or says why none is possible). */
    async start(student: StudentRow, ctx: ProofContext): Promise<LoginResult> {
      const where = { studentId: student.student_id, channel: ctx.channel, chatId: ctx.chatId };
      const base = { channel: ctx.channel, chat_id: ctx.chatId, student_id: student.student_id, created_at: ctx.now, expires_at: ctx.now + ttlMs };
      if (idTail(student) !== null) {
        await saveLoginProof(db, { ...base, method: 'idNumber', code_hash: null });
        await audit.record({ ...where, event: 'login.proofAsked', detail: 'idNumber' });
        return { ok: false, reason: 'proof', method: 'idNumber' };
      }
      const email = student.recovery_email;
      if (!email) {
        await audit.record({ ...where, event: 'login.noProof' });
        return { ok: false, reason: 'noProof' };
      }
      if ((await countAuditEventsSince(db, student.student_id, 'login.proofAsked', ctx.now - HOUR)) >= maxMailsPerHour) {
        await audit.record({ ...where, event: 'login.proofUnavailable', detail: 'rate limited' });
        return { ok: false, reason: 'proofUnavailable' };
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await saveLoginProof(db, { ...base, method: 'emailCode', code_hash: hashShortSecret(code) });
      try {
        await mailer.send({ to: email, ...loginCodeMail(ctx.lang, { name: student.name, studentId: student.student_id, code, ttlMinutes: Math.round(ttlMs / MINUTE) }, deps.branding) });
      } catch (error) {
        await deleteLoginProof(db, ctx.channel, ctx.chatId);
        logger?.error({ studentId: student.student_id, err: error instanceof Error ? error.message : String(error) }, 'login code mail failed');
        await audit.record({ ...where, event: 'login.proofUnavailable', detail: 'mail failed' });
        return { ok: false, reason: 'proofUnavailable' };
      }
      const maskedEmail = maskEmail(email);
      await audit.record({ ...where, event: 'login.proofAsked', detail: `emailCode to ${maskedEmail}` });
      return { ok: false, reason: 'proof', method: 'emailCode', maskedEmail };
    },

    /** The student's answer: the login completes (forced password change next), or why not. */
    async check(studentId: string, answerInput: string, ctx: AttemptContext): Promise<LoginResult> {
      const where = { studentId, channel: ctx.channel, chatId: ctx.chatId };
      const proof = await findLoginProof(db, ctx.channel, ctx.chatId);
      if (!proof || proof.student_id !== studentId || proof.expires_at <= ctx.now) {
        if (proof) await deleteLoginProof(db, ctx.channel, ctx.chatId);
        return { ok: false, reason: 'proofEnded' };
      }
      const student = await findStudentById(db, studentId);
      const answer = normalizeTypedCode(answerInput).toUpperCase();
      const expected = student ? idTail(student) : null;
      const right =
        proof.method === 'idNumber'
          ? expected !== null && sameText(answer, expected)
          : proof.code_hash !== null && /^\d{6}$/.test(answer) && verifyShortSecret(answer, proof.code_hash);
      if (right && student) {
        await deleteLoginProof(db, ctx.channel, ctx.chatId);
        const until = await attempts.complete(studentId, ctx);
        if (until !== null) return { ok: false, reason: 'locked', until };
        return { ok: true, studentId, mustChangePassword: true };
      }
      await audit.record({ ...where, event: 'login.proofFailed' });
      const until = await attempts.recordFailure(studentId, ctx);
      const wrong = await addLoginProofAttempt(db, ctx.channel, ctx.chatId);
      if (until !== null || wrong >= maxAttempts) await deleteLoginProof(db, ctx.channel, ctx.chatId);
      if (until !== null) return { ok: false, reason: 'locked', until };
      return wrong >= maxAttempts ? { ok: false, reason: 'proofEnded' } : { ok: false, reason: 'proofWrong' };
    },

    async purgeExpired(now: number): Promise<void> {
      await purgeLoginProofsExpiredBefore(db, now);
    },
  };
}

export type LoginProofs = ReturnType<typeof createLoginProofs>;
