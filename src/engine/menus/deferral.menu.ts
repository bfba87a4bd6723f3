import type { StepOf } from '../engine-env.js';
import { deferrableItems, isoDate, todayOf } from '../env-queries.js';
import { chunk, type MenuKit, type MenuSpec } from './menu-kit.js';

/** 申请缓缴: the unpaid items as toggles. */
export function deferralItemsMenu(k: MenuKit, step: StepOf<'deferral.items'>): MenuSpec {
  const { t } = k;
  const toggles = deferrableItems(k.env).map((item) =>
    k.btn(t(step.itemIds.includes(item.id) ? 'select.itemOn' : 'select.itemOff', { item: k.itemLabel(item.id), amount: k.money(item.outstanding) }), 'tog', item.id),
  );
  return {
    text: t('deferral.itemsPrompt'),
    buttons: [...chunk(toggles, 1), [k.btn(t('btn.next'), 'next'), k.btn(t('btn.cancel'), 'cancel')]],
  };
}

export function deferralUntilMenu(k: MenuKit, step: StepOf<'deferral.until'>): MenuSpec {
  const { t } = k;
  const items = step.itemIds.map((id) => k.itemLabel(id)).join('、');
  return { text: t('deferral.untilPrompt', { items, example: isoDate(Date.parse(`${todayOf(k.env)}T00:00:00Z`) + 30 * 86_400_000) }), buttons: [[k.btn(t('btn.cancel'), 'cancel')]], input: 'text' };
}

export function deferralReasonMenu(k: MenuKit, step: StepOf<'deferral.reason'>): MenuSpec {
  const { t } = k;
  return { text: t('deferral.reasonPrompt', { until: step.until }), buttons: [[k.btn(t('btn.cancel'), 'cancel')]], input: 'text' };
}
