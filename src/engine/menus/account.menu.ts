import type { StepOf } from '../engine-env.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

type PasswordStep = StepOf<'password.old'> | StepOf<'password.new'> | StepOf<'password.confirm'>;

/** 修改密码 prompts. The forced change (initial password) offers only 退出系统, no 取消. */
export function passwordMenu(k: MenuKit, step: PasswordStep): MenuSpec {
  const { t } = k;
  const text =
    step.name === 'password.old'
      ? t('password.promptOld')
      : step.name === 'password.new'
        ? t('password.promptNew')
        : t('password.promptConfirm');
  const button = step.forced ? k.btn(t('btn.logout'), 'logout') : k.btn(t('btn.cancel'), 'cancel');
  return { text, buttons: [[button]], input: 'password' };
}

/** 修改邮箱 asks for the current password first. */
export function emailPasswordMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  return { text: t('email.promptPassword'), buttons: [[k.btn(t('btn.cancel'), 'cancel')]], input: 'password' };
}

export function emailMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  const current = k.env.facts.student?.recoveryEmailMasked ?? t('email.none');
  return { text: t('email.prompt', { current }), buttons: [[k.btn(t('btn.cancel'), 'cancel')]], input: 'text' };
}

/** The 6-digit code mailed to the new address. */
export function emailCodeMenu(k: MenuKit, step: StepOf<'email.code'>): MenuSpec {
  const { t } = k;
  return { text: t('email.codePrompt', { maskedEmail: step.maskedEmail }), buttons: [[k.btn(t('btn.cancel'), 'cancel')]], input: 'text' };
}
