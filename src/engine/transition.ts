import { onDeferralAnswer } from './steps/deferral.step.js';
import { onRemindersUpdated } from './steps/reminders.step.js';
import { assertNever } from '../errors.js';
import type { TransitionResult } from './effects.js';
import type { EngineEnv } from './engine-env.js';
import type { EngineEvent } from './events.js';
import type { EngineConfig, Facts } from './facts.js';
import { notice, stay } from './present.js';
import { initialState, STATE_VERSION, type ConversationState } from './state.js';
import { onPasswordResult } from './steps/account.step.js';
import { onAgreementTimer } from './steps/agreement.step.js';
import { onEmailConfirmed, onEmailPasswordChecked, onEmailResult } from './steps/email.step.js';
import { onResetPreviewed, onResetRequested } from './steps/forgot.step.js';
import { onCaptchaIssued, onCaptchaResult, onLoginResult } from './steps/login.step.js';
import { armIdleTimerOnLogin, onIdleTimer } from './steps/idle.step.js';
import { endSession } from './steps/navigation.step.js';
import {
  onOrderClosed,
  onOrderShared,
  onOrderCreated,
  onOrderExpired,
  onOrderFailed,
  onOrderStatus,
  onPaymentConfirmed,
  onPaymentHeld,
  onProblemReported,
} from './steps/order-events.step.js';
import { handleUserEvent } from './user-event.js';

export interface TransitionContext {
  facts: Facts;
  config: EngineConfig;
}

/**
 * Conventions of the results:
 * - A step is shown as one `menu` view; showing a new menu increments `menuRev` and records its
 *   code buttons in `menuCodes` (URL buttons are not numbered; disabled ones are).
 * - Notices (errors, confirmations) are separate `message` views placed before the menu.
 * - Acks answer button presses; for a numbered text reply they are turned into messages.
 * - Secrets (passwords) produce `deleteInbound` + a command and no view at all.
 * - Whenever a session ends (logout, idle timeout, revocation) a `session.ended` command tells the runtime.
 *
 * The conversation engine: pure and total. Given the state, one event and the facts, returns the
 * next state and the effects to perform (views, acks, commands, timers). No I/O, no clock.
 */
export function transition(state: ConversationState, event: EngineEvent, ctx: TransitionContext): TransitionResult {
  const env: EngineEnv = { facts: ctx.facts, config: ctx.config, at: event.at };
  // A state saved by an older shape is reset rather than misread.
  const current = state.version === STATE_VERSION ? state : initialState(state.lang === 'en' ? 'en' : 'zh-CN');
  return armIdleTimerOnLogin(current, step(current, event, env), env);
}

function step(current: ConversationState, event: EngineEvent, env: EngineEnv): TransitionResult {
  switch (event.kind) {
    case 'start':
    case 'text':
    case 'action':
      return handleUserEvent(current, event, env);
    case 'login.result':
      return onLoginResult(current, event, env);
    case 'password.result':
      return onPasswordResult(current, event, env);
    case 'captcha.issued':
      return onCaptchaIssued(current, event, env);
    case 'captcha.result':
      return onCaptchaResult(current, event, env);
    case 'reset.previewed':
      return onResetPreviewed(current, event, env);
    case 'reset.requested':
      return onResetRequested(current, event, env);
    case 'email.passwordChecked':
      return onEmailPasswordChecked(current, event, env);
    case 'email.result':
      return onEmailResult(current, event, env);
    case 'email.confirmed':
      return onEmailConfirmed(current, event, env);
    case 'order.created':
      return onOrderCreated(current, event, env);
    case 'order.failed':
      return onOrderFailed(current, event, env);
    case 'order.status':
      return onOrderStatus(current, event, env);
    case 'order.closed':
      return onOrderClosed(current, event, env);
    case 'order.shared':
      return onOrderShared(current, event);
    case 'order.expired':
      return onOrderExpired(current, event, env);
    case 'payment.confirmed':
      return onPaymentConfirmed(current, event, env);
    case 'payment.held':
      return onPaymentHeld(current, event);
    case 'problem.reported':
      return onProblemReported(current, event, env);
    case 'deferral.requested':
    case 'deferral.refused':
      return onDeferralAnswer(current, event, env);
    case 'reminders.updated':
      return onRemindersUpdated(current, event, env);
    case 'timer.agreementUnlocked':
      return onAgreementTimer(current, event, env);
    case 'timer.idle':
      return onIdleTimer(current, event, env);
    case 'session.revoked':
      return current.session ? endSession(current, env, 'revoked', [notice(current.lang, 'session.revoked')]) : stay(current);
    default:
      return assertNever(event);
  }
}
