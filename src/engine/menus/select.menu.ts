import type { StepOf } from '../engine-env.js';
import { payableItems, selectionTotal } from '../fees.js';
import type { Button } from '../views.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

/** 网上缴费: one toggle per payable item, 全选, 分期 per selected splittable item, 下一步, 返回. */
export function selectMenu(k: MenuKit, step: StepOf<'select'>): MenuSpec {
  const { t } = k;
  const payable = payableItems(k.env.facts.items);
  if (payable.length === 0) {
    return { text: `${t('select.title')}\n${t('select.nothingOwed')}`, buttons: [[k.btn(t('btn.back'), 'back')]] };
  }
  const lineOf = (itemId: number) => step.selection.find((line) => line.itemId === itemId);
  // Count only lines still payable, so the summary matches the toggles shown.
  const shownSelection = step.selection.filter((line) => payable.some((item) => item.id === line.itemId));

  const toggles: Button[][] = payable.map((item) => {
    const line = lineOf(item.id);
    const key = line ? 'select.itemOn' : 'select.itemOff';
    return [k.btn(t(key, { item: k.itemLabel(item.id), amount: k.money(line?.amount ?? item.outstanding) }), 'tog', item.id)];
  });
  const allSelected = payable.every((item) => lineOf(item.id));
  const installments: Button[][] = payable
    .filter((item) => item.installmentAllowed && lineOf(item.id))
    .map((item) => [
      k.btn(t('btn.installment', { name: k.itemLabel(item.id), amount: k.money(lineOf(item.id)?.amount ?? 0) }), 'inst', item.id),
    ]);

  const lines = [
    t('select.title'),
    t('select.summary', { count: shownSelection.length, total: k.money(selectionTotal(shownSelection)) }),
  ];
  if (payable.some((item) => item.installmentAllowed)) lines.push(t('select.installmentHint'));
  return {
    text: lines.join('\n'),
    buttons: [
      ...toggles,
      [k.btn(allSelected ? t('btn.selectNone') : t('btn.selectAll'), 'all')],
      ...installments,
      [k.btn(t('btn.next'), 'next'), k.btn(t('btn.back'), 'back')],
    ],
  };
}

/** 分期: asks for this time's amount. */
export function installmentMenu(k: MenuKit, step: StepOf<'installment.amount'>): MenuSpec {
  const { t } = k;
  const item = k.item(step.itemId);
  const outstanding = item?.outstanding ?? 0;
  const min = Math.min(item?.minInstallment ?? 0, outstanding);
  return {
    text: t('inst.prompt', {
      item: k.itemLabel(step.itemId),
      outstanding: k.money(outstanding),
      min: k.money(min),
    }),
    buttons: [[k.btn(t('btn.cancel'), 'cancel')]],
    input: 'text',
  };
}
