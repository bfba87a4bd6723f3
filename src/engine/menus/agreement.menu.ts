import type { StepOf } from '../engine-env.js';
import { selectionTotal } from '../fees.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

/** When 同意 may be pressed. */
export function agreementUnlocksAt(step: StepOf<'agreement'>, agreementSeconds: number): number {
  return step.shownAt + agreementSeconds * 1000;
}

export function agreementIsOpen(step: StepOf<'agreement'>, agreementSeconds: number, at: number): boolean {
  return step.unlocked || at >= agreementUnlocksAt(step, agreementSeconds);
}

/**
 * 协议: 同意 stays disabled (with a countdown hint) until the reading time is over. Whenever the
 * locked menu is drawn under a new revision, a timer for that revision is scheduled, so a redrawn
 * menu (language switch, stale press) still unlocks on time.
 */
export function agreementMenu(k: MenuKit, step: StepOf<'agreement'>): MenuSpec {
  const { t } = k;
  const { agreementSeconds, agreementText } = k.env.config;
  const unlockAt = agreementUnlocksAt(step, agreementSeconds);
  const open = agreementIsOpen(step, agreementSeconds, k.env.at);
  const seconds = Math.ceil((unlockAt - k.env.at) / 1000);
  const text = `${agreementText[k.state.lang]}\n\n${open ? t('agreement.ready') : t('agreement.countdown', { seconds })}`;
  const agree = open ? k.btn(t('btn.agree'), 'agree') : { ...k.btn(t('btn.agreeCountdown', { seconds }), 'agree', '', true), unlocksAt: unlockAt };
  return {
    text,
    buttons: [[agree, k.btn(t('btn.cancel'), 'cancel')]],
    effects: open
      ? []
      : [{ type: 'timer', delayMs: unlockAt - k.env.at, event: { kind: 'timer.agreementUnlocked', menuRev: k.rev } }],
  };
}

/** 确认: the items and amounts once more. */
export function confirmMenu(k: MenuKit, step: StepOf<'confirm'>): MenuSpec {
  const { t } = k;
  const lines = [t('confirm.title')];
  for (const line of step.selection) {
    const item = k.item(line.itemId);
    const label = k.itemLabel(line.itemId);
    lines.push(
      item && line.amount < item.outstanding
        ? t('confirm.lineInstallment', { item: label, amount: k.money(line.amount), outstanding: k.money(item.outstanding) })
        : t('confirm.line', { item: label, amount: k.money(line.amount) }),
    );
  }
  lines.push(t('confirm.total', { total: k.money(selectionTotal(step.selection)) }), t('confirm.hint'));
  return {
    text: lines.join('\n'),
    buttons: [[k.btn(t('btn.confirm'), 'confirm'), k.btn(t('btn.back'), 'back')]],
  };
}
