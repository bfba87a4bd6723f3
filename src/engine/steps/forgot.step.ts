import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { translate } from '../i18n/index.js';
import { notice, reshow, showStep, showWaiting, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { parseStudentId } from '../student-id.js';
import { toLogin } from './navigation.step.js';

// 忘记密码: 学号 → 系统将发送邮件到你的密保邮箱，是否确认发送？ → 发送 / 取消.

/** Asks where the mail would go; `reset.previewed` answers with the dialog's masked address. */
export function requestResetPreview(state: ConversationState, studentId: string): TransitionResult {
  return stay(state, [{ type: 'command', command: { kind: 'reset.preview', studentId } }]);
}

/** 忘记密码 (button or typed) before a 学号 is known. */
export function forgotFromStudentId(state: ConversationState, env: EngineEnv): TransitionResult {
  return showStep(state, { name: 'forgot.studentId' }, env);
}

/** Typed `忘记密码` / `forgot` in any logged-out step: the 学号 is reused when the password prompt has it. */
export function openForgot(state: ConversationState, env: EngineEnv): TransitionResult {
  const step = state.step;
  return step.name === 'login.password' ? requestResetPreview(state, step.studentId) : forgotFromStudentId(state, env);
}

export function forgotStudentIdText(state: ConversationState, text: string, env: EngineEnv): TransitionResult {
  const studentId = parseStudentId(text);
  if (studentId === null) return reshow(state, env, [notice(state.lang, 'login.badStudentId')]);
  return requestResetPreview(state, studentId);
}

export function forgotStudentIdAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'cancel' ? toLogin(state, env) : null;
}

export function onResetPreviewed(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'reset.previewed' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  // Only while the student is still asking: from the 学号 prompt of 忘记密码, or the password prompt of that 学号.
  const asked = step.name === 'forgot.studentId' || (step.name === 'login.password' && step.studentId === event.studentId);
  if (!asked || state.session) return stay(state);
  return showStep(state, { name: 'forgot.confirm', studentId: event.studentId, maskedEmail: event.maskedEmail }, env);
}

export function forgotConfirmAction(
  state: ConversationState,
  step: StepOf<'forgot.confirm'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'send':
      return showWaiting(state, translate(state.lang, 'forgot.sending'), [
        { type: 'command', command: { kind: 'reset.request', studentId: step.studentId } },
      ]);
    case 'cancel':
      return toLogin(state, env, [notice(state.lang, 'forgot.cancelled')]);
    default:
      return null;
  }
}

/** The same answer whether or not a mail went out, so 学号 can't be probed. */
export function onResetRequested(
  state: ConversationState,
  _event: Extract<EngineEvent, { kind: 'reset.requested' }>,
  env: EngineEnv,
): TransitionResult {
  const sent = notice(state.lang, 'forgot.sent');
  return state.step.name === 'forgot.confirm' && !state.session ? toLogin(state, env, [sent]) : stay(state, [sent]);
}
