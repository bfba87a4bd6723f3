import { formatMoney, parseYuan } from '../../money.js';
import { argToInt } from '../action-codec.js';
import type { Effect, TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { FeeItemFacts } from '../facts.js';
import { findItem, payableItems, revalidateSelection, upsertLine, type SelectionProblem } from '../fees.js';
import { createTranslator } from '../i18n/index.js';
import { notice, reprompt, showStep } from '../present.js';
import type { ConversationState, Lang, SelectionLine } from '../state.js';
import { toHome } from './navigation.step.js';

// 网上缴费: ticking items (select) and entering an installment amount (installment.amount).

export function selectAction(
  state: ConversationState,
  step: StepOf<'select'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  const payable = payableItems(env.facts.items);
  const selected = (itemId: number) => step.selection.some((line) => line.itemId === itemId);
  switch (action.op) {
    case 'tog': {
      const item = payableById(payable, action.arg);
      if (!item) return null;
      const selection = selected(item.id)
        ? step.selection.filter((line) => line.itemId !== item.id)
        : [...step.selection, { itemId: item.id, amount: item.outstanding }];
      return showStep(state, { name: 'select', selection }, env);
    }
    case 'all': {
      const everything = payable.length > 0 && payable.every((item) => selected(item.id));
      const selection = everything
        ? []
        : [...step.selection, ...payable.filter((item) => !selected(item.id)).map((item) => ({ itemId: item.id, amount: item.outstanding }))];
      return showStep(state, { name: 'select', selection }, env);
    }
    case 'inst': {
      const item = payableById(payable, action.arg);
      if (!item || !item.installmentAllowed || !selected(item.id)) return null;
      return showStep(state, { name: 'installment.amount', selection: step.selection, itemId: item.id }, env);
    }
    case 'next':
      return continueToAgreement(state, step.selection, env);
    case 'back':
      return toHome(state, env);
    default:
      return null;
  }
}

/** 下一步: re-checks the selection against the facts; any correction is shown before going on. */
function continueToAgreement(state: ConversationState, selection: SelectionLine[], env: EngineEnv): TransitionResult {
  const checked = revalidateSelection(selection, env.facts.items);
  const notices = checked.problems.map((problem) => problemNotice(state.lang, problem));
  if (checked.selection.length === 0) notices.push(notice(state.lang, 'select.empty'));
  if (notices.length > 0) return showStep(state, { name: 'select', selection: checked.selection }, env, notices);
  return showStep(
    state,
    { name: 'agreement', selection: checked.selection, shownAt: env.at, unlocked: env.config.agreementSeconds <= 0 },
    env,
  );
}

function problemNotice(lang: Lang, problem: SelectionProblem): Effect {
  const t = createTranslator(lang);
  const item = problem.item
    ? t('item.label', { period: problem.item.feePeriod, name: problem.item.name })
    : t('item.unknown', { id: problem.itemId });
  return problem.kind === 'dropped'
    ? notice(lang, 'select.dropped', { item })
    : notice(lang, 'select.adjusted', { item, amount: formatMoney(problem.amount) });
}

function payableById(payable: readonly FeeItemFacts[], arg: string): FeeItemFacts | undefined {
  const id = argToInt(arg);
  return id === null ? undefined : payable.find((item) => item.id === id);
}

export function installmentAction(
  state: ConversationState,
  step: StepOf<'installment.amount'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  return action.op === 'cancel' ? showStep(state, { name: 'select', selection: step.selection }, env) : null;
}

/** The amount for this installment: strict yuan, at least the minimum (or the whole rest), at most the outstanding. */
export function installmentText(
  state: ConversationState,
  step: StepOf<'installment.amount'>,
  text: string,
  env: EngineEnv,
): TransitionResult {
  const { lang } = state;
  const item = findItem(env.facts.items, step.itemId);
  if (!item || item.outstanding <= 0) {
    const selection = step.selection.filter((line) => line.itemId !== step.itemId);
    return showStep(state, { name: 'select', selection }, env, [problemNotice(lang, { kind: 'dropped', itemId: step.itemId, item })]);
  }
  const amount = parseYuan(text);
  // One answer: the error on top of the prompt for the amount.
  if (amount === null) return reprompt(state, env, 'inst.badFormat');
  if (amount <= 0) return reprompt(state, env, 'inst.zero');
  if (amount > item.outstanding) return reprompt(state, env, 'inst.aboveOutstanding', { outstanding: formatMoney(item.outstanding) });
  const min = Math.min(item.minInstallment, item.outstanding);
  if (amount < min) return reprompt(state, env, 'inst.belowMin', { min: formatMoney(min) });
  return showStep(state, { name: 'select', selection: upsertLine(step.selection, { itemId: item.id, amount }) }, env);
}
