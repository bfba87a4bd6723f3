import { describe, expect, it } from 'vitest';
import { defaultItems, homeHarness, makeConfig, makeFacts } from './fixtures.js';

// Issue 14: due dates in 未缴清项目 and 缴费截止日期 on home; 缴费历史项目 with the date of every
// payment and a link to each receipt.

const PAID_AT = Date.UTC(2026, 2, 14, 2, 30); // 2026-03-14 10:30 in Asia/Shanghai
const items = defaultItems().map((i) =>
  i.id === 1 ? { ...i, dueDate: '2026-09-30' } : i.id === 2 ? { ...i, dueDate: '2026-09-15' } : i.id === 4 ? { ...i, dueDate: '2025-06-30' } : i,
);
const facts = {
  ...makeFacts(items),
  payments: [
    { itemId: 4, amount: 10_000, paidAt: PAID_AT, receiptToken: 'tok-4' },
    { itemId: 3, amount: 200_000, paidAt: PAID_AT - 86_400_000 * 200, receiptToken: 'tok-3b' },
    { itemId: 3, amount: 300_000, paidAt: PAID_AT - 86_400_000 * 300, receiptToken: null },
  ],
};
const config = makeConfig({ receiptUrlPrefix: 'https://fees.example.edu/receipts/' });

describe('due dates and payment history', () => {
  it('home shows the nearest 缴费截止日期 of what is still owed', () => {
    const h = homeHarness({ facts, config });
    // Item 4 (due 2025-06-30) still owes ¥200: it is the nearest.
    expect(h.menu().text).toContain('缴费截止日期：2025-06-30');
  });

  it('未缴清项目 shows each item’s due date', () => {
    const h = homeHarness({ facts, config }).pressAll('收费情况明细');
    const text = h.menu().text;
    expect(text).toMatch(/2025-2026 学费\n {2}应缴 ¥5,000\.00 · 已缴 ¥0\.00 · 未缴 ¥5,000\.00（截止 2026-09-30）/);
    expect(text).toContain('（截止 2026-09-15）');
  });

  it('缴费历史项目 lists every payment with its date, and links each receipt once', () => {
    const h = homeHarness({ facts, config }).pressAll('收费情况明细', '缴费历史项目');
    const menu = h.menu();
    expect(menu.text).toContain('  2026-03-14 缴费 ¥100.00');
    expect(menu.text).toMatch(/2024-2025 学费\n.*\n {2}\d{4}-\d{2}-\d{2} 缴费 ¥2,000\.00\n {2}\d{4}-\d{2}-\d{2} 缴费 ¥3,000\.00/);
    const links = menu.buttons.flat().filter((b) => 'url' in b);
    expect(links.map((b) => ('url' in b ? b.url : ''))).toEqual(['https://fees.example.edu/receipts/tok-4', 'https://fees.example.edu/receipts/tok-3b']);
    expect(links[0]!.label).toBe('电子票据 2026-03-14 ¥100.00');
  });

  it('without a receipt address configured, no links (and no crash)', () => {
    const h = homeHarness({ facts }).pressAll('收费情况明细', '缴费历史项目');
    expect(h.menu().buttons.flat().some((b) => 'url' in b)).toBe(false);
  });
});

describe('新闻公告 on the login and home screens', () => {
  const withNews = {
    ...makeFacts(),
    announcements: [
      { id: 9, title: '缴费提醒', body: '9 月 30 日前缴清学费', lang: 'all' },
      { id: 7, title: '系统维护', body: '周六 22:00–24:00 暂停缴费', lang: 'zh-CN' },
    ],
  };

  it('shows them newest first, and 知道了 hides them in this chat only', () => {
    const h = homeHarness({ facts: withNews });
    const home = h.menu();
    expect(home.text.indexOf('缴费提醒')).toBeLessThan(home.text.indexOf('系统维护'));
    expect(home.buttons.flat().map((b) => b.label)).toContain('知道了（关闭公告）');
    const after = h.press('知道了（关闭公告）');
    expect(after.state.dismissedAnnouncements).toEqual([9, 7]);
    expect(h.menu().text).not.toContain('【公告】');
    expect(h.menu().buttons.flat().map((b) => b.label)).not.toContain('知道了（关闭公告）');
    expect(h.menu().text).toContain('欠费总额');
    // A newer announcement still shows.
    h.facts = { ...withNews, announcements: [{ id: 10, title: '新通知', body: '…', lang: 'all' }, ...withNews.announcements] };
    h.type('menu');
    expect(h.menu().text).toContain('新通知');
    expect(h.menu().text).not.toContain('缴费提醒');
  });
});
