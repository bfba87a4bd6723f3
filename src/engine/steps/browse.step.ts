import { argToInt } from '../action-codec.js';
import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import { feePeriods } from '../fees.js';
import { showStep } from '../present.js';
import type { ConversationState } from '../state.js';
import { toHome } from './navigation.step.js';

// Read-only screens: 明细, 收费情况明细, 设置.

/** 返回 from 明细 or 设置. */
export function backToHomeAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  return action.op === 'back' ? toHome(state, env) : null;
}

export function itemsAction(
  state: ConversationState,
  step: StepOf<'items'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  switch (action.op) {
    case 'tab':
      if (action.arg !== 'unpaid' && action.arg !== 'history') return null;
      return showStep(state, { ...step, tab: action.arg }, env);
    case 'period': {
      if (action.arg === '') return showStep(state, { ...step, period: null }, env);
      const index = argToInt(action.arg);
      const period = index === null ? undefined : feePeriods(env.facts.items)[index];
      return period === undefined ? null : showStep(state, { ...step, period }, env);
    }
    case 'back':
      return toHome(state, env);
    default:
      return null;
  }
}
