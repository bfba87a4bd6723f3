import { assertNever } from '../errors.js';
import { decodeAction } from './action-codec.js';
import { financeOffice } from './branding-text.js';
import type { Effect, TransitionResult } from './effects.js';
import type { EngineEnv, UserAction } from './engine-env.js';
import type { EngineEvent } from './events.js';
import { translate } from './i18n/index.js';
import { ack, acksToMessages, message, notice, paint, reshow, showStep } from './present.js';
import { isLoginStep, type ConversationState, type SelectionLine, type Step } from './state.js';
import { slashCommandsOnly, stepAction, stepText } from './step-dispatch.js';
import { isPasswordStep } from './steps/account.step.js';
import { openForgot } from './steps/forgot.step.js';
import { endSession, handleStart, logout, toForcedPassword, toLogin, toggleLang } from './steps/navigation.step.js';
import { isOpenCommand, parseTextCommand, type TextCommand } from './text-commands.js';
import { shownAnnouncements } from './menus/announcement.menu.js';

// What the student does: start, text, button. Idle timeout, stale menus, commands and numbered
// replies are handled here, before any step sees the input.

type UserEvent = Extract<EngineEvent, { kind: 'start' | 'text' | 'action' }>;

const NUMBERED_REPLY = /^\s*(\d{1,2})\s*$/;

export function handleUserEvent(state: ConversationState, event: UserEvent, env: EngineEnv): TransitionResult {
  const { session } = state;
  // A bound chat (WeChat) stays logged in until logout or revocation.
  if (session && !session.bound && env.at - session.lastActiveAt > env.config.idleTimeoutMs) {
    // The event itself is not executed: it may have been meant for a screen left long ago.
    return endSession(state, env, 'idle', [notice(state.lang, 'session.timeout')]);
  }
  let current: ConversationState = session ? { ...state, session: { ...session, lastActiveAt: env.at } } : state;
  // Defensive: without a session only the login steps make sense.
  if (!current.session && !isLoginStep(current.step)) current = { ...current, step: { name: 'login.studentId' } };
  switch (event.kind) {
    case 'start':
      return handleStart(current, event.payload, env);
    case 'action':
      return handleActionCode(current, event.code, env);
    case 'text':
      return handleText(current, event.text, env);
    default:
      return assertNever(event);
  }
}

function handleActionCode(state: ConversationState, code: string, env: EngineEnv): TransitionResult {
  const action = decodeAction(code);
  // Never perform an outdated button: it belonged to a screen the student no longer sees. The
  // current menu is drawn again under its own revision, so its buttons stay good: a press on it
  // racing the redraw is not outdated too.
  if (!action) return paint(state, env, [ack(state.lang, false, 'action.invalid')]);
  if (action.rev !== state.menuRev) return staleAnswer(state, env);
  return routeAction(state, { op: action.op, arg: action.arg }, env);
}

/**
 * 此菜单已过期: said in the answer to the press and on top of the current menu, drawn again as a new
 * message at the bottom where the student sees it (the menu it replaces loses its buttons).
 */
function staleAnswer(state: ConversationState, env: EngineEnv): TransitionResult {
  const result = paint(state, env, [ack(state.lang, false, 'action.stale')], undefined, translate(state.lang, 'action.stale'));
  const effects = result.effects.map((e) => (e.type === 'show' && e.view.placement === 'menu' ? { ...e, view: { ...e.view, fresh: true } } : e));
  return { state: result.state, effects };
}

function handleText(state: ConversationState, text: string, env: EngineEnv): TransitionResult {
  const parsed = parseTextCommand(text, slashCommandsOnly(state.step));
  if (parsed) return runCommand(state, parsed.command, parsed.payload, env);
  if (state.session?.mustChangePassword && !isPasswordStep(state.step)) return toForcedPassword(state, env);
  const answered = stepText(state, text, env);
  if (answered) return answered;
  const numbered = NUMBERED_REPLY.exec(text);
  if (numbered) return numberedReply(state, Number(numbered[1]), env);
  // Never leave the student without an answer; never echo what they typed (it may be a secret).
  const help = `${translate(state.lang, 'input.unknown')}\n${translate(state.lang, 'help.text', { financeOffice: financeOffice(env, state.lang) })}`;
  return reshow(state, env, [message(help)]);
}

/** "2" in a menu without buttons (WeChat): the 2nd code button of the current menu. */
function numberedReply(state: ConversationState, n: number, env: EngineEnv): TransitionResult {
  const code = n >= 1 ? state.menuCodes[n - 1] : undefined;
  const action = code === undefined ? null : decodeAction(code);
  if (!action || action.rev !== state.menuRev) return reshow(state, env, [notice(state.lang, 'action.noSuchOption', { n })]);
  return acksToMessages(routeAction(state, { op: action.op, arg: action.arg }, env));
}

