import type { Command } from '../commands.js';
import type { TransitionResult, Effect } from '../effects.js';
import type { EngineEnv } from '../engine-env.js';
import { deferrableItems } from '../env-queries.js';
import { otherLang } from '../i18n/index.js';
import { notice, reshow, showStep } from '../present.js';
import type { ConversationState, DeepLink, Step } from '../state.js';

// Moves shared by many steps: home, login prompt, forced password change, logout, language.

export function toHome(state: ConversationState, env: EngineEnv, lead: Effect[] = []): TransitionResult {
  return showStep(state, { name: 'home' }, env, lead);
}

/** Ends any session and asks for the 学号. */
export function toLogin(state: ConversationState, env: EngineEnv, lead: Effect[] = [], next?: DeepLink): TransitionResult {
  const step: Step = next ? { name: 'login.studentId', next } : { name: 'login.studentId' };
  return showStep({ ...state, session: null }, step, env, lead);
}

/** The initial password must be changed before anything else. */
export function toForcedPassword(state: ConversationState, env: EngineEnv): TransitionResult {
  return showStep(state, { name: 'password.new', forced: true }, env, [notice(state.lang, 'password.forced')]);
}

export type SessionEndReason = Extract<Command, { kind: 'session.ended' }>['reason'];

/**
 * Ends the session and asks for the 学号. When there was one, the chat's history is cleared first
 * (it shows the student's details) and the runtime is told (for the audit trail).
 */
export function endSession(state: ConversationState, env: EngineEnv, reason: SessionEndReason, lead: Effect[] = []): TransitionResult {
  const shown = toLogin(state, env, lead);
  if (!state.session) return shown;
  const ended: Effect = { type: 'command', command: { kind: 'session.ended', studentId: state.session.studentId, reason } };
  return { state: shown.state, effects: [{ type: 'clearHistory' }, ...shown.effects, ended] };
}

export function logout(state: ConversationState, env: EngineEnv): TransitionResult {
  return endSession(state, env, 'logout', [notice(state.lang, 'session.loggedOut')]);
}

export function toggleLang(state: ConversationState, env: EngineEnv): TransitionResult {
  return reshow({ ...state, lang: otherLang(state.lang) }, env);
}

export function parseDeepLink(payload: string | undefined): DeepLink | undefined {
  return payload === 'pay' || payload === 'history' || payload === 'defer' ? payload : undefined;
}

/** Where a logged-in student lands: home, or the deep link's step (申请缓缴 only with something to defer). */
export function landingStep(next: DeepLink | undefined, env: EngineEnv): Step {
  if (next === 'pay') return { name: 'select', selection: [] };
  if (next === 'defer') return deferrableItems(env).length > 0 ? { name: 'deferral.items', itemIds: [] } : { name: 'home' };
  if (next === 'history') return { name: 'items', tab: 'history', period: null };
  return { name: 'home' };
}

/** `start` (first contact, /start, deep links). The login step remembers the deep link. */
export function handleStart(state: ConversationState, payload: string | undefined, env: EngineEnv): TransitionResult {
  const next = parseDeepLink(payload);
  if (!state.session) return toLogin(state, env, [], next);
  if (state.session.mustChangePassword) return toForcedPassword(state, env);
  return showStep(state, landingStep(next, env), env);
}
