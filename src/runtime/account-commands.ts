import type { Accounts } from '../accounts/accounts.service.js';
import type { Audit } from '../accounts/audit.service.js';
import type { EmailChanges } from '../accounts/email-change.service.js';
import type { LoginGuard } from '../accounts/login-guard.service.js';
import type { PasswordResets } from '../accounts/password-reset.service.js';
import type { Command } from '../engine/commands.js';
import { assertNever } from '../errors.js';
import type { CommandContext, EventWithoutTime } from './runtime-types.js';
import type { SessionRevoker } from './session-revoker.js';

export type AccountCommand = Exclude<Command, { kind: 'order.create' | 'order.query' | 'order.close' | 'problem.report' | 'deferral.request' }>;

export interface AccountCommandDeps {
  guard: LoginGuard;
  accounts: Accounts;
  resets: PasswordResets;
  emailChanges: EmailChanges;
  audit: Audit;
  maskedRecoveryEmail: (studentId: string) => Promise<string>;
  revokeSessions: SessionRevoker;
}

/** Login, captcha, password and e-mail changes, resets: answers are events, or null when none is due. */
export function createAccountCommands(deps: AccountCommandDeps) {
  const { guard, accounts, audit } = deps;

  return async function run(command: AccountCommand, ctx: CommandContext): Promise<EventWithoutTime | null> {
    const where = { channel: ctx.channel, chatId: ctx.chatId, now: ctx.now };
    switch (command.kind) {
      case 'login':
        return { kind: 'login.result', result: await guard.login(command.studentId, command.password, command.challengeSolved, where) };
      case 'captcha.refresh':
        return { kind: 'captcha.issued', pngBase64: await guard.refreshCaptcha(where) };
      case 'captcha.verify':
        return { kind: 'captcha.result', ...(await guard.verifyCaptcha(command.studentId, command.answer, where)) };
      case 'reset.preview':
        return { kind: 'reset.previewed', studentId: command.studentId, maskedEmail: await deps.maskedRecoveryEmail(command.studentId) };
      case 'reset.request':
        await deps.resets.request(command.studentId, ctx.lang, ctx);
        return { kind: 'reset.requested' };
      case 'password.verifyOld': {
        const ok = await accounts.verifyPassword(command.studentId, command.password);
        if (!ok) await audit.record({ studentId: command.studentId, event: 'password.wrongOld', channel: ctx.channel, chatId: ctx.chatId });
        return { kind: 'password.result', stage: 'old', ok, ...(ok ? {} : { problem: 'wrongOld' as const }) };
      }
      case 'password.stage': {
        const problem = await accounts.stagePassword(command.studentId, command.password, ctx.now);
        return { kind: 'password.result', stage: 'new', ok: problem === null, ...(problem ? { problem } : {}) };
      }
      case 'password.commit': {
        const problem = await accounts.commitPassword(command.studentId, command.password, ctx.now);
        if (problem === null) {
          // A new password voids reset links and ends every other session of the student.
          await deps.resets.voidAllFor(command.studentId, ctx.now);
          await audit.record({ studentId: command.studentId, event: 'password.changed', channel: ctx.channel, chatId: ctx.chatId });
          await deps.revokeSessions(command.studentId, ctx);
        }
        return { kind: 'password.result', stage: 'confirm', ok: problem === null, ...(problem ? { problem } : {}) };
      }
      case 'email.change': {
        const result = await deps.emailChanges.request(command.studentId, command.email, ctx.lang, ctx);
        return result.ok ? { kind: 'email.result', ok: true, maskedEmail: result.maskedEmail } : { kind: 'email.result', ok: false, problem: result.reason };
      }
      case 'email.confirm': {
        const result = await deps.emailChanges.confirm(command.studentId, command.code, ctx);
        return result.ok ? { kind: 'email.confirmed', ok: true, email: result.email } : { kind: 'email.confirmed', ok: false, problem: result.reason };
      }
      case 'session.ended':
        await audit.record({ studentId: command.studentId, event: command.reason === 'revoked' ? 'session.revoked' : 'logout', channel: ctx.channel, chatId: ctx.chatId, detail: command.reason });
        return null;
      default:
        return assertNever(command);
    }
  };
}
