import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { notice, reshow, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { landingStep, toForcedPassword, toLogin } from './navigation.step.js';

const STUDENT_ID = /^[A-Za-z0-9]{4,20}$/;

export function loginStudentIdText(
  state: ConversationState,
  step: StepOf<'login.studentId'>,
  text: string,
  env: EngineEnv,
): TransitionResult {
  const studentId = text.trim();
  if (!STUDENT_ID.test(studentId)) return reshow(state, env, [notice(state.lang, 'login.badStudentId')]);
  return showStep(state, { name: 'login.password', studentId, ...(step.next ? { next: step.next } : {}) }, env);
}

/** The password is never shown back: delete it and ask the outside world; no view. */
export function loginPasswordText(
  state: ConversationState,
  step: StepOf<'login.password'>,
  text: string,
  env: EngineEnv,
): TransitionResult {
  if (text === '') return reshow(state, env, [notice(state.lang, 'password.empty')]);
  return stay(state, [
    { type: 'deleteInbound' },
    { type: 'command', command: { kind: 'login', studentId: step.studentId, password: text } },
  ]);
}

export function loginPasswordAction(
  state: ConversationState,
  step: StepOf<'login.password'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  return action.op === 'back' ? toLogin(state, env, [], step.next) : null;
}

export function onLoginResult(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'login.result' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  // An answer for a login the user has since abandoned changes nothing.
  if (step.name !== 'login.password') return stay(state);
  const result = event.result;
  if (result.ok) {
    const session = { studentId: result.studentId, lastActiveAt: event.at, mustChangePassword: result.mustChangePassword };
    const next = { ...state, session };
    return result.mustChangePassword ? toForcedPassword(next, env) : showStep(next, landingStep(step.next), env);
  }
  if (result.reason === 'invalid') return toLogin(state, env, [notice(state.lang, 'login.invalid')], step.next);
  const minutes = Math.max(1, Math.ceil((result.until - event.at) / 60_000));
  return toLogin(state, env, [notice(state.lang, 'login.locked', { minutes })], step.next);
}
