import type { Db } from '../db/database.js';
import { countChatLoginFailuresSince, countLoginFailuresSince } from '../db/repositories/account.repository.js';
import { hasLoggedInFrom } from '../db/repositories/audit.repository.js';
import type { LoginResult } from '../engine/events.js';
import type { Accounts } from './accounts.service.js';
import type { Audit } from './audit.service.js';
import type { CaptchaService } from './captcha.service.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A chat stays "known" (exempt from lockouts) this long after the student's last login from it. */
export const KNOWN_CHAT_MAX_AGE_MS = 90 * DAY;

export interface LoginGuardDeps {
  db: Db;
  accounts: Accounts;
  captcha: CaptchaService;
  audit: Audit;
  /** Failures (per student or per chat) after which every try needs a solved captcha. */
  challengeAfter?: number;
  windowMs?: number;
}

export interface GuardContext {
  channel: string;
  chatId: string;
  now: number;
}

/**
 * The chat form of the web system's 验证码, around Accounts.login:
 * - after 3 failures within 15 minutes, for the student ID or in this chat, the password is not
 *   even checked until a captcha (a PNG) has been solved in this chat;
 * - 5 failures lock the student ID (Accounts), but not in a chat the student has logged in from
 *   within the last 90 days and since their last password change or reset, so nobody can lock a
 *   student out of their own chats (while a chat that is stale, or used before the password was
 *   changed, e.g. a lost phone, gets no exemption); a reset link by e-mail always works and ends
 *   the lockout.
 * Every outcome goes to the audit trail.
 */
export function createLoginGuard(deps: LoginGuardDeps) {
  const { db, accounts, captcha, audit, challengeAfter = 3, windowMs = 15 * MINUTE } = deps;

  async function challengeDue(studentId: string, ctx: GuardContext): Promise<boolean> {
    const since = ctx.now - windowMs;
    const [byStudent, byChat] = await Promise.all([
      countLoginFailuresSince(db, studentId, since),
      countChatLoginFailuresSince(db, ctx.channel, ctx.chatId, since),
    ]);
    return byStudent >= challengeAfter || byChat >= challengeAfter;
  }

  return {
    async login(studentId: string, password: string, challengeSolved: boolean, ctx: GuardContext): Promise<LoginResult> {
      const where = { channel: ctx.channel, chatId: ctx.chatId };
      if (!challengeSolved && (await challengeDue(studentId, ctx))) {
        await audit.record({ studentId, event: 'login.challenge', ...where });
        return { ok: false, reason: 'challenge', challengePng: (await captcha.issue(ctx.channel, ctx.chatId)).pngBase64 };
      }
      const trusted = await hasLoggedInFrom(db, studentId, ctx.channel, ctx.chatId, ctx.now - KNOWN_CHAT_MAX_AGE_MS);
      const result = await accounts.login(studentId, password, { ...ctx, trusted });
      if (result.ok) {
        await audit.record({ studentId: result.studentId, event: 'login.ok', ...where });
        return result;
      }
      if (result.reason === 'locked') {
        await audit.record({ studentId, event: 'login.locked', ...where, detail: `until ${new Date(result.until).toISOString()}` });
        return result;
      }
      await audit.record({ studentId, event: 'login.failed', ...where });
      if (!(await challengeDue(studentId, ctx))) return result;
      // The captcha that comes with this failure is a challenge like any other.
      await audit.record({ studentId, event: 'login.challenge', ...where });
      return { ok: false, reason: 'invalid', challengePng: (await captcha.issue(ctx.channel, ctx.chatId)).pngBase64 };
    },

    async refreshCaptcha(ctx: GuardContext): Promise<string> {
      return (await captcha.issue(ctx.channel, ctx.chatId)).pngBase64;
    },

    /** A wrong answer comes back with a new picture. */
    async verifyCaptcha(studentId: string, answer: string, ctx: GuardContext): Promise<{ ok: boolean; pngBase64?: string }> {
      if (await captcha.verify(ctx.channel, ctx.chatId, answer)) return { ok: true };
      await audit.record({ studentId, event: 'login.challengeFailed', channel: ctx.channel, chatId: ctx.chatId });
      return { ok: false, pngBase64: (await captcha.issue(ctx.channel, ctx.chatId)).pngBase64 };
    },
  };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
