import { financeOffice, universityName } from '../branding-text.js';
import type { StepOf } from '../engine-env.js';
import { announcementButtons, withAnnouncements } from './announcement.menu.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

export function loginStudentIdMenu(k: MenuKit): MenuSpec {
  return {
    text: withAnnouncements(k, k.t('login.promptStudentId', { university: universityName(k.env, k.state.lang) }).trimStart()),
    buttons: [[k.btn(k.t('btn.forgotPassword'), 'forgot'), k.btn(k.t('btn.switchLang'), 'lang')], ...announcementButtons(k)],
    input: 'text',
  };
}

export function loginPasswordMenu(k: MenuKit, step: StepOf<'login.password'>): MenuSpec {
  return {
    text: k.t('login.promptPassword', { studentId: step.studentId }),
    buttons: [[k.btn(k.t('btn.forgotPassword'), 'forgot'), k.btn(k.t('btn.changeStudentId'), 'back')]],
    input: 'password',
  };
}

/**
 * The login captcha. Its picture is not kept in the state: drawn without one (a redraw after help,
 * a language switch, a stale press…), the menu asks for a new captcha, whose arrival redraws it.
 */
export function loginCaptchaMenu(k: MenuKit, step: StepOf<'login.captcha'>): MenuSpec {
  const spec: MenuSpec = {
    text: k.t('captcha.prompt', { studentId: step.studentId }),
    buttons: [[k.btn(k.t('btn.refreshCaptcha'), 'captcha'), k.btn(k.t('btn.cancel'), 'cancel')]],
    input: 'text',
  };
  if (k.image) return { ...spec, image: k.image };
  return { ...spec, effects: [{ type: 'command', command: { kind: 'captcha.refresh', studentId: step.studentId } }] };
}

/** The first-login proof of identity: masked input, like a password. */
export function loginProofMenu(k: MenuKit, step: StepOf<'login.proof'>): MenuSpec {
  const text =
    step.method === 'idNumber'
      ? k.t('login.proofIdNumber', { studentId: step.studentId })
      : k.t('login.proofEmailCode', { studentId: step.studentId, maskedEmail: step.maskedEmail ?? '' });
  return { text, buttons: [[k.btn(k.t('btn.back'), 'back')]], input: 'password' };
}

/** 忘记密码 before a 学号 was given. */
export function forgotStudentIdMenu(k: MenuKit): MenuSpec {
  return { text: k.t('forgot.promptStudentId'), buttons: [[k.btn(k.t('btn.cancel'), 'cancel')]], input: 'text' };
}

/** 系统将发送邮件到你的密保邮箱，是否确认发送？ 【发送】【取消】 */
export function forgotConfirmMenu(k: MenuKit, step: StepOf<'forgot.confirm'>): MenuSpec {
  // The same words for every 学号 (known or not, with a recovery e-mail or not): nothing to probe.
  const common = { studentId: step.studentId, financeOffice: financeOffice(k.env, k.state.lang) };
  const text = step.maskedEmail === null ? k.t('forgot.confirmUnknown', common) : k.t('forgot.confirm', { ...common, maskedEmail: step.maskedEmail });
  return { text, buttons: [[k.btn(k.t('btn.send'), 'send'), k.btn(k.t('btn.cancel'), 'cancel')]] };
}
