import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.js';
import type { TransitionResult } from '../../src/engine/effects.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { translate } from '../../src/engine/i18n/index.js';
import { initialState, type ConversationState } from '../../src/engine/state.js';
import { transition, type TransitionContext } from '../../src/engine/transition.js';
import type { ImageSpec, View } from '../../src/engine/views.js';
import type { InboundUpdate } from '../../src/runtime/inbound.js';
import { MINUTE, STUDENT, T0, makeConfig, makeFacts } from '../engine/fixtures.js';

// One contract for every channel adapter (the way Hono's runTest({ newRouter }) runs one suite
// against every router): a whole student journey, login → pay → receipt, through the adapter's
// real inbound parse and pure render, driving the real pure engine.

/** What the adapter's inbound parse turns a user's input into. */
export type InboundEvent = InboundUpdate['event'];

/** An engine event without its time (the conversation adds it). */
type EventInput = EngineEvent extends infer E ? (E extends { at: number } ? Omit<E, 'at'> : never) : never;

export interface RenderedButton {
  label: string;
  /** What the platform sends back when it is pressed (Telegram callback_data, web `code`…). */
  callback: string;
  /** Only for channels that show a disabled state. */
  disabled?: boolean;
}

export interface RenderedLink {
  label: string;
  url: string;
}

export interface ChannelUnderTest<P> {
  /** The adapter's pure renderer. */
  render(view: View): P;
  /** Every text the user reads in the payload (message text, captions). */
  texts(payload: P): string[];
  /** The pressable buttons, in display order. */
  buttons(payload: P): RenderedButton[];
  /** Every link the user can open (link buttons, links written into the text). */
  links(payload: P): RenderedLink[];
  image(payload: P): ImageSpec | undefined;
  /**
   * Whether the payload asks for masked input; `unsupported` where the platform cannot mask;
   * `elsewhere` where passwords are never typed into the chat (WeChat: a link to a web page
   * instead, and the login arrives from that page as an external login.result).
   */
  passwordMasked: ((payload: P) => boolean) | 'unsupported' | 'elsewhere';
  /**
   * Buttons are numbered options the user answers by typing the number (WeChat): `callback` is
   * the number, and the engine maps it to the current menu's button.
   */
  numbered?: boolean;
  /** The platform's limit on `callback`, in UTF-8 bytes. */
  maxCallbackBytes: number;
  /** The adapter's inbound parse of a button press, typed text, and a start (deep link). */
  parsePress(callback: string): InboundEvent | null;
  parseText(text: string): InboundEvent | null;
  parseStart(payload?: string): InboundEvent | null;
}

const ctx: TransitionContext = { facts: makeFacts(), config: makeConfig({ agreementSeconds: 10 }) };

/** Checks one rendered view against the engine's view; returns the payload. */
function checkRendered<P>(adapter: ChannelUnderTest<P>, view: View): P {
  const payload = adapter.render(view);
  const texts = adapter.texts(payload);
  expect(texts.length, 'rendered texts').toBeGreaterThan(0);
  for (const text of texts) expect(text.trim(), 'a rendered text is empty').not.toBe('');
  const shown = texts.join('\n');
  const elsewhere = adapter.passwordMasked === 'elsewhere' && view.input === 'password';
  // A password prompt that sends the user elsewhere replaces the prompt's text with a link.
  if (elsewhere) expect(adapter.links(payload).length, 'a link instead of a password prompt').toBeGreaterThan(0);
  else for (const line of view.text.split('\n').filter((l) => l.trim() !== '')) expect(shown).toContain(line);

  const engineButtons = view.buttons.flat().flatMap((b) => ('code' in b ? [b] : []));
  const rendered = adapter.buttons(payload);
  expect(rendered.map((b) => b.label), 'button labels').toEqual(engineButtons.map((b) => b.label));
  rendered.forEach((button, i) => {
    const engine = engineButtons[i]!;
    const bytes = Buffer.byteLength(button.callback, 'utf8');
    expect(bytes, `callback of ${button.label}`).toBeGreaterThan(0);
    expect(bytes, `callback of ${button.label}`).toBeLessThanOrEqual(adapter.maxCallbackBytes);
    if (adapter.numbered) {
      expect(button.callback, `number of ${button.label}`).toBe(String(i + 1));
      expect(adapter.parsePress(button.callback), `reply to ${button.label}`).toEqual({ kind: 'text', text: String(i + 1) });
    } else {
      expect(adapter.parsePress(button.callback), `press of ${button.label}`).toEqual({ kind: 'action', code: engine.code });
    }
    if (button.disabled !== undefined) expect(button.disabled, `disabled ${button.label}`).toBe(engine.disabled === true);
  });

  const links = adapter.links(payload);
  for (const b of view.buttons.flat()) if ('url' in b) expect(links, `link ${b.label}`).toContainEqual({ label: b.label, url: b.url });
  expect(adapter.image(payload)).toEqual(view.image);

  if (adapter.passwordMasked === 'unsupported' || adapter.passwordMasked === 'elsewhere') {
    if (view.input === 'password') expect(shown).toMatch(/密码|password/i);
  } else {
    expect(adapter.passwordMasked(payload), 'password marking').toBe(view.input === 'password');
  }
  return payload;
}

