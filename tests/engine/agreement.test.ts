import { describe, expect, it } from 'vitest';
import {
  acksOf,
  codeOf,
  commandsOf,
  homeHarness,
  labelsOf,
  makeConfig,
  menuOf,
  messageTexts,
  shownViews,
  type Harness,
} from './fixtures.js';

function atAgreement(config = makeConfig()): Harness {
  const h = homeHarness({ config }).pressAll('网上缴费', '☐ 2025-2026 学费', '分期');
  h.type('1500');
  h.press('☐ 2025-2026 住宿费');
  h.press('下一步');
  return h;
}

function atConfirm(): Harness {
  const h = atAgreement();
  h.tick(10_000);
  h.press('同意');
  return h;
}

describe('协议 (agreement)', () => {
  it('shows the agreement with 同意 disabled and schedules the unlock', () => {
    const h = atAgreement();
    const result = h.last;
    const menu = menuOf(result);
    expect(menu.text).toContain('网上缴费协议：……');
    expect(menu.text).toContain('10 秒后方可点击「同意」');
    expect(menu.buttons).toEqual([
      [
        // unlocksAt: pages count down to it (the server still enables the button itself).
        { label: '同意（10秒）', code: codeOf(menu, '同意'), disabled: true, unlocksAt: h.now + 10_000 },
        { label: '取消', code: codeOf(menu, '取消') },
      ],
    ]);
    expect(result.effects).toContainEqual({
      type: 'timer',
      delayMs: 10_000,
      event: { kind: 'timer.agreementUnlocked', menuRev: h.state.menuRev },
    });
  });

  it.each([
    [3_000, 7],
    [9_001, 1],
    [0, 10],
  ])('an early 同意 after %d ms is refused with an alert (%d s left), the menu untouched', (elapsed, secondsLeft) => {
    const h = atAgreement();
    const before = h.state;
    h.tick(elapsed);
    const result = h.press('同意');
    expect(result.effects).toEqual([{ type: 'ack', text: `请先阅读协议，${secondsLeft} 秒后可点击同意`, alert: true }]);
    expect(result.state.menuRev).toBe(before.menuRev);
    expect(result.state.menuCodes).toEqual(before.menuCodes);
    expect(result.state.step).toEqual(before.step);
  });

  it('the timer redraws the SAME menu with 同意 enabled', () => {
    const h = atAgreement();
    const before = h.state;
    h.tick(10_000);
    const result = h.send({ kind: 'timer.agreementUnlocked', menuRev: before.menuRev });
    expect(result.state.menuRev).toBe(before.menuRev);
    expect(result.state.menuCodes).toEqual(before.menuCodes);
    expect(result.state.step).toMatchObject({ name: 'agreement', unlocked: true });
    const menu = menuOf(result);
    expect(menu.placement).toBe('menu');
    expect(labelsOf(menu)).toEqual(['同意', '取消']);
    expect(menu.buttons.flat().some((b) => 'disabled' in b)).toBe(false);
    expect(result.effects.filter((e) => e.type === 'timer')).toEqual([]);
    expect(h.press('同意').state.step.name).toBe('confirm');
  });

  it('a stale timer does nothing', () => {
    const h = atAgreement();
    const before = h.state;
    h.tick(10_000);
    const result = h.send({ kind: 'timer.agreementUnlocked', menuRev: before.menuRev - 1 });
    expect(result).toEqual({ state: before, effects: [] });
  });

  it('a timer outside the agreement does nothing', () => {
    const h = homeHarness();
    const before = h.state;
    expect(h.send({ kind: 'timer.agreementUnlocked', menuRev: before.menuRev })).toEqual({ state: before, effects: [] });
  });

  it('同意 works once the time is up even if the timer was lost', () => {
    const h = atAgreement();
    h.tick(10_000);
    expect(h.press('同意').state.step).toEqual({
      name: 'confirm',
      selection: [
        { itemId: 1, amount: 150_000 },
        { itemId: 2, amount: 120_000 },
      ],
    });
  });

  it('a redraw under a new revision (language switch) schedules a timer for the time left', () => {
    const h = atAgreement();
    h.tick(4_000);
    const result = h.type('lang');
    expect(menuOf(result).text).toContain('Payment agreement: …');
    expect(labelsOf(menuOf(result))).toEqual(['Agree (6s)', 'Cancel']);
    expect(result.effects).toContainEqual({
      type: 'timer',
      delayMs: 6_000,
      event: { kind: 'timer.agreementUnlocked', menuRev: result.state.menuRev },
    });
  });

  it('取消 aborts the payment and goes home', () => {
    const h = atAgreement();
    const result = h.press('取消');
    expect(messageTexts(result)).toEqual(['已中止本次缴费操作']);
    expect(result.state.step).toEqual({ name: 'home' });
  });

  it('with no reading time 同意 is enabled at once and no timer is set', () => {
    const h = atAgreement(makeConfig({ agreementSeconds: 0 }));
    expect(labelsOf(h.menu())).toEqual(['同意', '取消']);
    expect(h.last.effects.some((e) => e.type === 'timer')).toBe(false);
    expect(h.press('同意').state.step.name).toBe('confirm');
  });

  it('a numbered early 同意 (WeChat) answers with a message instead of an alert', () => {
    const h = atAgreement();
    h.tick(2_000);
    const result = h.type('1');
    expect(acksOf(result)).toEqual([]);
    expect(messageTexts(result)).toEqual(['请先阅读协议，8 秒后可点击同意']);
  });
});

describe('确认 (confirm)', () => {
  it('lists the items, amounts and total', () => {
    const h = atConfirm();
    const menu = h.menu();
    expect(menu.text).toContain('请再次确认本次缴费项目、金额：');
    expect(menu.text).toContain('• 2025-2026 学费 ¥1,500.00（分期，未缴 ¥5,000.00）');
    expect(menu.text).toContain('• 2025-2026 住宿费 ¥1,200.00');
    expect(menu.text).toContain('合计：¥2,700.00');
    expect(labelsOf(menu)).toEqual(['确认', '返回']);
  });

  it('确认 creates the order and shows a button-less waiting menu', () => {
    const h = atConfirm();
    const rev = h.state.menuRev;
    const result = h.press('确认');
    expect(result.state.step).toEqual({
      name: 'order.creating',
      selection: [
        { itemId: 1, amount: 150_000 },
        { itemId: 2, amount: 120_000 },
      ],
    });
    expect(result.state.menuRev).toBe(rev + 1);
    expect(shownViews(result)).toEqual([{ placement: 'menu', text: '正在创建订单…', buttons: [], progress: true, lang: 'zh-CN' }]);
    expect(commandsOf(result)).toEqual([
      {
        kind: 'order.create',
        studentId: '2023001',
        lines: [
          { itemId: 1, amount: 150_000 },
          { itemId: 2, amount: 120_000 },
        ],
      },
    ]);
  });

  it('a second tap on 确认 is stale and creates nothing', () => {
    const h = atConfirm();
    const confirmCode = codeOf(h.menu(), '确认');
    h.press('确认');
    const again = h.send({ kind: 'action', code: confirmCode });
    expect(commandsOf(again)).toEqual([]);
    expect(acksOf(again)[0]?.text).toBe('此菜单已过期，已为您显示最新菜单');
  });

  it('返回 aborts the payment (as in the guide)', () => {
    const h = atConfirm();
    const result = h.press('返回');
    expect(messageTexts(result)).toEqual(['已中止本次缴费操作']);
    expect(result.state.step).toEqual({ name: 'home' });
  });
});
