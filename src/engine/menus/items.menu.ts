import { formatDateTime } from '../../display-time.js';
import type { StepOf } from '../engine-env.js';
import { feePeriods, historyItems, unpaidItems } from '../fees.js';
import type { Button } from '../views.js';
import { chunk, type MenuKit, type MenuSpec } from './menu-kit.js';

/** Receipt links shown under 缴费历史项目 (the newest; the rest are on the receipts' own pages). */
const MAX_RECEIPT_LINKS = 5;

/**
 * 收费情况明细: the 未缴清项目 / 缴费历史项目 tabs, filtered by 收费期间. Period buttons carry the
 * period's index in the newest-first period list (periods are free text; codes are not).
 */
export function itemsMenu(k: MenuKit, step: StepOf<'items'>): MenuSpec {
  const { t } = k;
  const all = k.env.facts.items;
  const periods = feePeriods(all);
  const period = step.period !== null && periods.includes(step.period) ? step.period : null;
  const inPeriod = all.filter((item) => period === null || item.feePeriod === period);
  const unpaidTab = step.tab === 'unpaid';
  const payments = k.env.facts.payments ?? [];
  const dateOf = (at: number) => formatDateTime(at, k.env.config.timezone ?? 'Asia/Shanghai').slice(0, 10);

  const lines = [
    t('items.title', { tab: unpaidTab ? t('btn.tabUnpaid') : t('btn.tabHistory') }),
    t('items.period', { period: period ?? t('btn.periodAll') }),
  ];
  const shown = unpaidTab ? unpaidItems(inPeriod) : historyItems(inPeriod);
  if (shown.length === 0) lines.push(unpaidTab ? t('items.noneUnpaid') : t('items.noneHistory'));
  for (const item of shown) {
    const name = k.itemLabel(item.id);
    if (unpaidTab) {
      const line = t('items.unpaidLine', {
        item: name,
        due: k.money(item.amountDue),
        paid: k.money(item.amountPaid),
        outstanding: k.money(item.outstanding),
      });
      const reserved = item.reserved > 0 ? t('items.reservedSuffix', { amount: k.money(item.reserved) }) : '';
      const deferred = item.deferredUntil ? t('items.deferredSuffix', { until: item.deferredUntil }) : '';
      const due = item.dueDate ? t('items.dueSuffix', { date: item.dueDate }) : '';
      lines.push(line + due + reserved + deferred);
    } else {
      lines.push(t('items.historyLine', { item: name, paid: k.money(item.amountPaid), due: k.money(item.amountDue) }));
      for (const payment of payments.filter((p) => p.itemId === item.id)) {
        lines.push(t('items.paymentLine', { date: dateOf(payment.paidAt), amount: k.money(payment.amount) }));
      }
    }
  }
  // One link per receipt (an order paying several items has one), newest first.
  const receiptLinks: Button[][] = [];
  const prefix = k.env.config.receiptUrlPrefix;
  if (!unpaidTab && prefix) {
    const shownIds = new Set(shown.map((item) => item.id));
    const seen = new Set<string>();
    for (const payment of payments) {
      if (!payment.receiptToken || seen.has(payment.receiptToken) || !shownIds.has(payment.itemId)) continue;
      seen.add(payment.receiptToken);
      const total = payments.filter((p) => p.receiptToken === payment.receiptToken).reduce((sum, p) => sum + p.amount, 0);
      if (receiptLinks.length < MAX_RECEIPT_LINKS) {
        receiptLinks.push([k.link(t('btn.receiptOf', { date: dateOf(payment.paidAt), amount: k.money(total) }), `${prefix}${payment.receiptToken}`)]);
      }
    }
  }

  const mark = (label: string, active: boolean): string => (active ? t('btn.active', { label }) : label);
  const periodButtons: Button[] = [
    k.btn(mark(t('btn.periodAll'), period === null), 'period', ''),
    ...periods.map((p, index) => k.btn(mark(p, p === period), 'period', index)),
  ];
  return {
    text: lines.join('\n'),
    buttons: [
      [k.btn(mark(t('btn.tabUnpaid'), unpaidTab), 'tab', 'unpaid'), k.btn(mark(t('btn.tabHistory'), !unpaidTab), 'tab', 'history')],
      ...chunk(periodButtons, 3),
      ...receiptLinks,
      [k.btn(t('btn.pay'), 'pay')],
      [k.btn(t('btn.back'), 'back')],
    ],
  };
}