interface Drawn<P> {
  rev: number;
  payload: P;
}

/** The conversation as a channel sees it: every shown view is rendered and checked. */
class Conversation<P> {
  state: ConversationState = initialState('zh-CN');
  now = T0;
  last: TransitionResult = { state: this.state, effects: [] };
  /** Rendered menus, newest last, with the revision they were drawn under. */
  readonly menus: Drawn<P>[] = [];
  messages: P[] = [];
  private lastMenuView: View | null = null;

  constructor(private readonly adapter: ChannelUnderTest<P>) {}

  send(event: InboundEvent | EventInput | null): TransitionResult {
    expect(event, 'inbound parse gave no event').not.toBeNull();
    this.checkStalePresses();
    const result = transition(this.state, { ...event, at: this.now } as EngineEvent, ctx);
    this.state = result.state;
    this.last = result;
    this.messages = [];
    for (const effect of result.effects) {
      if (effect.type !== 'show') continue;
      const payload = checkRendered(this.adapter, effect.view);
      if (effect.view.placement === 'menu') {
        this.menus.push({ rev: result.state.menuRev, payload });
        this.lastMenuView = effect.view;
      }
      else this.messages.push(payload);
    }
    return result;
  }

  menu(): P {
    const drawn = this.menus[this.menus.length - 1];
    if (!drawn) throw new Error('no menu rendered yet');
    return drawn.payload;
  }

  /** Presses the rendered button of the current menu whose label contains `label`. */
  press(label: string): TransitionResult {
    const matches = this.adapter.buttons(this.menu()).filter((b) => b.label.includes(label));
    expect(matches.map((b) => b.label), `one rendered button "${label}"`).toHaveLength(1);
    return this.send(this.adapter.parsePress(matches[0]!.callback));
  }

  type(text: string): TransitionResult {
    return this.send(this.adapter.parseText(text));
  }

  /** Where the current menu takes free text (a 学号, an amount), a number is that text, not an option. */
  private checkNoSuchNumber(): void {
    const last = this.lastMenuView;
    if (!last || last.input !== undefined || this.state.menuCodes.length === 0) return;
    checkNoSuchNumberOn(this.adapter, this.state, this.now);
  }

  commands(): Command[] {
    return this.last.effects.flatMap((e) => (e.type === 'command' ? [e.command] : []));
  }

  shownText(payload: P): string {
    return this.adapter.texts(payload).join('\n');
  }

