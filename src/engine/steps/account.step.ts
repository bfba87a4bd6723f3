import { assertNever } from '../../errors.js';
import type { Command } from '../commands.js';
import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent, PasswordProblem } from '../events.js';
import type { PlainMessageKey } from '../i18n/index.js';
import { notice, reshow, showStep, stay } from '../present.js';
import type { ConversationState, Session, Step } from '../state.js';
import { endSession, toHome, toLogin } from './navigation.step.js';

// 修改密码: three prompts, each checked outside.

/**
 * Wrong old passwords in a row (counted in the session, so leaving 修改密码 does not reset it)
 * after which the session ends: an unattended logged-in chat must not become a password oracle.
 */
export const MAX_WRONG_OLD_PASSWORDS = 5;

type PasswordStep = StepOf<'password.old'> | StepOf<'password.new'> | StepOf<'password.confirm'>;

export function isPasswordStep(step: Step): step is PasswordStep {
  return step.name === 'password.old' || step.name === 'password.new' || step.name === 'password.confirm';
}

export function passwordAction(state: ConversationState, step: PasswordStep, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'cancel' && !step.forced ? toHome(state, env) : null;
}

/** A password is deleted from the chat and sent to be checked; it is never echoed. */
export function passwordText(state: ConversationState, step: PasswordStep, text: string, env: EngineEnv): TransitionResult {
  if (!state.session) return toLogin(state, env);
  if (text === '') return reshow(state, env, [notice(state.lang, 'password.empty')]);
  const studentId = state.session.studentId;
  const command: Command =
    step.name === 'password.old'
      ? { kind: 'password.verifyOld', studentId, password: text }
      : step.name === 'password.new'
        ? { kind: 'password.stage', studentId, password: text }
        : { kind: 'password.commit', studentId, password: text };
  return stay(state, [{ type: 'deleteInbound' }, { type: 'command', command }]);
}

const PROBLEM_MESSAGES: { [P in PasswordProblem]: PlainMessageKey } = {
  wrongOld: 'password.wrongOld',
  tooShort: 'password.tooShort',
  sameAsStudentId: 'password.sameAsStudentId',
  sameAsInitial: 'password.sameAsInitial',
  sameAsCurrent: 'password.sameAsCurrent',
  mismatch: 'password.mismatch',
};

/** Which prompt a problem sends the student back to. */
function retryStep(problem: PasswordProblem, forced: boolean): PasswordStep {
  switch (problem) {
    case 'wrongOld':
      return { name: 'password.old', forced };
    case 'tooShort':
    case 'sameAsStudentId':
    case 'sameAsInitial':
    case 'sameAsCurrent':
    case 'mismatch':
      return { name: 'password.new', forced };
    default:
      return assertNever(problem);
  }
}

export function onPasswordResult(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'password.result' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  const session = state.session;
  // Only the answer to the prompt on screen counts; a late or foreign one changes nothing.
  if (!isPasswordStep(step) || step.name !== `password.${event.stage}` || !session) return stay(state);
  const forced = step.forced;
  if (event.stage === 'old') return onOldPasswordResult(state, session, event, env, forced);
  if (event.ok) {
    switch (event.stage) {
      case 'new':
        return showStep(state, { name: 'password.confirm', forced }, env);
      case 'confirm':
        return toHome({ ...state, session: { ...session, mustChangePassword: false } }, env, [notice(state.lang, 'password.changed')]);
      default:
        return assertNever(event.stage);
    }
  }
  return onProblem(state, event.problem, env, forced);
}

function onProblem(state: ConversationState, problem: PasswordProblem | undefined, env: EngineEnv, forced: boolean): TransitionResult {
  if (!problem) return reshow(state, env, [notice(state.lang, 'password.failed')]);
  return showStep(state, retryStep(problem, forced), env, [notice(state.lang, PROBLEM_MESSAGES[problem])]);
}

/** The old password: a right one clears the count of wrong ones; too many wrong ones in a row end the session. */
function onOldPasswordResult(
  state: ConversationState,
  session: Session,
  event: Extract<EngineEvent, { kind: 'password.result' }>,
  env: EngineEnv,
  forced: boolean,
): TransitionResult {
  if (event.ok) {
    const { wrongOldPasswords: _cleared, ...rest } = session;
    return showStep({ ...state, session: rest }, { name: 'password.new', forced }, env);
  }
  if (event.problem !== 'wrongOld') return onProblem(state, event.problem, env, forced);
  const wrong = (session.wrongOldPasswords ?? 0) + 1;
  if (wrong >= MAX_WRONG_OLD_PASSWORDS) return endSession(state, env, 'wrongOldPassword', [notice(state.lang, 'password.tooManyWrongOld')]);
  return onProblem({ ...state, session: { ...session, wrongOldPasswords: wrong } }, event.problem, env, forced);
}
