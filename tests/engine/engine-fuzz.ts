import type { Command } from '../../src/engine/commands.js';
import type { Effect } from '../../src/engine/effects.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { initialState, type ConversationState } from '../../src/engine/state.js';
import { transition } from '../../src/engine/transition.js';
import type { EventWithoutTime } from '../../src/runtime/runtime-types.js';
import type { View } from '../../src/engine/views.js';
import { MINUTE, T0, makeConfig, makeFacts } from './fixtures.js';

// The engine driven by random sequences: typed texts, the buttons on screen, stale and forged codes,
// answers to the commands it asked for (and some it did not), timers and clock jumps. Shared by the
// fixed-seed test and `npm run fuzz` (longer, any seed).

export interface FuzzReport {
  seed: number;
  events: number;
  /** Exceptions thrown by transition (must be 0). */
  throws: string[];
  /** User events (start, text, action) answered with no effect at all (must be 0). */
  unanswered: string[];
  /** Other broken promises: codes over 64 bytes, states that do not survive JSON (must be 0). */
  violations: string[];
  /** How many distinct steps the walk reached (a sanity check that it goes somewhere). */
  stepsSeen: number;
}

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  '2023001', '2023010101', 'abc', '', ' ', 'Demo@2026', '123456', 'New#Pass2026', 'wrong', '1', '2', '3', '9', '0', '42',
  'menu', '/menu', 'pay', '/pay', 'history', 'settings', 'logout', 'help', 'lang', '/start', '菜单', '缴费', '退出', '帮助', '语言',
  '1500.5', '1000', '0.01', '-5', '1e9', '1,000.00', '５００', 'abcd@example.edu.cn', 'not-an-email', '123456', '000000',
  'x'.repeat(5000), '<script>alert(1)</script>', '\u0000\u202e', '🙂🙂', '退订', 'stop',
];

const FORGED = ['', 'v1', 'v1:pay', 'v1:pay:x:', 'v1:nope:1:1', 'v2:pay::1', 'v1:tog:999999:0', 'v1:tog:-1:1', 'v1:agree::zzzzzzzz', 'x'.repeat(65), 'v1:tab:../../etc:1', '\u0000'];

function commandAnswer(command: Command, rnd: () => number): EventWithoutTime | null {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (command.kind) {
    case 'login':
      return pick([
        { kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: rnd() < 0.2 } },
        { kind: 'login.result', result: { ok: false, reason: 'invalid' } },
        { kind: 'login.result', result: { ok: false, reason: 'invalid', challengePng: 'iVBORw0K' } },
        { kind: 'login.result', result: { ok: false, reason: 'challenge', challengePng: 'iVBORw0K' } },
        { kind: 'login.result', result: { ok: false, reason: 'locked', until: T0 + 15 * MINUTE } },
      ]);
    case 'captcha.refresh':
      return { kind: 'captcha.issued', pngBase64: 'iVBORw0K' };
    case 'captcha.verify':
      return { kind: 'captcha.result', ok: rnd() < 0.5, pngBase64: 'iVBORw0K' };
    case 'reset.preview':
      return { kind: 'reset.previewed', studentId: command.studentId, maskedEmail: 'z***@example.edu.cn' };
    case 'reset.request':
      return { kind: 'reset.requested' };
    case 'password.verifyOld':
      return { kind: 'password.result', stage: 'old', ok: rnd() < 0.6, ...(rnd() < 0.4 ? { problem: 'wrongOld' as const } : {}) };
    case 'password.stage':
      return { kind: 'password.result', stage: 'new', ok: rnd() < 0.6, ...(rnd() < 0.4 ? { problem: 'tooShort' as const } : {}) };
    case 'password.commit':
      return { kind: 'password.result', stage: 'confirm', ok: rnd() < 0.7, ...(rnd() < 0.3 ? { problem: 'mismatch' as const } : {}) };
    case 'email.change':
      return rnd() < 0.7 ? { kind: 'email.result', ok: true, maskedEmail: 'n***@example.edu.cn' } : { kind: 'email.result', ok: false, problem: 'invalidEmail' };
    case 'email.confirm':
      return rnd() < 0.5 ? { kind: 'email.confirmed', ok: true, email: 'new@example.edu.cn' } : { kind: 'email.confirmed', ok: false, problem: 'wrongCode' };
    case 'order.create':
      return rnd() < 0.8
        ? { kind: 'order.created', orderId: `FB${Math.floor(rnd() * 1e6)}`, payUrl: 'https://pay.example/x', qrPayload: 'https://pay.example/x', total: 120_000, expiresAt: T0 + 30 * MINUTE }
        : { kind: 'order.failed', reason: rnd() < 0.5 ? 'gateway' : 'exceedsOutstanding' };
    case 'order.query':
      return { kind: 'order.status', orderId: command.orderId, status: pick(['pending', 'paid', 'failed', 'expired', 'closed'] as const) };
    case 'order.close':
      return { kind: 'order.closed', orderId: command.orderId };
    case 'problem.report':
      return { kind: 'problem.reported', reportId: 7 };
    default:
      return null;
  }
}