  /** Every button of the newest outdated menu is answered as outdated and changes nothing. */
  private checkStalePresses(): void {
    if (this.adapter.numbered) return this.checkNoSuchNumber();
    const stale = [...this.menus].reverse().find((m) => m.rev < this.state.menuRev && this.adapter.buttons(m.payload).length > 0);
    if (!stale) return;
    for (const button of this.adapter.buttons(stale.payload)) {
      const event = this.adapter.parsePress(button.callback);
      const result = transition(this.state, { ...event, at: this.now } as EngineEvent, ctx);
      expect(result.effects, `stale ${button.label}`).toContainEqual({ type: 'ack', text: translate(this.state.lang, 'action.stale'), alert: false });
      expect(result.effects.filter((e) => e.type === 'command' || e.type === 'deleteInbound'), `stale ${button.label}`).toEqual([]);
      expect(result.state.step, `stale ${button.label}`).toEqual(this.state.step);
      expect(result.state.menuRev, `stale ${button.label}`).toBe(this.state.menuRev);
    }
  }
}

/** Numbered replies always name the current menu; a number it does not have is answered, not performed. */
function checkNoSuchNumberOn<P>(adapter: ChannelUnderTest<P>, state: ConversationState, at: number): void {
  const n = String(state.menuCodes.length + 1);
  const result = transition(state, { ...adapter.parseText(n), at } as EngineEvent, ctx);
  const texts = result.effects.flatMap((e) => (e.type === 'show' ? [e.view.text] : []));
  expect(texts, `reply ${n}`).toContain(translate(state.lang, 'action.noSuchOption', { n }));
  expect(result.effects.filter((e) => e.type === 'command' || e.type === 'deleteInbound'), `reply ${n}`).toEqual([]);
  expect(result.state.step, `reply ${n}`).toEqual(state.step);
}

const PUBLIC_URLS = { pay: 'https://pay.example.edu.cn/p/ORD1', receipt: 'https://fee.example.edu.cn/r/abc' };
const LOCAL_URLS = { pay: 'http://localhost:8080/sandbox/pay/ORD1', receipt: 'http://127.0.0.1:8080/r/abc' };

