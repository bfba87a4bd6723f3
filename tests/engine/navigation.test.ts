import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import {
  acksOf,
  codeOf,
  commandsOf,
  createHarness,
  homeHarness,
  labelsOf,
  loggedInState,
  makeFacts,
  makeItem,
  menuOf,
  messageTexts,
  startedHarness,
} from './fixtures.js';

describe('home (学生基本信息)', () => {
  it('shows the student, the 欠费总额 and the main buttons', () => {
    const h = homeHarness();
    const menu = h.menu();
    expect(menu.placement).toBe('menu');
    expect(menu.text).toContain('学生基本信息');
    expect(menu.text).toContain('姓名：张三');
    expect(menu.text).toContain('学号：2023001');
    expect(menu.text).toContain('软件工程');
    expect(menu.text).toContain('欠费总额：¥6,400.00');
    expect(menu.text).not.toContain('处理中');
    expect(menu.buttons.map((row) => row.map((b) => b.label))).toEqual([
      ['明细', '收费情况明细'],
      ['网上缴费'],
      ['修改密码', '修改邮箱'],
      ['退出系统', 'English'],
    ]);
    expect(h.state.menuCodes).toHaveLength(7);
  });

  it('counts reserved money as 处理中, not as arrears', () => {
    const items = [makeItem({ id: 1, amountDue: 500_000, reserved: 200_000 }), makeItem({ id: 2, amountDue: 100_000, amountPaid: 100_000 })];
    const h = homeHarness({ facts: makeFacts(items) });
    expect(h.menu().text).toContain('欠费总额：¥3,000.00');
    expect(h.menu().text).toContain('处理中 ¥2,000.00');
  });

  it('明细 lists arrears per year, newest first, with 返回', () => {
    const h = homeHarness();
    const result = h.press('明细');
    const text = menuOf(result).text;
    expect(text).toContain('2025-2026：¥6,200.00');
    expect(text).toContain('2024-2025：¥200.00');
    expect(text.indexOf('2025-2026')).toBeLessThan(text.indexOf('2024-2025'));
    expect(text).toContain('欠费总额：¥6,400.00');
    expect(labelsOf(menuOf(result))).toEqual(['返回']);
    expect(h.press('返回').state.step).toEqual({ name: 'home' });
  });

  it('明细 leaves out periods without arrears', () => {
    const items = [makeItem({ id: 1, feePeriod: '2024-2025', amountDue: 100, amountPaid: 100 }), makeItem({ id: 2, amountDue: 100 })];
    const h = homeHarness({ facts: makeFacts(items) });
    expect(menuOf(h.press('明细')).text).not.toContain('2024-2025');
  });
});

describe('收费情况明细', () => {
  it('lists unpaid items with due, paid and outstanding', () => {
    const h = homeHarness();
    const result = h.press('收费情况明细');
    expect(result.state.step).toEqual({ name: 'items', tab: 'unpaid', period: null });
    const text = menuOf(result).text;
    expect(text).toContain('收费情况明细 · 未缴清项目');
    expect(text).toContain('收费期间：全部');
    expect(text).toContain('2025-2026 学费\n  应缴 ¥5,000.00 · 已缴 ¥0.00 · 未缴 ¥5,000.00');
    expect(text).toContain('2024-2025 教材费\n  应缴 ¥300.00 · 已缴 ¥100.00 · 未缴 ¥200.00');
    expect(text).not.toContain('2024-2025 学费');
    expect(labelsOf(menuOf(result))).toEqual(['✓ 未缴清项目', '缴费历史项目', '✓ 全部', '2025-2026', '2024-2025', '网上缴费', '返回']);
  });

  it('缴费历史项目 shows what was paid', () => {
    const h = homeHarness().pressAll('收费情况明细');
    const text = menuOf(h.press('缴费历史项目')).text;
    expect(text).toContain('2024-2025 学费\n  已缴 ¥5,000.00（应缴 ¥5,000.00）');
    expect(text).toContain('2024-2025 教材费\n  已缴 ¥100.00（应缴 ¥300.00）');
    expect(text).not.toContain('住宿费');
  });

  it('filters by 收费期间 and back to 全部', () => {
    const h = homeHarness().pressAll('收费情况明细');
    const filtered = h.press('2024-2025');
    expect(filtered.state.step).toEqual({ name: 'items', tab: 'unpaid', period: '2024-2025' });
    expect(menuOf(filtered).text).toContain('收费期间：2024-2025');
    expect(menuOf(filtered).text).not.toContain('住宿费');
    expect(labelsOf(menuOf(filtered))).toContain('✓ 2024-2025');
    expect(h.press('全部').state.step).toEqual({ name: 'items', tab: 'unpaid', period: null });
  });

  it('says so when a tab is empty, and offers 网上缴费 and 返回', () => {
    const h = homeHarness({ facts: makeFacts([makeItem({ id: 1, amountDue: 100 })]) }).pressAll('收费情况明细');
    expect(menuOf(h.press('缴费历史项目')).text).toContain('暂无缴费历史项目');
    expect(h.press('网上缴费').state.step.name).toBe('select');
  });
});

