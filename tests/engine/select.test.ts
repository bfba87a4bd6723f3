import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import { acksOf, homeHarness, labelsOf, makeFacts, makeItem, menuOf, messageTexts, type Harness } from './fixtures.js';

function atSelect(): Harness {
  return homeHarness().pressAll('网上缴费');
}

function atInstallment(): Harness {
  return atSelect().pressAll('☐ 2025-2026 学费', '分期');
}

describe('网上缴费: selecting items', () => {
  it('offers one toggle per item that still owes, 全选, 下一步 and 返回', () => {
    const h = atSelect();
    const menu = h.menu();
    expect(h.state.step).toEqual({ name: 'select', selection: [] });
    expect(labelsOf(menu)).toEqual([
      '☐ 2025-2026 学费 ¥5,000.00',
      '☐ 2025-2026 住宿费 ¥1,200.00',
      '☐ 2024-2025 教材费 ¥200.00',
      '全选',
      '下一步',
      '返回',
    ]);
    expect(menu.text).toContain('已选 0 项，合计 ¥0.00');
  });

  it('toggles an item with its whole outstanding, and offers 分期 for splittable items', () => {
    const h = atSelect();
    const result = h.press('☐ 2025-2026 学费');
    expect(result.state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 500_000 }] });
    expect(labelsOf(menuOf(result))).toContain('✓ 2025-2026 学费 ¥5,000.00');
    expect(labelsOf(menuOf(result))).toContain('分期：2025-2026 学费（¥5,000.00）');
    expect(menuOf(result).text).toContain('已选 1 项，合计 ¥5,000.00');
    // 住宿费 is not splittable: no 分期 button for it.
    h.press('☐ 2025-2026 住宿费');
    expect(labelsOf(h.menu()).filter((l) => l.startsWith('分期'))).toHaveLength(1);
    expect(h.press('✓ 2025-2026 学费').state.step).toEqual({ name: 'select', selection: [{ itemId: 2, amount: 120_000 }] });
  });

  it('全选 selects everything, then 全不选 clears', () => {
    const h = atSelect().pressAll('☐ 2025-2026 住宿费');
    const all = h.press('全选');
    expect(all.state.step).toEqual({
      name: 'select',
      selection: [
        { itemId: 2, amount: 120_000 },
        { itemId: 1, amount: 500_000 },
        { itemId: 4, amount: 20_000 },
      ],
    });
    expect(menuOf(all).text).toContain('合计 ¥6,400.00');
    expect(h.press('全不选').state.step).toEqual({ name: 'select', selection: [] });
  });

  it('下一步 with nothing selected says 请至少选择一项', () => {
    const h = atSelect();
    const result = h.press('下一步');
    expect(messageTexts(result)).toEqual(['请至少选择一项']);
    expect(result.state.step).toEqual({ name: 'select', selection: [] });
  });

  it('下一步 goes to the agreement', () => {
    const h = atSelect().pressAll('☐ 2025-2026 住宿费');
    const result = h.press('下一步');
    expect(result.state.step).toEqual({ name: 'agreement', selection: [{ itemId: 2, amount: 120_000 }], shownAt: h.now, unlocked: false });
  });

  it('re-validates the selection against the facts before continuing', () => {
    const h = atSelect().pressAll('全选', '分期');
    h.type('2000');
    // Meanwhile another order took 住宿费 and part of 学费 was paid elsewhere.
    h.facts = makeFacts([
      makeItem({ id: 1, feePeriod: '2025-2026', name: '学费', amountDue: 500_000, amountPaid: 400_000, installmentAllowed: true, minInstallment: 100_000 }),
      makeItem({ id: 2, feePeriod: '2025-2026', name: '住宿费', amountDue: 120_000, reserved: 120_000 }),
      makeItem({ id: 4, feePeriod: '2024-2025', name: '教材费', amountDue: 30_000, amountPaid: 10_000 }),
    ]);
    const result = h.press('下一步');
    expect(messageTexts(result)).toEqual(['「2025-2026 学费」的本次金额已调整为 ¥1,000.00', '「2025-2026 住宿费」当前无需缴费，已从本次选择中移除']);
    expect(result.state.step).toEqual({
      name: 'select',
      selection: [
        { itemId: 1, amount: 100_000 },
        { itemId: 4, amount: 20_000 },
      ],
    });
    expect(h.press('下一步').state.step.name).toBe('agreement');
  });

  it('drops everything that no longer owes and then asks for a selection', () => {
    const h = atSelect().pressAll('☐ 2025-2026 住宿费');
    h.facts = makeFacts([makeItem({ id: 2, name: '住宿费', amountDue: 120_000, amountPaid: 120_000 })]);
    const result = h.press('下一步');
    expect(messageTexts(result)).toEqual(['「2025-2026 住宿费」当前无需缴费，已从本次选择中移除', '请至少选择一项']);
    expect(result.state.step).toEqual({ name: 'select', selection: [] });
  });

  it('says so when nothing is owed, with only 返回', () => {
    const h = homeHarness({ facts: makeFacts([makeItem({ id: 1, amountDue: 100, amountPaid: 100 })]) });
    const result = h.press('网上缴费');
    expect(menuOf(result).text).toContain('您目前没有需要缴费的项目。');
    expect(labelsOf(menuOf(result))).toEqual(['返回']);
    expect(h.press('返回').state.step).toEqual({ name: 'home' });
  });

  it('rejects a toggle for an item that owes nothing even with a current code', () => {
    const h = atSelect();
    const result = h.send({ kind: 'action', code: encodeAction({ op: 'tog', arg: '3', rev: h.state.menuRev }) });
    expect(acksOf(result)[0]?.text).toBe('无效操作');
    expect(result.state.step).toEqual({ name: 'select', selection: [] });
  });

  it('rejects 分期 for an item that is not splittable', () => {
    const h = atSelect().pressAll('☐ 2025-2026 住宿费');
    const result = h.send({ kind: 'action', code: encodeAction({ op: 'inst', arg: '2', rev: h.state.menuRev }) });
    expect(acksOf(result)[0]?.text).toBe('无效操作');
  });

  it('返回 goes home', () => {
    expect(atSelect().press('返回').state.step).toEqual({ name: 'home' });
  });

  it('unknown text in the select menu gets help, not silence', () => {
    const h = atSelect();
    const result = h.type('学费');
    expect(messageTexts(result)[0]).toContain('抱歉');
    expect(result.state.step.name).toBe('select');
  });
});