export function runChannelContract<P>(name: string, adapter: ChannelUnderTest<P>): void {
  describe(`channel contract: ${name}`, () => {
    it('parses a start, a deep-link start and typed text into the engine events', () => {
      expect(adapter.parseStart()).toEqual({ kind: 'start' });
      expect(adapter.parseStart('pay')).toEqual({ kind: 'start', payload: 'pay' });
      expect(adapter.parseText('2023001')).toEqual({ kind: 'text', text: '2023001' });
    });

    it.each([
      ['public', PUBLIC_URLS],
      ['local', LOCAL_URLS],
    ])('login → pay → receipt (%s links)', (_kind, urls) => {
      const c = new Conversation(adapter);
      c.send(adapter.parseStart());
      expect(c.state.step.name).toBe('login.studentId');
      expect(c.shownText(c.menu())).toContain('请输入学号');

      c.type(STUDENT.studentId);
      expect(c.state.step.name).toBe('login.password');
      const masking = adapter.passwordMasked;
      if (masking === 'elsewhere') {
        // Never typed into the chat: the prompt is a link, and the login comes from that page.
        expect(c.shownText(c.menu())).not.toContain('请输入密码');
        expect(adapter.links(c.menu()).length).toBeGreaterThan(0);
        c.send({ kind: 'login.result', result: { ok: true, studentId: STUDENT.studentId, mustChangePassword: false }, external: true });
      } else {
        // Masked where the platform can (checked in checkRendered); the text asks for the password.
        expect(c.shownText(c.menu())).toContain('请输入密码');
        if (masking !== 'unsupported') expect(masking(c.menu())).toBe(true);
        c.type('s3cret pass');
        expect(c.commands()).toEqual([{ kind: 'login', studentId: STUDENT.studentId, password: 's3cret pass', challengeSolved: false }]);
        c.send({ kind: 'login.result', result: { ok: true, studentId: STUDENT.studentId, mustChangePassword: false } });
      }
      expect(c.state.step.name).toBe('home');
      expect(c.shownText(c.menu())).toContain('欠费总额');
      if (typeof masking === 'function') expect(masking(c.menu())).toBe(false);

      c.press('网上缴费');
      expect(c.state.step).toEqual({ name: 'select', selection: [] });
      c.press('☐ 2025-2026 学费');
      expect(c.state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 500_000 }] });
      c.press('分期');
      expect(c.state.step.name).toBe('installment.amount');
      c.type('1500');
      expect(c.state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 150_000 }] });

      c.press('下一步');
      expect(c.state.step.name).toBe('agreement');
      const timer = c.last.effects.find((e) => e.type === 'timer');
      if (timer?.type !== 'timer') throw new Error('no unlock timer scheduled');
      const unlockAt = c.now + timer.delayMs;

      // Too early: answered with the seconds left; nothing else happens.
      const locked = c.state;
      c.now += 3_000;
      const early = c.press('同意');
      const wait = translate('zh-CN', 'agreement.wait', { seconds: 7 });
      // A typed number has no button press to answer: the answer is a message instead of an ack.
      expect(early.effects).toEqual(
        adapter.numbered ? [{ type: 'show', view: { placement: 'message', text: wait, buttons: [] } }] : [{ type: 'ack', text: wait, alert: true }],
      );
      expect(early.state.step).toEqual(locked.step);
      expect(early.state.menuRev).toBe(locked.menuRev);

      // The runtime delivers the unlock timer; 同意 is then accepted.
      c.now = unlockAt;
      c.send(timer.event);
      expect(c.state.step).toMatchObject({ name: 'agreement', unlocked: true });
      c.press('同意');
      expect(c.state.step.name).toBe('confirm');

      c.press('确认');
      expect(c.commands()).toEqual([{ kind: 'order.create', studentId: STUDENT.studentId, lines: [{ itemId: 1, amount: 150_000 }] }]);
      expect(c.shownText(c.menu())).toContain(translate('zh-CN', 'order.creating'));

      // The gateway's answer, as the runtime feeds it back.
      c.send({ kind: 'order.created', orderId: 'ORD1', payUrl: urls.pay, qrPayload: urls.pay, total: 150_000, expiresAt: c.now + 30 * MINUTE });
      expect(c.state.step.name).toBe('order.paying');
      const pay = c.menu();
      expect(adapter.image(pay)).toEqual({ kind: 'qr', payload: urls.pay });
      expect(adapter.links(pay).map((l) => l.url)).toContain(urls.pay);
      expect(adapter.buttons(pay).map((b) => b.label)).toEqual(['付款已成功', '付款出现问题', '分享给家长代付']);

      c.send({ kind: 'payment.confirmed', orderId: 'ORD1', total: 150_000, receiptNo: 'R2026-0001', receiptUrl: urls.receipt });
      const receipt = [...c.messages, c.menu()].find((m) => c.shownText(m).includes('电子票据号：R2026-0001'));
      if (!receipt) throw new Error('no receipt rendered');
      expect(adapter.links(receipt)).toContainEqual({ label: '查看电子票据', url: urls.receipt });
      // The pay card itself turned 已开票: no 付款已成功 left on a paid order.
      expect(c.shownText(c.menu())).toContain('状态：已开票');
      expect(adapter.buttons(c.menu()).map((b) => b.label)).not.toContain('付款已成功');
      expect(c.state.step).toMatchObject({ name: 'order.paying', status: 'receipted' });
    });

    it('a malformed or foreign button payload never reaches the engine as a valid action', () => {
      const c = new Conversation(adapter);
      c.send(adapter.parseStart());
      const before = c.state;
      for (const junk of ['v1:pay::zz', 'hello', 'v2:home::1']) {
        const event = adapter.parsePress(junk);
        if (event === null) continue;
        // Numbered channels have no button payloads: whatever is sent is typed text.
        if (adapter.numbered) {
          expect(event.kind).toBe('text');
          continue;
        }
        const result = transition(before, { ...event, at: c.now } as EngineEvent, ctx);
        expect(result.state.step).toEqual(before.step);
        expect(result.effects.filter((e) => e.type === 'command')).toEqual([]);
      }
    });
  });
}