function runCommand(state: ConversationState, command: TextCommand, payload: string | undefined, env: EngineEnv): TransitionResult {
  if (command === 'help') return reshow(state, env, [helpNotice(state, env)]);
  if (command === 'lang') return toggleLang(state, env);
  if (command === 'start') return handleStart(state, payload, env);
  if (isOpenCommand(command)) return reshow(state, env);
  // 忘记密码 is for students who cannot log in; once logged in, 修改密码 is the way.
  if (command === 'forgot') return state.session ? reshow(state, env, [helpNotice(state, env)]) : openForgot(state, env);
  if (!state.session) return toLogin(state, env, [notice(state.lang, 'session.loginFirst')]);
  if (command === 'logout') return logout(state, env);
  if (state.session.mustChangePassword) return toForcedPassword(state, env);
  const target: Step =
    command === 'menu'
      ? { name: 'home' }
      : command === 'pay'
        ? { name: 'select', selection: [] }
        : command === 'history'
          ? { name: 'items', tab: 'history', period: null }
          : { name: 'settings' };
  return showStep(state, target, env);
}

/** A current button: global ops first, then the step's own. */
export function routeAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult {
  if (state.session?.mustChangePassword && action.op !== 'logout' && action.op !== 'lang') return toForcedPassword(state, env);
  switch (action.op) {
    case 'lang':
      return toggleLang(state, env);
    case 'dismiss':
      return dismissAnnouncements(state, env);
    case 'logout':
      return logout(state, env);
    case 'home':
    case 'detail':
    case 'items':
    case 'pay':
    case 'pwd':
    case 'email':
    case 'settings':
      if (!state.session) return toLogin(state, env, [notice(state.lang, 'session.loginFirst')]);
      if (action.op === 'pay' && action.arg !== '') return showStep(state, { name: 'select', selection: preselected(action.arg, env) }, env);
      return showStep(state, navigationTarget(action.op, action.arg), env);
    case 'tab':
    case 'period':
    case 'tog':
    case 'all':
    case 'inst':
    case 'next':
    case 'agree':
    case 'cancel':
    case 'confirm':
    case 'back':
    case 'paid':
    case 'problem':
    case 'close':
    case 'report':
    case 'captcha':
    case 'forgot':
    case 'send':
    case 'defer':
    case 'share':
    case 'remind':
      return stepAction(state, action, env) ?? reshow(state, env, [ack(state.lang, false, 'action.invalid')]);
    default:
      return assertNever(action.op);
  }
}

/** 知道了: the announcements on screen are not shown in this chat again; the same screen, redrawn. */
function dismissAnnouncements(state: ConversationState, env: EngineEnv): TransitionResult {
  const ids = shownAnnouncements({ env, state }).flatMap((a) => (a.id === undefined ? [] : [a.id]));
  // Only the newest few are kept: announcements expire, and the state must not grow without end.
  const dismissed = [...new Set([...ids, ...(state.dismissedAnnouncements ?? [])])].slice(0, 50);
  return showStep({ ...state, dismissedAnnouncements: dismissed }, state.step, env);
}

/**
 * 继续缴费 / 重新支付 on a pay card: the card's items (ids joined by `.`) ticked again, each with what
 * it still owes; items that owe nothing now are left out.
 */
function preselected(arg: string, env: EngineEnv): SelectionLine[] {
  const ids = new Set(arg.split('.').map(Number));
  return env.facts.items.filter((item) => ids.has(item.id) && item.outstanding > 0).map((item) => ({ itemId: item.id, amount: item.outstanding }));
}

function navigationTarget(op: 'home' | 'detail' | 'items' | 'pay' | 'pwd' | 'email' | 'settings', arg: string): Step {
  switch (op) {
    case 'home':
      return { name: 'home' };
    case 'detail':
      return { name: 'arrears.detail' };
    case 'items':
      return { name: 'items', tab: arg === 'history' ? 'history' : 'unpaid', period: null };
    case 'pay':
      return { name: 'select', selection: [] };
    case 'pwd':
      return { name: 'password.old', forced: false };
    case 'email':
      return { name: 'email.password' };
    case 'settings':
      return { name: 'settings' };
    default:
      return assertNever(op);
  }
}

function helpNotice(state: ConversationState, env: EngineEnv): Effect {
  return notice(state.lang, 'help.text', { financeOffice: financeOffice(env, state.lang) });
}
