import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { agreementIsOpen, agreementUnlocksAt } from '../menus/agreement.menu.js';
import { ack, notice, paint, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { toHome, toLogin } from './navigation.step.js';

// 协议 (timed unlock) and 确认.

export function agreementAction(
  state: ConversationState,
  step: StepOf<'agreement'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'agree': {
      const seconds = env.config.agreementSeconds;
      if (!agreementIsOpen(step, seconds, env.at)) {
        // Too early: an alert only; the menu (and its revision) stays as it is.
        const left = Math.ceil((agreementUnlocksAt(step, seconds) - env.at) / 1000);
        return stay(state, [ack(state.lang, true, 'agreement.wait', { seconds: left })]);
      }
      return showStep(state, { name: 'confirm', selection: step.selection }, env);
    }
    case 'cancel':
      return toHome(state, env, [notice(state.lang, 'pay.aborted')]);
    default:
      return null;
  }
}

/** The countdown is over: redraw the same menu (same revision and codes) with 同意 enabled. */
export function onAgreementTimer(
  state: ConversationState,
  event: Extract<EngineEvent, { kind: 'timer.agreementUnlocked' }>,
  env: EngineEnv,
): TransitionResult {
  const step = state.step;
  if (step.name !== 'agreement' || event.menuRev !== state.menuRev || step.unlocked) return stay(state);
  return paint({ ...state, step: { ...step, unlocked: true } }, env);
}

export function confirmAction(
  state: ConversationState,
  step: StepOf<'confirm'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'confirm': {
      if (!state.session) return toLogin(state, env);
      const shown = showStep(state, { name: 'order.creating', selection: step.selection }, env);
      return {
        state: shown.state,
        effects: [
          ...shown.effects,
          { type: 'command', command: { kind: 'order.create', studentId: state.session.studentId, lines: step.selection } },
        ],
      };
    }
    case 'back':
      // Per the guide, 返回 on the confirmation aborts the payment.
      return toHome(state, env, [notice(state.lang, 'pay.aborted')]);
    default:
      return null;
  }
}
