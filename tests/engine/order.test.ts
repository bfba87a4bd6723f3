import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/engine/state.js';
import {
  MINUTE,
  T0,
  acksOf,
  applyEvent,
  codeOf,
  commandsOf,
  createHarness,
  homeHarness,
  labelsOf,
  loggedInState,
  menuOf,
  messageTexts,
  shownViews,
  startedHarness,
  type Harness,
} from './fixtures.js';

const PAY_URL = 'https://pay.example/p/ORD1';
const LINES = [
  { itemId: 1, amount: 150_000 },
  { itemId: 2, amount: 120_000 },
];

function atCreating(): Harness {
  const h = homeHarness();
  h.state = { ...h.state, step: { name: 'confirm', selection: LINES } };
  h.type('help'); // redraw the confirm menu
  h.press('确认');
  return h;
}

function atPaying(): Harness {
  const h = atCreating();
  h.send({ kind: 'order.created', orderId: 'ORD1', payUrl: PAY_URL, qrPayload: PAY_URL, total: 270_000, expiresAt: h.now + 30 * MINUTE });
  return h;
}

describe('order creation', () => {
  it('order.created shows the pay menu: order, lines, deadline, QR and link', () => {
    const h = atPaying();
    expect(h.state.step).toEqual({
      name: 'order.paying',
      orderId: 'ORD1',
      payUrl: PAY_URL,
      qrPayload: PAY_URL,
      total: 270_000,
      lines: LINES,
      expiresAt: T0 + 30 * MINUTE,
    });
    const menu = h.menu();
    expect(menu.text).toContain('订单号：ORD1');
    expect(menu.text).toContain('• 2025-2026 学费 ¥1,500.00');
    expect(menu.text).toContain('合计：¥2,700.00');
    expect(menu.text).toContain('请在 30 分钟内完成支付');
    expect(menu.image).toEqual({ kind: 'qr', payload: PAY_URL });
    expect(menu.buttons).toEqual([
      [{ label: '去支付', url: PAY_URL }],
      [
        { label: '付款已成功', code: codeOf(menu, '付款已成功') },
        { label: '付款出现问题', code: codeOf(menu, '付款出现问题') },
      ],
      [{ label: '分享给家长代付', code: codeOf(menu, '分享给家长代付') }],
    ]);
    expect(menu.text).toContain('状态：待支付');
    expect(menu.text).toMatch(/支付截止：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(h.state.menuCodes).toEqual([codeOf(menu, '付款已成功'), codeOf(menu, '付款出现问题'), codeOf(menu, '分享给家长代付')]);
  });

  it('order.failed (exceeds outstanding) sends the student back to a fresh selection', () => {
    const h = atCreating();
    const result = h.send({ kind: 'order.failed', reason: 'exceedsOutstanding' });
    expect(messageTexts(result)).toEqual(['所选金额超过当前未缴金额（可能已有订单在处理中），请重新选择']);
    expect(result.state.step).toEqual({ name: 'select', selection: [] });
  });

  it('order.failed (gateway) goes back to 确认 with the same lines', () => {
    const h = atCreating();
    const result = h.send({ kind: 'order.failed', reason: 'gateway' });
    expect(messageTexts(result)).toEqual(['支付平台暂时不可用，请稍后再试']);
    expect(result.state.step).toEqual({ name: 'confirm', selection: LINES });
    expect(labelsOf(menuOf(result))).toEqual(['确认', '返回']);
  });

  it('an order created after the student left still offers its pay link', () => {
    const h = atCreating();
    h.type('menu');
    const result = h.send({ kind: 'order.created', orderId: 'ORD1', payUrl: PAY_URL, qrPayload: PAY_URL, total: 270_000, expiresAt: h.now + MINUTE });
    expect(result.state.step).toEqual({ name: 'home' });
    expect(shownViews(result)).toEqual([
      { placement: 'message', text: '订单 ORD1 已创建（合计 ¥2,700.00），可点击「去支付」完成支付', buttons: [[{ label: '去支付', url: PAY_URL }]] },
    ]);
  });

  it('text while the order is being created gets help and the waiting menu', () => {
    const h = atCreating();
    const result = h.type('hello');
    expect(messageTexts(result)[0]).toContain('抱歉');
    expect(menuOf(result).text).toBe('正在创建订单…');
  });
});

describe('分享给家长代付', () => {
  it('asks for the order’s link and shows it below the card, to forward', () => {
    const h = atPaying();
    const pressed = h.press('分享给家长代付');
    expect(commandsOf(pressed)).toEqual([{ kind: 'order.share', orderId: 'ORD1' }]);
    const shared = h.send({ kind: 'order.shared', orderId: 'ORD1', url: 'https://fees.example/pay-for/ORD1.sig' });
    expect(messageTexts(shared)[0]).toContain('https://fees.example/pay-for/ORD1.sig');
    expect(shownViews(shared)[0]!.buttons).toEqual([[{ label: '打开代付页', url: 'https://fees.example/pay-for/ORD1.sig' }]]);
    expect(shared.state.step).toMatchObject({ name: 'order.paying', orderId: 'ORD1' });
  });

  it('offers no 代付 once the card is no longer 待支付', () => {
    const h = atPaying();
    const code = codeOf(h.menu(), '分享给家长代付');
    h.send({ kind: 'order.status', orderId: 'ORD1', status: 'closed' });
    expect(labelsOf(h.menu())).not.toContain('分享给家长代付');
    // Even a crafted press with the current revision is refused.
    const rev = h.state.menuRev;
    const forged = h.send({ kind: 'action', code: code.replace(/:[0-9a-z]+$/, `:${rev.toString(36)}`) });
    expect(commandsOf(forged)).toEqual([]);
  });
});

describe('付款已成功 and order status', () => {
  it('付款已成功 asks the gateway and acknowledges', () => {
    const h = atPaying();
    const before = h.state;
    const result = h.press('付款已成功');
    expect(commandsOf(result)).toEqual([{ kind: 'order.query', orderId: 'ORD1' }]);
    expect(acksOf(result)).toEqual([{ type: 'ack', text: '正在查询支付结果…', alert: false }]);
    expect(result.state.step).toEqual(before.step);
  });

  it('status pending → a notice; the card stays 待支付', () => {
    const h = atPaying().pressAll('付款已成功');
    const result = h.send({ kind: 'order.status', orderId: 'ORD1', status: 'pending' });
    expect(messageTexts(result)).toEqual(['尚未收到付款。如已完成支付，请稍候再点击「付款已成功」']);
    expect(result.state.step).toMatchObject({ name: 'order.paying' });
  });

  it.each([
    // The fixture's items still owe money (facts unchanged), hence 继续缴费.
    ['paid', '状态：已支付（电子票据开具中…）', ['继续缴费', '返回主菜单']],
    ['failed', '状态：支付未成功', ['重新支付', '返回主菜单']],
    ['expired', '状态：已过期', ['重新支付', '返回主菜单']],
    ['closed', '状态：已关闭', ['重新支付', '返回主菜单']],
  ] as const)('status %s → the card redrawn with %j and its buttons', (status, line, labels) => {
    const h = atPaying().pressAll('付款已成功');
    const result = h.send({ kind: 'order.status', orderId: 'ORD1', status });
    expect(messageTexts(result)).toEqual([]);
    expect(result.state.step).toMatchObject({ name: 'order.paying', orderId: 'ORD1', status });
    const card = menuOf(result);
    expect(card.text).toContain(line);
    expect(card.text).toContain('合计：¥2,700.00');
    // No pay link, no QR and no 付款已成功 on an order that can no longer be paid.
    expect(card.image).toBeUndefined();
    expect(labelsOf(card)).toEqual(labels);
  });

  it('重新支付 ticks the card’s items again', () => {
    const h = atPaying();
    h.send({ kind: 'order.status', orderId: 'ORD1', status: 'failed', pushed: true });
    const again = h.press('重新支付');
    expect(again.state.step.name).toBe('select');
    expect((again.state.step as Extract<Step, { name: 'select' }>).selection.map((l) => l.itemId)).toEqual([1, 2]);
  });

  it('a card already 已开票 is not taken back by a late status', () => {
    const h = atPaying();
    h.send({ kind: 'payment.confirmed', orderId: 'ORD1', total: 270_000, receiptNo: 'R1', receiptUrl: 'https://fee.example/r/1' });
    const late = h.send({ kind: 'order.status', orderId: 'ORD1', status: 'closed' });
    expect(late.state.step).toMatchObject({ status: 'receipted' });
  });

  it('ignores a status for another order', () => {
    const h = atPaying();
    const before = h.state;
    expect(h.send({ kind: 'order.status', orderId: 'OTHER', status: 'failed' })).toEqual({ state: before, effects: [] });
  });
});

describe('付款出现问题', () => {
  it('offers the link again, 取消订单, 报告问题 and 返回', () => {
    const h = atPaying();
    const result = h.press('付款出现问题');
    expect(result.state.step).toMatchObject({ name: 'order.problem', orderId: 'ORD1', payUrl: PAY_URL });
    expect(menuOf(result).buttons).toEqual([
      [{ label: '重新打开支付链接', url: PAY_URL }],
      [{ label: '取消订单', code: codeOf(menuOf(result), '取消订单') }],
      [{ label: '报告问题', code: codeOf(menuOf(result), '报告问题') }],
      [{ label: '返回', code: codeOf(menuOf(result), '返回') }],
    ]);
    const back = h.press('返回');
    expect(back.state.step).toMatchObject({ name: 'order.paying', orderId: 'ORD1', lines: LINES });
  });

  it('取消订单 closes the order; order.closed turns the card to 已关闭 in place', () => {
    const h = atPaying().pressAll('付款出现问题');
    const close = h.press('取消订单');
    expect(commandsOf(close)).toEqual([{ kind: 'order.close', orderId: 'ORD1' }]);
    const closed = h.send({ kind: 'order.closed', orderId: 'ORD1' });
    expect(closed.state.step).toMatchObject({ name: 'order.paying', status: 'closed' });
    expect(menuOf(closed).text).toContain('状态：已关闭');
    expect(labelsOf(menuOf(closed))).toEqual(['重新支付', '返回主菜单']);
  });

  it('报告问题 takes a description and comes back to the pay menu', () => {
    const h = atPaying().pressAll('付款出现问题');
    const prompt = h.press('报告问题');
    expect(prompt.state.step).toMatchObject({ name: 'order.report', orderId: 'ORD1' });
    expect(menuOf(prompt).input).toBe('text');
    const sent = h.type('  已扣款但页面显示失败  ');
    expect(commandsOf(sent)).toEqual([
      { kind: 'problem.report', studentId: '2023001', orderId: 'ORD1', description: '已扣款但页面显示失败' },
    ]);
    const done = h.send({ kind: 'problem.reported', reportId: 12 });
    expect(messageTexts(done)).toEqual(['问题已提交（编号 #12），财务老师会尽快处理。急事请联系财务处']);
    expect(done.state.step).toMatchObject({ name: 'order.paying', orderId: 'ORD1', total: 270_000 });
  });

  it('报告问题 refuses an empty or overlong description; 取消 goes back', () => {
    const h = atPaying().pressAll('付款出现问题', '报告问题');
    expect(messageTexts(h.type('   '))).toEqual(['问题描述不能为空']);
    expect(messageTexts(h.type('x'.repeat(501)))).toEqual(['问题描述不能超过 500 字']);
    expect(commandsOf(h.last)).toEqual([]);
    expect(h.press('取消').state.step.name).toBe('order.problem');
  });

  it('a report step from an older state (no order details) returns home', () => {
    const h = createHarness({ state: loggedInState({ name: 'order.report', orderId: 'ORD1' }) });
    expect(h.send({ kind: 'problem.reported', reportId: 3 }).state.step).toEqual({ name: 'home' });
  });
});

describe('proactive events', () => {
  const confirmed = { kind: 'payment.confirmed', orderId: 'ORD1', total: 270_000, receiptNo: 'R2026-0001', receiptUrl: 'https://fee.example/r/abc' } as const;
  const receiptView = {
    placement: 'message',
    text: '缴费成功\n订单号：ORD1\n金额：¥2,700.00\n电子票据号：R2026-0001',
    buttons: [[{ label: '查看电子票据', url: 'https://fee.example/r/abc' }]],
    // The same facts as data, for channels that must send them another way (WeChat templates).
    notice: { kind: 'payment.confirmed', orderId: 'ORD1', total: 270_000, receiptNo: 'R2026-0001', receiptUrl: 'https://fee.example/r/abc' },
  };

  it('payment.confirmed while paying that order: the card turns 已开票 in place, with the receipt link', () => {
    const h = atPaying();
    const result = h.send(confirmed);
    expect(shownViews(result)).toHaveLength(1);
    const card = menuOf(result);
    expect(card.text).toContain('缴费成功');
    expect(card.text).toContain('状态：已开票');
    expect(card.text).toContain('电子票据号：R2026-0001');
    expect(card.notice).toEqual(receiptView.notice);
    expect(card.buttons[0]).toEqual([{ label: '查看电子票据', url: 'https://fee.example/r/abc' }]);
    expect(labelsOf(card)).toEqual(['查看电子票据', '继续缴费', '返回主菜单']);
    expect(result.state.step).toMatchObject({ name: 'order.paying', status: 'receipted' });
    expect(h.press('返回主菜单').state.step).toEqual({ name: 'home' });
  });

  it('after a 分期 payment the card says what is left and by when, with 继续缴费', () => {
    const h = atPaying();
    // 学费 ¥1,500 of ¥5,000 paid (due 2026-09-30), 住宿费 paid in full.
    h.facts = {
      ...h.facts,
      items: h.facts.items.map((i) =>
        i.id === 1 ? { ...i, amountPaid: 150_000, outstanding: 350_000, dueDate: '2026-09-30' } : i.id === 2 ? { ...i, amountPaid: 120_000, outstanding: 0 } : i,
      ),
    };
    const card = menuOf(h.send(confirmed));
    expect(card.text).toContain('还剩 ¥3,500.00，截止 2026-09-30');
    expect(labelsOf(card)).toEqual(['查看电子票据', '继续缴费', '返回主菜单']);
    const next = h.press('继续缴费');
    expect(next.state.step).toEqual({ name: 'select', selection: [{ itemId: 1, amount: 350_000 }] });
  });

  it('a card paid in full offers no 继续缴费', () => {
    const h = atPaying();
    h.facts = { ...h.facts, items: h.facts.items.map((i) => (i.id <= 2 ? { ...i, amountPaid: i.amountDue, outstanding: 0 } : i)) };
    const card = menuOf(h.send(confirmed));
    expect(card.text).not.toContain('还剩');
    expect(labelsOf(card)).toEqual(['查看电子票据', '返回主菜单']);
  });

  it.each<[string, Step]>([
    ['home', { name: 'home' }],
    ['select', { name: 'select', selection: [] }],
    ['another order', { name: 'order.paying', orderId: 'ORD2', payUrl: 'u', qrPayload: 'u', total: 1 }],
  ])('payment.confirmed in %s: only the receipt', (_label, step) => {
    const state = loggedInState(step);
    const result = applyEvent(state, { ...confirmed, at: T0 });
    expect(result).toEqual({ state, effects: [{ type: 'show', view: receiptView }] });
  });

  it('payment.confirmed reaches a logged-out chat too', () => {
    const h = startedHarness();
    const before = h.state;
    const result = h.send(confirmed);
    expect(result).toEqual({ state: before, effects: [{ type: 'show', view: receiptView }] });
  });

  it('payment.confirmed in English', () => {
    const h = atPaying();
    h.type('lang');
    const card = menuOf(h.send(confirmed));
    expect(card.text).toContain('Payment successful\nOrder no.: ORD1');
    expect(card.text).toContain('Status: receipt issued');
    expect(card.text).toContain('E-receipt no.: R2026-0001');
  });

  it('order.expired while paying it: the card turns 已过期; elsewhere: message only', () => {
    const h = atPaying();
    const result = h.send({ kind: 'order.expired', orderId: 'ORD1' });
    expect(messageTexts(result)).toEqual([]);
    expect(menuOf(result).text).toContain('状态：已过期');
    expect(menuOf(result).notice).toEqual({ kind: 'order.expired', orderId: 'ORD1' });
    h.press('返回主菜单');
    const home = h.state;
    const again = h.send({ kind: 'order.expired', orderId: 'ORD1' });
    expect(again.state).toEqual(home);
    expect(messageTexts(again)).toEqual(['订单已超时关闭（订单号 ORD1）']);
  });
});