/** Events nobody asked for: late or stray answers, payments, revocations. */
function strayEvent(rnd: () => number, lastOrder: string): EventWithoutTime {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return pick<EventWithoutTime>([
    { kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } },
    { kind: 'payment.confirmed', orderId: lastOrder, total: 120_000, receiptNo: '0001', receiptUrl: 'https://fees.example/r/x' },
    { kind: 'payment.held', orderId: lastOrder, amount: 100, reason: 'amountMismatch' },
    { kind: 'order.expired', orderId: lastOrder },
    { kind: 'order.status', orderId: 'FB-unknown', status: 'paid' },
    { kind: 'timer.agreementUnlocked', menuRev: Math.floor(rnd() * 20) },
    { kind: 'session.revoked' },
    { kind: 'email.confirmed', ok: true, email: 'x@example.edu.cn' },
    { kind: 'reset.requested' },
  ]);
}

function codesOf(views: View[]): string[] {
  return views.flatMap((v) => v.buttons.flat()).flatMap((b) => ('code' in b ? [b.code] : []));
}

export function fuzzEngine(seed: number, eventCount: number): FuzzReport {
  const rnd = prng(seed);
  const report: FuzzReport = { seed, events: 0, throws: [], unanswered: [], violations: [], stepsSeen: 0 };
  const steps = new Set<string>();
  const config = makeConfig({ agreementSeconds: 10 });
  let state: ConversationState = initialState(rnd() < 0.5 ? 'zh-CN' : 'en');
  let at = T0;
  let onScreen: string[] = [];
  let seenCodes: string[] = [];
  let pending: Command[] = [];
  let lastOrder = 'FB1';

  for (let i = 0; i < eventCount; i++) {
    at += rnd() < 0.03 ? 31 * MINUTE : Math.floor(rnd() * 15_000);
    const facts = makeFacts();
    const r = rnd();
    let event: EventWithoutTime;
    if (pending.length > 0 && r < 0.6) event = commandAnswer(pending.shift()!, rnd) ?? strayEvent(rnd, lastOrder);
    else if (r < 0.35) event = { kind: 'text', text: TEXTS[Math.floor(rnd() * TEXTS.length)]! };
    else if (r < 0.7 && onScreen.length > 0) event = { kind: 'action', code: onScreen[Math.floor(rnd() * onScreen.length)]! };
    else if (r < 0.78 && seenCodes.length > 0) event = { kind: 'action', code: seenCodes[Math.floor(rnd() * seenCodes.length)]! };
    else if (r < 0.84) event = { kind: 'action', code: FORGED[Math.floor(rnd() * FORGED.length)]! };
    else if (r < 0.88) event = { kind: 'start', ...(rnd() < 0.5 ? { payload: rnd() < 0.5 ? 'pay' : 'history' } : {}) };
    else event = strayEvent(rnd, lastOrder);
    const full = { ...event, at } as EngineEvent;
    report.events++;
    let effects: Effect[];
    try {
      const result = transition(state, full, { facts, config });
      state = result.state;
      effects = result.effects;
    } catch (error) {
      report.throws.push(`#${i} ${full.kind} in ${state.step.name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    steps.add(state.step.name);
    if ((full.kind === 'start' || full.kind === 'text' || full.kind === 'action') && effects.length === 0) {
      report.unanswered.push(`#${i} ${full.kind} ${JSON.stringify(event).slice(0, 80)} in ${state.step.name}`);
    }
    const views = effects.flatMap((e) => (e.type === 'show' ? [e.view] : []));
    const codes = codesOf(views);
    for (const code of codes) if (Buffer.byteLength(code) > 64) report.violations.push(`#${i} code over 64 bytes: ${code}`);
    if (views.some((v) => v.placement === 'menu')) onScreen = codes;
    seenCodes = [...seenCodes, ...codes].slice(-200);
    for (const e of effects) {
      if (e.type === 'command') pending.push(e.command);
    }
    for (const e of effects) if (e.type === 'command' && e.command.kind === 'order.query') lastOrder = e.command.orderId;
    if (JSON.stringify(JSON.parse(JSON.stringify(state))) !== JSON.stringify(state)) report.violations.push(`#${i} state does not survive JSON`);
    if (pending.length > 8) pending = pending.slice(-8);
  }
  report.stepsSeen = steps.size;
  return report;
}
