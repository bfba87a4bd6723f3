import type { StepOf } from '../engine-env.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

export function orderCreatingMenu(k: MenuKit): MenuSpec {
  // No buttons: the confirm menu it replaces can no longer be pressed twice.
  return { text: k.t('order.creating'), buttons: [], progress: true };
}

/** The pay menu: order, lines, deadline, a QR code and the pay link. */
export function orderPayingMenu(k: MenuKit, step: StepOf<'order.paying'>): MenuSpec {
  const { t } = k;
  const lines = [t('order.title'), t('order.id', { orderId: step.orderId })];
  for (const line of step.lines ?? []) lines.push(t('order.line', { item: k.itemLabel(line.itemId), amount: k.money(line.amount) }));
  lines.push(t('order.total', { total: k.money(step.total) }));
  if (step.expiresAt !== undefined) {
    const minutes = Math.ceil((step.expiresAt - k.env.at) / 60_000);
    lines.push(minutes > 0 ? t('order.expiresIn', { minutes }) : t('order.expiringNow'));
  }
  lines.push(t('order.payHint'));
  return {
    text: lines.join('\n'),
    image: { kind: 'qr', payload: step.qrPayload },
    buttons: [[k.link(t('btn.goPay'), step.payUrl)], [k.btn(t('btn.paid'), 'paid'), k.btn(t('btn.problem'), 'problem')]],
  };
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