describe('stale and invalid buttons', () => {
  it('never performs an outdated button: ack + the current menu again', () => {
    const h = homeHarness();
    const oldPay = codeOf(h.menu(), '网上缴费');
    h.press('明细');
    const rev = h.state.menuRev;
    const result = h.send({ kind: 'action', code: oldPay });
    expect(acksOf(result)).toEqual([{ type: 'ack', text: '此菜单已过期，已为您显示最新菜单', alert: false }]);
    expect(result.state.step).toEqual({ name: 'arrears.detail' });
    // Drawn again under its own revision: a press on the current menu racing the redraw still works.
    expect(result.state.menuRev).toBe(rev);
    expect(menuOf(result).text).toContain('各年度欠费金额');
    h.send({ kind: 'action', code: oldPay });
    h.press('返回');
    expect(h.state.step).toEqual({ name: 'home' });
  });

  it.each(['garbage', '', 'v1:explode::1', 'v1:home::1:extra'])('answers the code %j with 无效操作', (code) => {
    const h = homeHarness();
    const rev = h.state.menuRev;
    const result = h.send({ kind: 'action', code });
    expect(acksOf(result)).toEqual([{ type: 'ack', text: '无效操作', alert: false }]);
    expect(result.state.step).toEqual({ name: 'home' });
    expect(result.state.menuRev).toBe(rev);
    expect(menuOf(result).text).toContain('学生基本信息');
  });

  it('treats a current code that means nothing here as invalid', () => {
    const h = homeHarness();
    const result = h.send({ kind: 'action', code: encodeAction({ op: 'agree', arg: '', rev: h.state.menuRev }) });
    expect(acksOf(result)[0]?.text).toBe('无效操作');
    expect(result.state.step).toEqual({ name: 'home' });
  });
});

describe('typed commands', () => {
  it.each([
    ['menu', 'home'],
    ['/MENU', 'home'],
    ['菜单', 'home'],
    [' Pay ', 'select'],
    ['缴费', 'select'],
    ['/history', 'items'],
    ['历史', 'items'],
    ['settings', 'settings'],
    ['设置', 'settings'],
    ['/logout', 'login.studentId'],
    ['退出', 'login.studentId'],
    ['/start', 'home'],
  ])('%j → %s', (text, stepName) => {
    const h = homeHarness().pressAll('明细');
    expect(h.type(text).state.step.name).toBe(stepName);
  });

  it.each(['help', '/help', '帮助', 'HELP'])('%j lists the commands and re-shows the menu', (text) => {
    const h = homeHarness();
    const result = h.type(text);
    expect(messageTexts(result)[0]).toContain('菜单 / menu');
    expect(result.state.step).toEqual({ name: 'home' });
    expect(menuOf(result).text).toContain('学生基本信息');
  });

  it.each(['lang', 'language', '语言', '/lang'])('%j switches the language', (text) => {
    const h = homeHarness();
    const result = h.type(text);
    expect(result.state.lang).toBe('en');
    expect(menuOf(result).text).toContain('Total arrears: ¥6,400.00');
    expect(labelsOf(menuOf(result))).toContain('Pay online');
  });

  it('commands that need a session ask for a login first', () => {
    const h = startedHarness();
    const result = h.type('/pay');
    expect(messageTexts(result)).toEqual(['请先登录']);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
    expect(messageTexts(h.type('help'))[0]).toContain('可用指令');
  });

  it('answers unknown text with help and the current menu, never silence, never an echo', () => {
    const h = homeHarness();
    const result = h.type('where is my money XYZ');
    const [text] = messageTexts(result);
    expect(text).toContain('抱歉，没有理解您的输入。');
    expect(text).toContain('缴费 / pay');
    expect(text).not.toContain('XYZ');
    expect(menuOf(result).text).toContain('学生基本信息');
  });

  it('answers in English after a language switch, and switches back', () => {
    const h = homeHarness().pressAll('English');
    expect(messageTexts(h.type('???'))[0]).toContain('Sorry, I did not understand that.');
    const back = h.press('中文');
    expect(back.state.lang).toBe('zh-CN');
    expect(menuOf(back).text).toContain('学生基本信息');
  });
});

describe('numbered replies (channels without buttons)', () => {
  it('picks the n-th button of the current menu', () => {
    const h = homeHarness();
    expect(h.type('3').state.step).toEqual({ name: 'select', selection: [] });
    expect(h.type(' 2 ').state.step.name).toBe('select'); // 2nd button of the select menu: a toggle
    expect(h.state.step).toEqual({ name: 'select', selection: [{ itemId: 2, amount: 120_000 }] });
  });

  it.each(['0', '8', '99'])('answers %j outside the menu with a hint and the menu', (text) => {
    const h = homeHarness();
    const result = h.type(text);
    expect(messageTexts(result)).toEqual([`没有第 ${Number(text)} 项，请回复菜单中的序号`]);
    expect(result.state.step).toEqual({ name: 'home' });
  });

  it('skips link buttons when numbering', () => {
    const state = loggedInState({ name: 'order.paying', orderId: 'O1', payUrl: 'https://pay.example/O1', qrPayload: 'https://pay.example/O1', total: 100 });
    const h = createHarness({ state });
    const shown = h.type('help'); // re-shows the pay menu
    expect(menuOf(shown).buttons[0]).toEqual([{ label: '去支付', url: 'https://pay.example/O1' }]);
    expect(h.state.menuCodes).toEqual([codeOf(menuOf(shown), '付款已成功'), codeOf(menuOf(shown), '付款出现问题'), codeOf(menuOf(shown), '分享给家长代付')]);
    const result = h.type('1');
    expect(commandsOf(result)).toEqual([{ kind: 'order.query', orderId: 'O1' }]);
    // The "checking…" ack becomes a message: a text reply has no button press to answer.
    expect(messageTexts(result)).toEqual(['正在查询支付结果…']);
    expect(acksOf(result)).toEqual([]);
  });
});
