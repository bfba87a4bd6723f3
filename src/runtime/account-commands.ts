import type { Accounts } from '../accounts/accounts.service.js';
import type { Audit } from '../accounts/audit.service.js';
import type { EmailChanges } from '../accounts/email-change.service.js';
import type { LoginGuard } from '../accounts/login-guard.service.js';
import type { PasswordResets } from '../accounts/password-reset.service.js';
import { QueueFullError } from '../accounts/fair-queue.js';
import type { Command } from '../engine/commands.js';
import type { OptOutInput } from '../dunning/opt-out.js';
import { assertNever } from '../errors.js';
import type { CommandContext, EventWithoutTime } from './runtime-types.js';
import type { SessionRevoker } from './session-revoker.js';

export type AccountCommand = Exclude<Command, { kind: 'order.create' | 'order.query' | 'order.close' | 'order.share' | 'problem.report' | 'deferral.request' }>;

export interface AccountCommandDeps {
  guard: LoginGuard;
  accounts: Accounts;
  resets: PasswordResets;
  emailChanges: EmailChanges;
  audit: Audit;
  maskedRecoveryEmail: (studentId: string) => Promise<string>;
  revokeSessions: SessionRevoker;
  setReminderOptOut: (input: OptOutInput) => Promise<void>;
}

/** A password check that could not even queue (the queue is full) has no answer: 'busy'. */
async function unlessBusy<T>(check: () => Promise<T>): Promise<{ value: T } | 'busy'> {
  try {
    return { value: await check() };
  } catch (error) {
    if (error instanceof QueueFullError) return 'busy';
    throw error;
  }
}

/** Login, captcha, password and e-mail changes, resets: answers are events, or null when none is due. */
export function createAccountCommands(deps: AccountCommandDeps) {
  const { guard, accounts, audit } = deps;

  return async function run(command: AccountCommand, ctx: CommandContext): Promise<EventWithoutTime | null> {
    const where = { channel: ctx.channel, chatId: ctx.chatId, now: ctx.now, source: ctx.source, lang: ctx.lang };
    // The fair password-check queue's lane: the request's source, else this chat.
    const lane = ctx.source ?? `chat:${ctx.channel}:${ctx.chatId}`;
    switch (command.kind) {
      case 'login':
        return { kind: 'login.result', result: await guard.login(command.studentId, command.password, command.challengeSolved, where) };
      case 'login.proof':
        return { kind: 'login.result', result: await guard.prove(command.studentId, command.answer, where) };
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
        const checked = await unlessBusy(() => accounts.verifyPassword(command.studentId, command.password, lane));
        // Busy: not checked, so not a wrong one; the prompt says to try again.
        if (checked === 'busy') return { kind: 'password.result', stage: 'old', ok: false };
        const ok = checked.value;
        if (!ok) await audit.record({ studentId: command.studentId, event: 'password.wrongOld', channel: ctx.channel, chatId: ctx.chatId });
        return { kind: 'password.result', stage: 'old', ok, ...(ok ? {} : { problem: 'wrongOld' as const }) };
      }
      case 'password.stage': {
        const checked = await unlessBusy(() => accounts.stagePassword(command.studentId, command.password, ctx.now, lane));
        if (checked === 'busy') return { kind: 'password.result', stage: 'new', ok: false };
        const problem = checked.value;
        return { kind: 'password.result', stage: 'new', ok: problem === null, ...(problem ? { problem } : {}) };
      }
      case 'password.commit': {
        const checked = await unlessBusy(() => accounts.commitPassword(command.studentId, command.password, ctx.now, lane));
        if (checked === 'busy') return { kind: 'password.result', stage: 'confirm', ok: false };
        const problem = checked.value;
        if (problem === null) {
          // A new password voids reset links and ends every other session of the student.
          await deps.resets.voidAllFor(command.studentId, ctx.now);
          await audit.record({ studentId: command.studentId, event: 'password.changed', channel: ctx.channel, chatId: ctx.chatId });
          await deps.revokeSessions(command.studentId, ctx);
        }
        return { kind: 'password.result', stage: 'confirm', ok: problem === null, ...(problem ? { problem } : {}) };
      }
      case 'email.verifyPassword': {
        const checked = await unlessBusy(() => accounts.verifyPassword(command.studentId, command.password, lane));
        if (checked === 'busy') return { kind: 'email.passwordChecked', ok: false, busy: true };
        const ok = checked.value;
        // Counted with 修改密码's wrong old passwords: the same oracle, the same limit.
        if (!ok) await audit.record({ studentId: command.studentId, event: 'password.wrongOld', channel: ctx.channel, chatId: ctx.chatId, detail: '修改邮箱' });
        return { kind: 'email.passwordChecked', ok };
      }
      case 'email.change': {
        const result = await deps.emailChanges.request(command.studentId, command.email, ctx.lang, ctx);
        return result.ok ? { kind: 'email.result', ok: true, maskedEmail: result.maskedEmail } : { kind: 'email.result', ok: false, problem: result.reason };
      }
      case 'email.confirm': {
        const result = await deps.emailChanges.confirm(command.studentId, command.code, ctx);
        return result.ok ? { kind: 'email.confirmed', ok: true, email: result.email } : { kind: 'email.confirmed', ok: false, problem: result.reason };
      }
      case 'reminders.set': {
        const { studentId, channel, optedOut } = command;
        await deps.setReminderOptOut({ studentId, scope: channel, optedOut, via: { channel: ctx.channel, chatId: ctx.chatId }, now: ctx.now });
        return { kind: 'reminders.updated', channel, optedOut };
      }
      case 'session.ended':
        await audit.record({ studentId: command.studentId, event: command.reason === 'revoked' ? 'session.revoked' : 'logout', channel: ctx.channel, chatId: ctx.chatId, detail: command.reason });
        return null;
      default:
        return assertNever(command);
    }
  };
}
