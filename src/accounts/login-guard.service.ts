import type { Db } from '../db/database.js';
import { hasLoggedInFrom } from '../db/repositories/audit.repository.js';
import { findStudentById } from '../db/repositories/student.repository.js';
import type { LoginResult } from '../engine/events.js';
import type { Lang } from '../engine/state.js';
import type { Accounts } from './accounts.service.js';
import type { Audit } from './audit.service.js';
import type { CaptchaService } from './captcha.service.js';
import type { LoginProofs } from './login-proof.service.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A chat stays "known" (exempt from lockouts) this long after the student's last login from it. */
export const KNOWN_CHAT_MAX_AGE_MS = 90 * DAY;

export interface LoginGuardDeps {
  db: Db;
  accounts: Accounts;
  captcha: CaptchaService;
  audit: Audit;
  proofs: LoginProofs;
}

export interface GuardContext {
  channel: string;
  chatId: string;
  now: number;
  /** Who is behind the request (InboundUpdate.source): limits count per source too. */
  source?: string | undefined;
  /** For the proof code mail. */
  lang?: Lang;
}

/**
 * The chat form of the web system's 验证码, around Accounts.login (rules in login-attempts.service.ts):
 * - after 3 failures within 15 minutes, for the student ID or in this chat — or 10 from this
 *   source, or 5 distinct 学号 failing or using the initial password from this source — the
 *   password is not even checked until a captcha (a PNG) has been solved in this chat;
 * - 5 failures lock the student ID, but not in a chat the student has logged in from within the
 *   last 90 days and since their last password change or reset, so nobody can lock a student
 *   out of their own chats (while a chat that is stale, or used before the password was changed,
 *   e.g. a lost phone, gets no exemption); a reset link by e-mail always works and ends the lockout;
 * - the fixed initial password alone logs nobody in: a proof of identity follows (login-proof.service.ts).
 * Every outcome goes to the audit trail.
 */
export function createLoginGuard(deps: LoginGuardDeps) {
  const { db, accounts, captcha, audit, proofs } = deps;
  const picture = async (ctx: GuardContext) => (await captcha.issue(ctx.channel, ctx.chatId)).pngBase64;
  const trustedChat = (studentId: string, ctx: GuardContext) => hasLoggedInFrom(db, studentId, ctx.channel, ctx.chatId, ctx.now - KNOWN_CHAT_MAX_AGE_MS);

  /** Audits a refusal or a completed login (`login.ok` makes the chat known). */
  async function recordOutcome(studentId: string, result: LoginResult, ctx: GuardContext): Promise<LoginResult> {
    const where = { channel: ctx.channel, chatId: ctx.chatId };
    if (result.ok) await audit.record({ studentId: result.studentId, event: 'login.ok', ...where });
    else if (result.reason === 'locked') await audit.record({ studentId, event: 'login.locked', ...where, detail: `until ${new Date(result.until).toISOString()}` });
    return result;
  }

  return {
    async login(studentId: string, password: string, challengeSolved: boolean, ctx: GuardContext): Promise<LoginResult> {
      const where = { channel: ctx.channel, chatId: ctx.chatId };
      const trusted = await trustedChat(studentId, ctx);
      const attempt = { ...ctx, trusted, challengeSolved };
      const result = await accounts.login(studentId, password, attempt);
      if (result.ok) {
        if (result.needsProof) {
          const student = await findStudentById(db, result.studentId);
          if (student) return proofs.start(student, { ...attempt, lang: ctx.lang ?? 'zh-CN' });
        }
        return recordOutcome(studentId, { ok: true, studentId: result.studentId, mustChangePassword: result.mustChangePassword }, ctx);
      }
      switch (result.reason) {
        case 'challenge':
          await audit.record({ studentId, event: 'login.challenge', ...where });
          return { ok: false, reason: 'challenge', challengePng: await picture(ctx) };
        case 'invalid': {
          await audit.record({ studentId, event: 'login.failed', ...where });
          if (!(await accounts.attempts.challengeDue(studentId, attempt))) return result;
          // The captcha that comes with this failure is a challenge like any other.
          await audit.record({ studentId, event: 'login.challenge', ...where });
          return { ok: false, reason: 'invalid', challengePng: await picture(ctx) };
        }
        default:
          return recordOutcome(studentId, result, ctx);
      }
    },

    /** The answer to a proof of identity (see login-proof.service.ts). */
    async prove(studentId: string, answer: string, ctx: GuardContext): Promise<LoginResult> {
      const trusted = await trustedChat(studentId, ctx);
      return recordOutcome(studentId, await proofs.check(studentId, answer, { ...ctx, trusted }), ctx);
    },

    async refreshCaptcha(ctx: GuardContext): Promise<string> {
      return picture(ctx);
    },

    /** A wrong answer comes back with a new picture. */
    async verifyCaptcha(studentId: string, answer: string, ctx: GuardContext): Promise<{ ok: boolean; pngBase64?: string }> {
      if (await captcha.verify(ctx.channel, ctx.chatId, answer)) return { ok: true };
      await audit.record({ studentId, event: 'login.challengeFailed', channel: ctx.channel, chatId: ctx.chatId });
      return { ok: false, pngBase64: await picture(ctx) };
    },
  };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
