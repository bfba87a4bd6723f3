import type { Effect, TransitionResult } from './effects.js';
import type { EngineEnv } from './engine-env.js';
import { translate, type MessageArgs, type MessageKey } from './i18n/index.js';
import { menuCodesOf } from './menus/menu-kit.js';
import { renderStep } from './menus/render-step.js';
import type { ConversationState, Lang, Step } from './state.js';
import type { Button, ImageSpec, View } from './views.js';

// Building blocks of every transition result: menus, notices and acks.

/**
 * Shows `step` as a NEW menu: menuRev + 1, menuCodes recorded. `lead` effects come first.
 * `image`: a picture kept outside the state (a captcha) for the menus that show one.
 */
export function showStep(state: ConversationState, step: Step, env: EngineEnv, lead: Effect[] = [], image?: ImageSpec): TransitionResult {
  return paint({ ...state, step, menuRev: state.menuRev + 1 }, env, lead, image);
}

/**
 * Shows `step` as a new menu with `note` (an error, what just happened) on top of its prompt: one
 * message that says what went wrong and what to type now, not a notice and then a menu.
 */
export function showStepWithNote(state: ConversationState, step: Step, env: EngineEnv, note: string, lead: Effect[] = []): TransitionResult {
  return paint({ ...state, step, menuRev: state.menuRev + 1 }, env, lead, undefined, note);
}

/** Re-shows the current step with a catalogue `note` on top (see showStepWithNote). */
export function reprompt<K extends MessageKey>(state: ConversationState, env: EngineEnv, key: K, ...args: MessageArgs<K>): TransitionResult {
  return showStepWithNote(state, state.step, env, translate(state.lang, key, ...args));
}

/** Re-shows the current step as a new menu (after a help text, an error, a stale press…). */
export function reshow(state: ConversationState, env: EngineEnv, lead: Effect[] = []): TransitionResult {
  return showStep(state, state.step, env, lead);
}

/** Draws the current step under the CURRENT menuRev: the same codes, so channels edit in place. */
export function paint(state: ConversationState, env: EngineEnv, lead: Effect[] = [], image?: ImageSpec, note?: string): TransitionResult {
  const spec = renderStep(state, env, state.menuRev, image);
  const text = note === undefined ? spec.text : `${note}\n\n${spec.text}`;
  const view: View = { placement: 'menu', text, buttons: spec.buttons };
  if (spec.image) view.image = spec.image;
  if (spec.input) view.input = spec.input;
  if (spec.progress) view.progress = true;
  if (spec.keepsImage) view.keepsImage = true;
  view.lang = state.lang;
  return {
    state: { ...state, menuCodes: menuCodesOf(spec.buttons) },
    effects: [...lead, { type: 'show', view }, ...(spec.effects ?? [])],
  };
}

/**
 * A buttonless menu under a new revision while an answer is awaited: the menu it replaces can no
 * longer be pressed twice. The step stays as it is.
 */
export function showWaiting(state: ConversationState, text: string, trail: Effect[] = []): TransitionResult {
  return {
    state: { ...state, menuRev: state.menuRev + 1, menuCodes: [] },
    effects: [{ type: 'show', view: { placement: 'menu', text, buttons: [], progress: true } }, ...trail],
  };
}

/** The state as it is, with these effects (or none). */
export function stay(state: ConversationState, effects: Effect[] = []): TransitionResult {
  return { state, effects };
}

/** A standalone message (placement `message`). */
export function message(text: string, buttons: Button[][] = []): Effect {
  return { type: 'show', view: { placement: 'message', text, buttons } };
}

/** A standalone message from the catalogue. */
export function notice<K extends MessageKey>(lang: Lang, key: K, ...args: MessageArgs<K>): Effect {
  return message(translate(lang, key, ...args));
}

/** A standalone progress notice (正在提交…), replaced by the outcome that follows it. */
export function progressNotice<K extends MessageKey>(lang: Lang, key: K, ...args: MessageArgs<K>): Effect {
  return { type: 'show', view: { placement: 'message', text: translate(lang, key, ...args), buttons: [], progress: true } };
}

/** The answer to a button press. */
export function ack<K extends MessageKey>(lang: Lang, alert: boolean, key: K, ...args: MessageArgs<K>): Effect {
  return { type: 'ack', text: translate(lang, key, ...args), alert };
}

/**
 * A numbered reply ("2") has no button press to answer, so its acks become messages — otherwise
 * an alert such as "wait 7 more seconds" would never reach a WeChat user.
 */
export function acksToMessages(result: TransitionResult): TransitionResult {
  return {
    state: result.state,
    effects: result.effects.map((effect) => (effect.type === 'ack' ? message(effect.text) : effect)),
  };
}
