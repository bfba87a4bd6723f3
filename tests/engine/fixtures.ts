import type { Command } from '../../src/engine/commands.js';
import type { Effect, TransitionResult } from '../../src/engine/effects.js';
import type { EmailChangeProblem, EngineEvent } from '../../src/engine/events.js';
import type { EngineConfig, Facts, FeeItemFacts, StudentFacts } from '../../src/engine/facts.js';
import { initialState, type ConversationState, type Lang, type Session, type Step } from '../../src/engine/state.js';
import { transition, type TransitionContext } from '../../src/engine/transition.js';
import type { Button, View } from '../../src/engine/views.js';

export const T0 = Date.UTC(2026, 8, 1, 2, 0, 0);
export const MINUTE = 60_000;

export function makeItem(fields: Partial<FeeItemFacts> & { id: number }): FeeItemFacts {
  const amountDue = fields.amountDue ?? 100_000;
  const amountPaid = fields.amountPaid ?? 0;
  const reserved = fields.reserved ?? 0;
  return {
    feePeriod: '2025-2026',
    code: `C${fields.id}`,
    name: `项目${fields.id}`,
    installmentAllowed: false,
    minInstallment: 0,
    dueDate: null,
    ...fields,
    amountDue,
    amountPaid,
    reserved,
    outstanding: fields.outstanding ?? Math.max(0, amountDue - amountPaid - reserved),
  };
}

export const STUDENT: StudentFacts = {
  studentId: '2023001',
  name: '张三',
  college: '信息学院',
  major: '软件工程',
  className: '软工2301',
  recoveryEmailMasked: 'z***@example.edu.cn',
};

/** 学费 (splittable, min ¥1,000), 住宿费, a fully paid old 学费, a part-paid 教材费. */
export function defaultItems(): FeeItemFacts[] {
  return [
    makeItem({ id: 1, feePeriod: '2025-2026', code: 'TUITION', name: '学费', amountDue: 500_000, installmentAllowed: true, minInstallment: 100_000 }),
    makeItem({ id: 2, feePeriod: '2025-2026', code: 'DORM', name: '住宿费', amountDue: 120_000 }),
    makeItem({ id: 3, feePeriod: '2024-2025', code: 'TUITION', name: '学费', amountDue: 500_000, amountPaid: 500_000 }),
    makeItem({ id: 4, feePeriod: '2024-2025', code: 'BOOKS', name: '教材费', amountDue: 30_000, amountPaid: 10_000 }),
  ];
}

export function makeFacts(items: FeeItemFacts[] = defaultItems(), student: StudentFacts | null = STUDENT): Facts {
  return { student, items };
}

export function makeConfig(fields: Partial<EngineConfig> = {}): EngineConfig {
  return {
    agreementSeconds: 10,
    idleTimeoutMs: 30 * MINUTE,
    agreementText: { 'zh-CN': '网上缴费协议：……', en: 'Payment agreement: …' },
    ...fields,
  };
}

/** The default facts and config, for calling `transition` directly. */
export function makeCtx(): TransitionContext {
  return { facts: makeFacts(), config: makeConfig() };
}

/** One `transition` with the default facts and config (`makeCtx()`), for tests that start from a given state. */
export function applyEvent(state: ConversationState, event: EngineEvent): TransitionResult {
  return transition(state, event, makeCtx());
}

export { initialState };

export function makeSession(fields: Partial<Session> = {}): Session {
  return { studentId: STUDENT.studentId, lastActiveAt: T0, mustChangePassword: false, ...fields };
}

export function makeState(fields: Partial<ConversationState> = {}, lang: Lang = 'zh-CN'): ConversationState {
  return { ...initialState(lang), ...fields };
}

export function loggedInState(step: Step = { name: 'home' }, fields: Partial<ConversationState> = {}): ConversationState {
  return makeState({ session: makeSession(), step, menuRev: 5, ...fields });
}

// ---- reading results ----

export function shownViews(result: TransitionResult): View[] {
  return result.effects.flatMap((e) => (e.type === 'show' ? [e.view] : []));
}

/** The last menu view shown, or throws. */
export function menuOf(result: TransitionResult): View {
  const menus = shownViews(result).filter((v) => v.placement === 'menu');
  const menu = menus[menus.length - 1];
  if (!menu) throw new Error(`no menu shown; effects: ${JSON.stringify(result.effects)}`);
  return menu;
}

export function messageTexts(result: TransitionResult): string[] {
  return shownViews(result)
    .filter((v) => v.placement === 'message')
    .map((v) => v.text);
}

export function acksOf(result: TransitionResult): Extract<Effect, { type: 'ack' }>[] {
  return result.effects.flatMap((e) => (e.type === 'ack' ? [e] : []));
}

