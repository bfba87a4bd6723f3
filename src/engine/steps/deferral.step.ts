import { argToInt } from '../action-codec.js';
import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { deferrableItems, isoDate, todayOf } from '../env-queries.js';
import { notice, progressNotice, reshow, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { toHome, toLogin } from './navigation.step.js';

// 申请缓缴 (绿色通道): tick unpaid items → the date they are deferred to → the reason → sent to
// the finance office, which approves or rejects it from Slack.

type EventOf<K extends EngineEvent['kind']> = Extract<EngineEvent, { kind: K }>;

export const MAX_DEFERRAL_REASON = 300;
const DAY_MS = 86_400_000;
const MAX_DEFERRAL_DAYS = 366;

/** A real calendar date strictly after `today` (`YYYY-MM-DD`) and within a year of it; null otherwise. */
export function parseDeferralDate(text: string, today: string): { ok: true; date: string } | { ok: false; problem: 'deferral.badDate' | 'deferral.dateRange' } {
  const date = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return { ok: false, problem: 'deferral.badDate' };
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (isoDate(time) !== date) return { ok: false, problem: 'deferral.badDate' };
  // Both are calendar dates, so comparing them as UTC midnights counts whole days.
  if (date <= today || time > Date.parse(`${today}T00:00:00Z`) + MAX_DEFERRAL_DAYS * DAY_MS) return { ok: false, problem: 'deferral.dateRange' };
  return { ok: true, date };
}

/** 设置 → 申请缓缴. */
export function openDeferral(state: ConversationState, env: EngineEnv): TransitionResult {
  if (deferrableItems(env).length === 0) return reshow(state, env, [notice(state.lang, 'deferral.noItems')]);
  return showStep(state, { name: 'deferral.items', itemIds: [] }, env);
}

export function deferralAction(
  state: ConversationState,
  step: StepOf<'deferral.items'> | StepOf<'deferral.until'> | StepOf<'deferral.reason'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  if (action.op === 'cancel') return showStep(state, { name: 'settings' }, env);
  if (step.name !== 'deferral.items') return null;
  switch (action.op) {
    case 'tog': {
      const itemId = argToInt(action.arg);
      if (itemId === null || !deferrableItems(env).some((i) => i.id === itemId)) return null;
      const itemIds = step.itemIds.includes(itemId) ? step.itemIds.filter((id) => id !== itemId) : [...step.itemIds, itemId];
      return showStep(state, { ...step, itemIds }, env);
    }
    case 'next': {
      const still = step.itemIds.filter((id) => deferrableItems(env).some((i) => i.id === id));
      if (still.length === 0) return reshow(state, env, [notice(state.lang, 'deferral.pickItems')]);
      return showStep(state, { name: 'deferral.until', itemIds: still }, env);
    }
    default:
      return null;
  }
}

export function deferralText(state: ConversationState, step: StepOf<'deferral.until'> | StepOf<'deferral.reason'>, text: string, env: EngineEnv): TransitionResult {
  if (step.name === 'deferral.until') {
    const parsed = parseDeferralDate(text, todayOf(env));
    if (!parsed.ok) return reshow(state, env, [notice(state.lang, parsed.problem)]);
    return showStep(state, { name: 'deferral.reason', itemIds: step.itemIds, until: parsed.date }, env);
  }
  const reason = text.trim();
  if (reason === '') return reshow(state, env, [notice(state.lang, 'deferral.reasonEmpty')]);
  if ([...reason].length > MAX_DEFERRAL_REASON) return reshow(state, env, [notice(state.lang, 'deferral.reasonTooLong', { max: MAX_DEFERRAL_REASON })]);
  if (!state.session) return toLogin(state, env);
  return stay(state, [
    progressNotice(state.lang, 'deferral.sending'),
    { type: 'command', command: { kind: 'deferral.request', studentId: state.session.studentId, itemIds: step.itemIds, until: step.until, reason } },
  ]);
}

export function onDeferralAnswer(state: ConversationState, event: EventOf<'deferral.requested'> | EventOf<'deferral.refused'>, env: EngineEnv): TransitionResult {
  const lead =
    event.kind === 'deferral.requested'
      ? [notice(state.lang, 'deferral.sent', { deferralId: event.deferralId })]
      : [notice(state.lang, event.reason === 'pending' ? 'deferral.pending' : 'deferral.refusedNoItems')];
  if (!state.session || !state.step.name.startsWith('deferral.')) return stay(state, lead);
  return toHome(state, env, lead);
}
