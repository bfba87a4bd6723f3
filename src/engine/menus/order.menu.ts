import { formatDateTime } from '../../display-time.js';
import type { StepOf } from '../engine-env.js';
import type { Button } from '../views.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

export function orderCreatingMenu(k: MenuKit): MenuSpec {
  // No buttons: the confirm menu it replaces can no longer be pressed twice.
  return { text: k.t('order.creating'), buttons: [], progress: true };
}

/**
 * The pay card: the order, its lines and total, the deadline and its status. It lives on after the
 * payment (已支付 → 已开票, or 已关闭/已过期/支付未成功), redrawn in place, and its buttons follow the
 * status: only a 待支付 order can be paid or reported as paid.
 */
export function orderPayingMenu(k: MenuKit, step: StepOf<'order.paying'>): MenuSpec {
  const { t } = k;
  const status = step.status ?? 'pending';
  const pending = status === 'pending';
  const done = status === 'paid' || status === 'receipted';
  // 缴费成功 only once the receipt is there; 已支付 says the receipt is on its way.
  const title = pending ? t('order.title') : status === 'receipted' ? t('card.titleDone') : status === 'paid' ? t('order.statusPaid') : t('card.titleEnded');
  const lines = [title, t('order.id', { orderId: step.orderId })];
  for (const line of step.lines ?? []) lines.push(t('order.line', { item: k.itemLabel(line.itemId), amount: k.money(line.amount) }));
  lines.push(t('order.total', { total: k.money(step.total) }));
  lines.push(t('card.status', { status: t(`card.${status}`) }));
  if (pending && step.expiresAt !== undefined) {
    lines.push(t('card.expiresAt', { time: formatDateTime(step.expiresAt, k.env.config.timezone ?? 'Asia/Shanghai') }));
    const minutes = Math.ceil((step.expiresAt - k.env.at) / 60_000);
    lines.push(minutes > 0 ? t('order.expiresIn', { minutes }) : t('order.expiringNow'));
  }
  if (pending) lines.push(t('order.payHint'));
  if (step.receiptNo) lines.push(t('receipt.no', { receiptNo: step.receiptNo }));
  const rest = done ? remainingOf(k, step) : null;
  if (rest) lines.push(rest.due ? t('card.remaining', { amount: k.money(rest.amount), due: rest.due }) : t('card.remainingNoDue', { amount: k.money(rest.amount) }));

  const itemIds = (step.lines ?? []).map((line) => line.itemId).join('.');
  const home = [k.btn(t('btn.home'), 'home')];
  if (pending) {
    return {
      text: lines.join('\n'),
      image: { kind: 'qr', payload: step.qrPayload },
      buttons: [
        [k.link(t('btn.goPay'), step.payUrl)],
        [k.btn(t('btn.paid'), 'paid'), k.btn(t('btn.problem'), 'problem')],
        [k.btn(t('btn.share'), 'share')],
      ],
    };
  }
  const buttons: Button[][] = [];
  if (step.receiptUrl) buttons.push([k.link(t('btn.receipt'), step.receiptUrl)]);
  if (rest) buttons.push([k.btn(t('btn.continuePay'), 'pay', itemIds)]);
  if (!done) buttons.push([k.btn(t('btn.payAgain'), 'pay', itemIds)]);
  buttons.push(home);
  return { text: lines.join('\n'), buttons, keepsImage: true };
}

/** What is still owed on the card's items after this payment, and the earliest of their due dates. */
function remainingOf(k: MenuKit, step: StepOf<'order.paying'>): { amount: number; due: string | null } | null {
  const items = (step.lines ?? []).map((line) => k.item(line.itemId)).filter((item) => item !== undefined);
  const amount = items.reduce((sum, item) => sum + Math.max(0, item.amountDue - item.amountPaid), 0);
  if (amount <= 0) return null;
  const dues = items.filter((item) => item.amountDue > item.amountPaid && item.dueDate).map((item) => item.dueDate!);
  return { amount, due: dues.sort()[0] ?? null };
}

/** 付款出现问题: the ways out. */
export function orderProblemMenu(k: MenuKit, step: StepOf<'order.problem'>): MenuSpec {
  const { t } = k;
  return {
    text: t('order.problemText', { orderId: step.orderId }),
    buttons: [
      [k.link(t('btn.reopenPay'), step.payUrl)],
      [k.btn(t('btn.closeOrder'), 'close')],
      [k.btn(t('btn.report'), 'report')],
      [k.btn(t('btn.back'), 'back')],
    ],
  };
}

export function orderReportMenu(k: MenuKit, step: StepOf<'order.report'>): MenuSpec {
  return {
    text: k.t('report.prompt', { orderId: step.orderId }),
    buttons: [[k.btn(k.t('btn.cancel'), 'cancel')]],
    input: 'text',
  };
}