export function commandsOf(result: TransitionResult): Command[] {
  return result.effects.flatMap((e) => (e.type === 'command' ? [e.command] : []));
}

export function labelsOf(view: View): string[] {
  return view.buttons.flat().map((b) => b.label);
}

/** The button labelled `label`, else the one button whose label contains it. */
export function findButton(view: View, label: string): Button {
  const all = view.buttons.flat();
  const exact = all.filter((b) => b.label === label);
  const found = exact.length === 1 ? exact : all.filter((b) => b.label.includes(label));
  if (found.length !== 1) throw new Error(`expected one button "${label}", found ${found.length} in ${JSON.stringify(labelsOf(view))}`);
  return found[0] as Button;
}

export function codeOf(view: View, label: string): string {
  const button = findButton(view, label);
  if (!('code' in button)) throw new Error(`button "${label}" is a link`);
  return button.code;
}

// ---- a small driver ----

type EventInput = EngineEvent extends infer E ? (E extends { at: number } ? Omit<E, 'at'> : never) : never;

export interface Harness {
  state: ConversationState;
  facts: Facts;
  config: EngineConfig;
  now: number;
  last: TransitionResult;
  send(event: EventInput): TransitionResult;
  /** Presses the button of the last shown menu whose label contains `label`. */
  press(label: string): TransitionResult;
  /** Presses each label in turn (each on the menu the one before showed); returns the harness, to reach a menu in one line. */
  pressAll(...labels: string[]): Harness;
  type(text: string): TransitionResult;
  tick(ms: number): void;
  menu(): View;
}

export interface HarnessInit {
  state?: ConversationState;
  facts?: Facts;
  config?: EngineConfig;
  now?: number;
}

export function createHarness(init: HarnessInit = {}): Harness {
  let lastMenu: View | null = null;
  const h: Harness = {
    state: init.state ?? makeState(),
    facts: init.facts ?? makeFacts(),
    config: init.config ?? makeConfig(),
    now: init.now ?? T0,
    last: { state: init.state ?? makeState(), effects: [] },
    send(event) {
      const result = transition(h.state, { ...event, at: h.now } as EngineEvent, { facts: h.facts, config: h.config });
      h.state = result.state;
      h.last = result;
      const menus = shownViews(result).filter((v) => v.placement === 'menu');
      if (menus.length > 0) lastMenu = menus[menus.length - 1] as View;
      return result;
    },
    press(label) {
      return h.send({ kind: 'action', code: codeOf(h.menu(), label) });
    },
    pressAll(...labels) {
      for (const label of labels) h.press(label);
      return h;
    },
    type(text) {
      return h.send({ kind: 'text', text });
    },
    tick(ms) {
      h.now += ms;
    },
    menu() {
      if (!lastMenu) throw new Error('no menu shown yet');
      return lastMenu;
    },
  };
  return h;
}

// ---- common starting points ----

/** A harness that has sent `start` (with `payload`, a deep link, when given): logged out, at the 学号 prompt. */
export function startedHarness(init: HarnessInit & { payload?: string } = {}): Harness {
  const { payload, ...rest } = init;
  const h = createHarness(rest);
  h.send(payload === undefined ? { kind: 'start' } : { kind: 'start', payload });
  return h;
}

/** Logged out, the 学号 typed: at the password prompt. */
export function passwordPromptHarness(init: HarnessInit & { payload?: string } = {}): Harness {
  const h = startedHarness(init);
  h.type(STUDENT.studentId);
  return h;
}

/** A harness already logged in and looking at the home menu (or, with the initial password, at the forced change). */
export function homeHarness(init: { facts?: Facts; config?: EngineConfig; session?: Partial<Session> } = {}): Harness {
  const { session, ...rest } = init;
  return startedHarness({ ...rest, state: loggedInState({ name: 'home' }, session ? { session: makeSession(session) } : {}) });
}

/** Logged in with the initial password: held at the forced password change. */
export function forcedPasswordHarness(): Harness {
  return homeHarness({ session: { mustChangePassword: true } });
}

/** At 修改邮箱's prompt for the new address. */
/** At 修改邮箱's address prompt: the current password was typed and found right. */
export function newEmailHarness(): Harness {
  const h = homeHarness().pressAll('修改邮箱');
  h.type('Current#Pass1');
  h.send({ kind: 'email.passwordChecked', ok: true });
  return h;
}

/** 修改邮箱 with the address `a@b.cn`, which the runtime refuses for `problem`: the result of that answer. */
export function refusedNewEmail(problem: EmailChangeProblem): TransitionResult {
  const h = newEmailHarness();
  h.type('a@b.cn');
  return h.send({ kind: 'email.result', ok: false, problem });
}
