import { assertNever } from '../../errors.js';
import type { TransitionResult } from '../effects.js';
import type { EngineEnv, UserAction } from '../engine-env.js';
import type { EmailChangeProblem, EmailConfirmProblem, EngineEvent } from '../events.js';
import type { PlainMessageKey } from '../i18n/index.js';
import { notice, reshow, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { MAX_WRONG_OLD_PASSWORDS } from './account.step.js';
import { endSession, toHome, toLogin } from './navigation.step.js';

// 修改邮箱: the current password (so a chat left logged in cannot redirect the recovery address),
// the new address, then the 6-digit code mailed to it confirms the change.

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL_LENGTH = 254;
const CODE = /^\d{6}$/;

/** 取消 in either prompt. */
export function emailAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'cancel' ? toHome(state, env) : null;
}

/** The current password is deleted from the chat and checked outside; it is never echoed. */
export function emailPasswordText(state: ConversationState, text: string, env: EngineEnv): TransitionResult {
  if (!state.session) return toLogin(state, env);
  if (text === '') return reshow(state, env, [notice(state.lang, 'password.empty')]);
  return stay(state, [{ type: 'deleteInbound' }, { type: 'command', command: { kind: 'email.verifyPassword', studentId: state.session.studentId, password: text } }]);
}

/**
 * A right password opens the address prompt; wrong ones count with 修改密码's wrong old passwords
 * (in the session), and too many in a row end the session.
 */
export function onEmailPasswordChecked(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'email.passwordChecked' }>,
  env: EngineEnv,
): TransitionResult {
  const session = state.session;
  if (state.step.name !== 'email.password' || !session) return stay(state);
  if (event.ok) {
    const { wrongOldPasswords: _cleared, ...rest } = session;
    return showStep({ ...state, session: rest }, { name: 'email.new' }, env);
  }
  if (event.busy) return reshow(state, env, [notice(state.lang, 'password.failed')]);
  const wrong = (session.wrongOldPasswords ?? 0) + 1;
  if (wrong >= MAX_WRONG_OLD_PASSWORDS) return endSession(state, env, 'wrongOldPassword', [notice(state.lang, 'password.tooManyWrongOld')]);
  return reshow({ ...state, session: { ...session, wrongOldPasswords: wrong } }, env, [notice(state.lang, 'password.wrongOld')]);
}

export function emailText(state: ConversationState, text: string, env: EngineEnv): TransitionResult {
  const email = text.trim();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return reshow(state, env, [notice(state.lang, 'email.invalid')]);
  if (!state.session) return toLogin(state, env);
  return stay(state, [{ type: 'command', command: { kind: 'email.change', studentId: state.session.studentId, email } }]);
}

const CHANGE_PROBLEMS: { [P in EmailChangeProblem]: PlainMessageKey } = {
  invalidEmail: 'email.invalid',
  sameAsCurrent: 'email.sameAsCurrent',
  rateLimited: 'email.rateLimited',
  noStudent: 'email.failed',
};

export function onEmailResult(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'email.result' }>,
  env: EngineEnv,
): TransitionResult {
  // A code prompt only makes sense while the student is still at 修改邮箱.
  const onStep = state.step.name === 'email.new' && state.session !== null;
  if (event.ok) return onStep ? showStep(state, { name: 'email.code', maskedEmail: event.maskedEmail }, env) : stay(state);
  const problem = notice(state.lang, CHANGE_PROBLEMS[event.problem]);
  return onStep ? reshow(state, env, [problem]) : stay(state, [problem]);
}

/** Spaces inside the code are forgiven ("123 456"); anything but 6 digits is asked again. */
export function emailCodeText(state: ConversationState, text: string, env: EngineEnv): TransitionResult {
  const code = text.replace(/\s+/g, '');
  if (!CODE.test(code)) return reshow(state, env, [notice(state.lang, 'email.codeFormat')]);
  if (!state.session) return toLogin(state, env);
  return stay(state, [{ type: 'command', command: { kind: 'email.confirm', studentId: state.session.studentId, code } }]);
}

function confirmProblemKey(problem: EmailConfirmProblem): PlainMessageKey {
  switch (problem) {
    case 'wrongCode':
      return 'code.wrong';
    case 'expired':
      return 'email.codeExpired';
    case 'none':
      return 'email.codeNone';
    case 'tooManyAttempts':
      return 'email.codeTooMany';
    default:
      return assertNever(problem);
  }
}

export function onEmailConfirmed(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'email.confirmed' }>,
  env: EngineEnv,
): TransitionResult {
  const lead = [event.ok ? notice(state.lang, 'email.confirmed', { email: event.email }) : notice(state.lang, confirmProblemKey(event.problem))];
  if (state.step.name !== 'email.code' || !state.session) return stay(state, lead);
  // A wrong code may be typed again; any other answer ends this change.
  if (!event.ok && event.problem === 'wrongCode') return reshow(state, env, lead);
  return toHome(state, env, lead);
}
