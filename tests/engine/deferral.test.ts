import { describe, expect, it } from 'vitest';
import { parseDeferralDate } from '../../src/engine/steps/deferral.step.js';
import { commandsOf, defaultItems, homeHarness, labelsOf, loggedInState, makeFacts, makeItem, makeSession, messageTexts, startedHarness } from './fixtures.js';

// 设置 → 申请缓缴: items → date → reason → a deferral.request command; the answer returns home.
// T0 is 2026-09-01 (UTC).

describe('申请缓缴 (engine)', () => {
  it('walks items → date → reason and asks the runtime to record the request', () => {
    const h = homeHarness();
    h.type('设置');
    expect(labelsOf(h.menu())).toContain('申请缓缴');
    h.press('申请缓缴');
    // Only unpaid items (the paid 2024-2025 学费 is not offered).
    expect(labelsOf(h.menu()).filter((l) => l.includes('学费'))).toHaveLength(1);
    h.press('下一步');
    expect(messageTexts(h.last).join()).toContain('请至少选择一个项目');
    h.press('住宿费');
    h.press('教材费');
    h.press('下一步');
    expect(h.menu().text).toContain('2025-2026 住宿费、2024-2025 教材费');
    h.type('2026-13-01');
    expect(messageTexts(h.last).join()).toContain('日期格式不正确');
    h.type('2026-09-01');
    expect(messageTexts(h.last).join()).toContain('今天之后');
    h.type('2026-12-31');
    expect(h.menu().text).toContain('缓缴至 2026-12-31');
    h.type('   ');
    expect(messageTexts(h.last).join()).toContain('申请原因不能为空');
    h.type('家庭经济困难，奖学金12月发放');
    expect(commandsOf(h.last)).toEqual([
      { kind: 'deferral.request', studentId: '2023001', itemIds: [2, 4], until: '2026-12-31', reason: '家庭经济困难，奖学金12月发放' },
    ]);
    h.send({ kind: 'deferral.requested', deferralId: 5 });
    expect(messageTexts(h.last).join()).toContain('缓缴申请已提交（编号 #5）');
    expect(h.state.step).toEqual({ name: 'home' });
  });

  it('says when a request is already under review, and 取消 goes back to 设置', () => {
    const h = homeHarness();
    h.type('设置');
    h.press('申请缓缴');
    h.press('取消');
    expect(h.state.step).toEqual({ name: 'settings' });
    h.press('申请缓缴');
    h.press('住宿费');
    h.press('下一步');
    h.type('2026-10-01');
    h.type('原因');
    h.send({ kind: 'deferral.refused', reason: 'pending' });
    expect(messageTexts(h.last).join()).toContain('已有一项缓缴申请正在审核中');
  });

  it('offers nothing when all is paid or already deferred, and shows 已缓缴至 on deferred items', () => {
    const deferred = defaultItems().map((i) => (i.id === 2 ? { ...i, deferredUntil: '2026-12-31' } : i));
    const h = homeHarness({ facts: makeFacts(deferred) });
    h.type('设置');
    h.press('申请缓缴');
    expect(labelsOf(h.menu()).some((l) => l.includes('住宿费'))).toBe(false);
    h.press('取消');
    h.type('/menu');
    h.press('收费情况明细');
    expect(h.menu().text).toContain('（已缓缴至 2026-12-31）');

    const paid = homeHarness({ facts: makeFacts([makeItem({ id: 1, amountDue: 100, amountPaid: 100 })]) });
    paid.type('设置');
    paid.press('申请缓缴');
    expect(messageTexts(paid.last).join()).toContain('没有可申请缓缴');
    expect(paid.state.step).toEqual({ name: 'settings' });
  });

  it('accepts only real dates after today and within a year', () => {
    expect(parseDeferralDate('2026-09-02', '2026-09-01')).toEqual({ ok: true, date: '2026-09-02' });
    expect(parseDeferralDate('2027-08-31', '2026-09-01')).toEqual({ ok: true, date: '2027-08-31' });
    expect(parseDeferralDate('2027-09-03', '2026-09-01')).toEqual({ ok: false, problem: 'deferral.dateRange' });
    expect(parseDeferralDate('2027-02-29', '2026-09-01')).toEqual({ ok: false, problem: 'deferral.badDate' });
    expect(parseDeferralDate('2026/12/01', '2026-09-01')).toEqual({ ok: false, problem: 'deferral.badDate' });
  });

  it("counts from the student's local today (facts.today), not the UTC date: at 23:30 UTC it is already tomorrow in Beijing", () => {
    // 2026-09-01 23:30 UTC = 2026-09-02 07:30 Asia/Shanghai; the ledger's facts say today is the 2nd.
    const late = Date.UTC(2026, 8, 1, 23, 30);
    const h = startedHarness({ facts: { ...makeFacts(), today: '2026-09-02' }, now: late, state: loggedInState({ name: 'home' }, { session: makeSession({ lastActiveAt: late }) }) });
    h.type('设置');
    h.press('申请缓缴');
    h.press('住宿费');
    h.press('下一步');
    expect(h.menu().text).toContain('2026-10-02');
    h.type('2026-09-02');
    expect(messageTexts(h.last).join()).toContain('今天之后');
    expect(h.state.step.name).toBe('deferral.until');
    h.type('2026-09-03');
    expect(h.state.step).toMatchObject({ name: 'deferral.reason', until: '2026-09-03' });
  });
});