describe('分期: the installment amount', () => {
  it('asks for the amount with the outstanding and the minimum', () => {
    const h = atInstallment();
    expect(h.state.step).toEqual({ name: 'installment.amount', selection: [{ itemId: 1, amount: 500_000 }], itemId: 1 });
    expect(h.menu().text).toContain('分期：2025-2026 学费');
    expect(h.menu().text).toContain('未缴金额：¥5,000.00');
    expect(h.menu().text).toContain('本次最少：¥1,000.00');
    expect(h.menu().input).toBe('text');
    expect(labelsOf(h.menu())).toEqual(['取消']);
  });

  it.each([
    ['12.345', '金额格式不正确：请输入数字，最多两位小数'],
    ['abc', '金额格式不正确：请输入数字，最多两位小数'],
    ['-5', '金额格式不正确：请输入数字，最多两位小数'],
    ['1e3', '金额格式不正确：请输入数字，最多两位小数'],
    ['01000', '金额格式不正确：请输入数字，最多两位小数'],
    ['', '金额格式不正确：请输入数字，最多两位小数'],
    ['0', '金额必须大于 0'],
    ['0.00', '金额必须大于 0'],
    ['999.99', '本次分期金额不能少于 ¥1,000.00'],
    ['5000.01', '本次分期金额不能超过未缴金额 ¥5,000.00'],
    ['100000', '本次分期金额不能超过未缴金额 ¥5,000.00'],
  ])('rejects %j', (text, error) => {
    const h = atInstallment();
    const before = h.state;
    const result = h.type(text);
    // One answer: the error on top of the prompt, no separate notice.
    expect(messageTexts(result)).toEqual([]);
    expect(result.state.step).toEqual(before.step);
    expect(result.state.menuRev).toBe(before.menuRev + 1);
    expect(menuOf(result).text.startsWith(`${error}\n\n`)).toBe(true);
    expect(menuOf(result).text).toContain('分期：2025-2026 学费');
  });

  it.each([
    ['1500', 150_000],
    ['1500.5', 150_050],
    ['¥2,000.50', 200_050],
    ['1000', 100_000],
    ['5000', 500_000],
  ])('accepts %j', (text, amount) => {
    const h = atInstallment();
    const result = h.type(text);
    expect(result.state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount }] });
    expect(messageTexts(result)).toEqual([]);
  });

  it('shows the chosen amount on the toggle and the 分期 button', () => {
    const h = atInstallment();
    const result = h.type('1500');
    expect(labelsOf(menuOf(result))).toContain('✓ 2025-2026 学费 ¥1,500.00');
    expect(labelsOf(menuOf(result))).toContain('分期：2025-2026 学费（¥1,500.00）');
    expect(menuOf(result).text).toContain('合计 ¥1,500.00');
  });

  it('allows less than the minimum when it is the whole rest', () => {
    const items = [makeItem({ id: 1, name: '学费', amountDue: 500_000, amountPaid: 450_000, installmentAllowed: true, minInstallment: 100_000 })];
    const h = homeHarness({ facts: makeFacts(items) }).pressAll('网上缴费', '☐ 2025-2026 学费', '分期');
    expect(h.menu().text).toContain('本次最少：¥500.00');
    expect(menuOf(h.type('400')).text).toContain('本次分期金额不能少于 ¥500.00');
    expect(h.type('500').state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 50_000 }] });
  });

  it('取消 returns to the selection unchanged', () => {
    const h = atInstallment();
    expect(h.press('取消').state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 500_000 }] });
  });

  it('numbers are amounts here, not menu choices', () => {
    const h = atInstallment();
    expect(menuOf(h.type('1')).text).toContain('本次分期金额不能少于 ¥1,000.00');
  });

  it('drops the item if it no longer owes anything', () => {
    const h = atInstallment();
    h.facts = makeFacts([makeItem({ id: 1, name: '学费', amountDue: 500_000, amountPaid: 500_000 })]);
    const result = h.type('1500');
    expect(messageTexts(result)).toEqual(['「2025-2026 学费」当前无需缴费，已从本次选择中移除']);
    expect(result.state.step).toEqual({ name: 'select', selection: [] });
  });
});
