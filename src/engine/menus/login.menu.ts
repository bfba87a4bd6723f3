import type { StepOf } from '../engine-env.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

export function loginStudentIdMenu(k: MenuKit): MenuSpec {
  return {
    text: k.t('login.promptStudentId'),
    buttons: [[k.btn(k.t('btn.switchLang'), 'lang')]],
    input: 'text',
  };
}

export function loginPasswordMenu(k: MenuKit, step: StepOf<'login.password'>): MenuSpec {
  return {
    text: k.t('login.promptPassword', { studentId: step.studentId }),
    buttons: [[k.btn(k.t('btn.back'), 'back')]],
    input: 'password',
  };
}
