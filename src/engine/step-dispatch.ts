import { assertNever } from '../errors.js';
import type { TransitionResult } from './effects.js';
import type { EngineEnv, UserAction } from './engine-env.js';
import type { ConversationState, Step } from './state.js';
import { passwordAction, passwordText } from './steps/account.step.js';
import { agreementAction, confirmAction } from './steps/agreement.step.js';
import { backToHomeAction, itemsAction } from './steps/browse.step.js';
import { emailAction, emailCodeText, emailPasswordText, emailText } from './steps/email.step.js';
import { deferralAction, deferralText, openDeferral } from './steps/deferral.step.js';
import { openReminders, remindersAction } from './steps/reminders.step.js';
import { forgotConfirmAction, forgotStudentIdAction, forgotStudentIdText } from './steps/forgot.step.js';
import {
  loginCaptchaAction,
  loginCaptchaText,
  loginPasswordAction,
  loginPasswordText,
  loginProofAction,
  loginProofText,
  loginStudentIdAction,
  loginStudentIdText,
} from './steps/login.step.js';
import { orderAction, reportAction, reportText } from './steps/order.step.js';
import { installmentAction, installmentText, selectAction } from './steps/select.step.js';

/** A step-specific button; null when the op means nothing in this step (then: invalid action). */
export function stepAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  const step = state.step;
  switch (step.name) {
    case 'home':
    case 'order.creating':
      return null;
    case 'login.studentId':
      return loginStudentIdAction(state, action, env);
    case 'login.password':
      return loginPasswordAction(state, step, action, env);
    case 'login.captcha':
      return loginCaptchaAction(state, step, action, env);
    case 'login.proof':
      return loginProofAction(state, step, action, env);
    case 'forgot.studentId':
      return forgotStudentIdAction(state, action, env);
    case 'forgot.confirm':
      return forgotConfirmAction(state, step, action, env);
    case 'arrears.detail':
      return backToHomeAction(state, action, env);
    case 'settings':
      if (action.op === 'remind') return openReminders(state, env);
      return action.op === 'defer' ? openDeferral(state, env) : backToHomeAction(state, action, env);
    case 'reminders':
      return remindersAction(state, action, env);
    case 'items':
      return itemsAction(state, step, action, env);
    case 'select':
      return selectAction(state, step, action, env);
    case 'installment.amount':
      return installmentAction(state, step, action, env);
    case 'agreement':
      return agreementAction(state, step, action, env);
    case 'confirm':
      return confirmAction(state, step, action, env);
    case 'order.paying':
    case 'order.problem':
      return orderAction(state, step, action, env);
    case 'order.report':
      return reportAction(state, step, action, env);
    case 'password.old':
    case 'password.new':
    case 'password.confirm':
      return passwordAction(state, step, action, env);
    case 'email.password':
    case 'email.new':
    case 'email.code':
      return emailAction(state, action, env);
    case 'deferral.items':
    case 'deferral.until':
    case 'deferral.reason':
      return deferralAction(state, step, action, env);
    default:
      return assertNever(step);
  }
}

/** Free text in a step that asks for it; null in steps that expect buttons. */
export function stepText(state: ConversationState, text: string, env: EngineEnv): TransitionResult | null {
  const step = state.step;
  switch (step.name) {
    case 'login.studentId':
      return loginStudentIdText(state, step, text, env);
    case 'login.password':
      return loginPasswordText(state, step, text, env);
    case 'login.captcha':
      return loginCaptchaText(state, step, text);
    case 'login.proof':
      return loginProofText(state, step, text, env);
    case 'forgot.studentId':
      return forgotStudentIdText(state, text, env);
    case 'installment.amount':
      return installmentText(state, step, text, env);
    case 'order.report':
      return reportText(state, step, text, env);
    case 'password.old':
    case 'password.new':
    case 'password.confirm':
      return passwordText(state, step, text, env);
    case 'email.password':
      return emailPasswordText(state, text, env);
    case 'email.new':
      return emailText(state, text, env);
    case 'email.code':
      return emailCodeText(state, text, env);
    case 'deferral.until':
    case 'deferral.reason':
      return deferralText(state, step, text, env);
    case 'deferral.items':
    case 'forgot.confirm':
    case 'home':
    case 'settings':
    case 'reminders':
    case 'arrears.detail':
    case 'items':
    case 'select':
    case 'agreement':
    case 'confirm':
    case 'order.creating':
    case 'order.paying':
    case 'order.problem':
      return null;
    default:
      return assertNever(step);
  }
}

/** Steps whose text input may be a secret: only slash commands are recognised there. */
export function expectsSecret(step: Step): boolean {
  return step.name === 'login.password' || step.name === 'login.proof' || step.name === 'email.password' || step.name.startsWith('password.');
}

/**
 * Steps where a bare word is an answer, not a command: secrets, and the captcha (whose alphabet can
 * spell MENU).
 */
export function slashCommandsOnly(step: Step): boolean {
  return expectsSecret(step) || step.name === 'login.captcha';
}

