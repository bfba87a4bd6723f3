import type { StepOf } from '../engine-env.js';
import { feePeriods, historyItems, unpaidItems } from '../fees.js';
import type { Button } from '../views.js';
import { chunk, type MenuKit, type MenuSpec } from './menu-kit.js';

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
      lines.push(line + reserved + deferred);
    } else {
      lines.push(t('items.historyLine', { item: name, paid: k.money(item.amountPaid), due: k.money(item.amountDue) }));
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
      [k.btn(t('btn.pay'), 'pay')],
      [k.btn(t('btn.back'), 'back')],
    ],
  };
}
