import { assertNever } from '../../errors.js';
import { financeOffice } from '../branding-text.js';
import type { Effect, TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { translate } from '../i18n/index.js';
import { notice, reprompt, reshow, showStep, showStepWithNote, stay } from '../present.js';
import { isLoginStep, type ConversationState, type DeepLink } from '../state.js';
import { parseStudentId } from '../student-id.js';
import { forgotFromStudentId, requestResetPreview } from './forgot.step.js';
import { landingStep, toForcedPassword, toLogin } from './navigation.step.js';

// 登录: 学号, 密码, and the captcha demanded after repeated failures.

const withNext = (next: DeepLink | undefined): { next?: DeepLink } => (next ? { next } : {});

export function loginStudentIdText(
  state: ConversationState,
  step: StepOf<'login.studentId'>,
  text: string,
  env: EngineEnv,
): TransitionResult {
  const studentId = parseStudentId(text);
  if (studentId === null) return reprompt(state, env, 'login.badStudentId');
  return showStep(state, { name: 'login.password', studentId, ...withNext(step.next) }, env);
}

export function loginStudentIdAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'forgot' ? forgotFromStudentId(state, env) : null;
}

/** The password is never shown back: delete it and ask the outside world; no view. */
export function loginPasswordText(
  state: ConversationState,
  step: StepOf<'login.password'>,
  text: string,
  env: EngineEnv,
): TransitionResult {
  if (text === '') return reshow(state, env, [notice(state.lang, 'password.empty')]);
  const challengeSolved = step.challengeSolved === true;
  return stay(state, [
    { type: 'deleteInbound' },
    { type: 'command', command: { kind: 'login', studentId: step.studentId, password: text, challengeSolved } },
  ]);
}

export function loginPasswordAction(
  state: ConversationState,
  step: StepOf<'login.password'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'back':
      return toLogin(state, env, [], step.next);
    case 'forgot':
      return requestResetPreview(state, step.studentId);
    default:
      return null;
  }
}

/** The captcha menu with this picture (PNG, base64); without one, the menu fetches a new captcha. */
function showCaptcha(
  state: ConversationState,
  studentId: string,
  next: DeepLink | undefined,
  env: EngineEnv,
  pngBase64: string | undefined,
  lead: Effect[] = [],
): TransitionResult {
  const image = pngBase64 === undefined ? undefined : { kind: 'png' as const, base64: pngBase64 };
  return showStep(state, { name: 'login.captcha', studentId, ...withNext(next) }, env, lead, image);
}

/** The fixed initial password's proof of identity is typed like a password: deleted, never echoed. */
export function loginProofText(state: ConversationState, step: StepOf<'login.proof'>, text: string, env: EngineEnv): TransitionResult {
  const answer = text.trim();
  if (answer === '') return reshow(state, env, [notice(state.lang, 'login.proofWrong')]);
  return stay(state, [{ type: 'deleteInbound' }, { type: 'command', command: { kind: 'login.proof', studentId: step.studentId, answer } }]);
}

export function loginProofAction(state: ConversationState, step: StepOf<'login.proof'>, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'back' ? toLogin(state, env, [], step.next) : null;
}

export function onLoginResult(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'login.result' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  const result = event.result;
  // A binding made outside the chat logs in from any login step (not over another session).
  const external = event.external === true && result.ok && !state.session && isLoginStep(step);
  if (external && result.ok) {
    const session = { studentId: result.studentId, lastActiveAt: event.at, mustChangePassword: result.mustChangePassword, bound: true };
    const next = { ...state, session };
    const deepLink = 'next' in step ? step.next : undefined;
    return result.mustChangePassword ? toForcedPassword(next, env) : showStep(next, landingStep(deepLink, env), env);
  }
  // An answer for a login the user has since abandoned changes nothing.
  if (step.name !== 'login.password' && step.name !== 'login.proof') return stay(state);
  if (result.ok) {
    const session = { studentId: result.studentId, lastActiveAt: event.at, mustChangePassword: result.mustChangePassword };
    const next = { ...state, session };
    return result.mustChangePassword ? toForcedPassword(next, env) : showStep(next, landingStep(step.next, env), env);
  }
  switch (result.reason) {
    case 'invalid': {
      // The same words whether the 学号 is unknown or the password wrong; the 学号 is kept (换学号 is
      // a button away) and the password asked for again.
      if (result.challengePng === undefined) {
        const again = { name: 'login.password' as const, studentId: step.studentId, ...withNext(step.next) };
        return showStepWithNote(state, again, env, translate(state.lang, 'login.invalid'));
      }
      return showCaptcha(state, step.studentId, step.next, env, result.challengePng, [notice(state.lang, 'login.invalid')]);
    }
    case 'challenge':
      return showCaptcha(state, step.studentId, step.next, env, result.challengePng, [notice(state.lang, 'login.challenge')]);
    case 'locked': {
      const minutes = Math.max(1, Math.ceil((result.until - event.at) / 60_000));
      return toLogin(state, env, [notice(state.lang, 'login.locked', { minutes, financeOffice: financeOffice(env, state.lang) })], step.next);
    }
    case 'busy':
      // Nothing was checked: the same prompt, to be tried again shortly.
      return reshow(state, env, [notice(state.lang, 'login.busy', { seconds: result.retryAfterSeconds })]);
    case 'proof': {
      const proof = { name: 'login.proof' as const, studentId: step.studentId, method: result.method, ...withNext(step.next) };
      return showStep(state, result.maskedEmail === undefined ? proof : { ...proof, maskedEmail: result.maskedEmail }, env);
    }
    case 'proofWrong':
      return reshow(state, env, [notice(state.lang, 'login.proofWrong')]);
    case 'proofEnded':
      return toLogin(state, env, [notice(state.lang, 'login.proofEnded')], step.next);
    case 'noProof':
      return toLogin(state, env, [notice(state.lang, 'login.noProof', { financeOffice: financeOffice(env, state.lang) })], step.next);
    case 'proofUnavailable':
      return toLogin(state, env, [notice(state.lang, 'login.proofUnavailable', { financeOffice: financeOffice(env, state.lang) })], step.next);
    default:
      return assertNever(result);
  }
}

/** The captcha answer is checked outside; no view until the answer comes back. */
export function loginCaptchaText(state: ConversationState, step: StepOf<'login.captcha'>, text: string): TransitionResult {
  const answer = text.trim();
  if (answer === '') return stay(state, [notice(state.lang, 'captcha.empty')]);
  return stay(state, [{ type: 'command', command: { kind: 'captcha.verify', studentId: step.studentId, answer } }]);
}

export function loginCaptchaAction(
  state: ConversationState,
  step: StepOf<'login.captcha'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'captcha':
      return stay(state, [{ type: 'command', command: { kind: 'captcha.refresh', studentId: step.studentId } }]);
    case 'cancel':
      return toLogin(state, env, [], step.next);
    default:
      return null;
  }
}

export function onCaptchaIssued(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'captcha.issued' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  if (step.name !== 'login.captcha') return stay(state);
  return showCaptcha(state, step.studentId, step.next, env, event.pngBase64);
}

export function onCaptchaResult(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'captcha.result' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  if (step.name !== 'login.captcha') return stay(state);
  if (event.ok) return showStep(state, { name: 'login.password', studentId: step.studentId, ...withNext(step.next), challengeSolved: true }, env);
  return showCaptcha(state, step.studentId, step.next, env, event.pngBase64, [notice(state.lang, 'code.wrong')]);
}
