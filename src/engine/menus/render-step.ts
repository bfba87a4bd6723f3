import { deferralItemsMenu, deferralReasonMenu, deferralUntilMenu } from './deferral.menu.js';
import { assertNever } from '../../errors.js';
import type { EngineEnv } from '../engine-env.js';
import type { ConversationState } from '../state.js';
import type { ImageSpec } from '../views.js';
import { emailCodeMenu, emailMenu, emailPasswordMenu, passwordMenu } from './account.menu.js';
import { agreementMenu, confirmMenu } from './agreement.menu.js';
import { arrearsDetailMenu, homeMenu, settingsMenu } from './home.menu.js';
import { itemsMenu } from './items.menu.js';
import { forgotConfirmMenu, forgotStudentIdMenu, loginCaptchaMenu, loginPasswordMenu, loginProofMenu, loginStudentIdMenu } from './login.menu.js';
import { createMenuKit, type MenuSpec } from './menu-kit.js';
import { orderCreatingMenu, orderPayingMenu, orderProblemMenu, orderReportMenu } from './order.menu.js';
import { installmentMenu, selectMenu } from './select.menu.js';
import { remindersMenu } from './reminders.menu.js';

/** The menu of `state.step`, with buttons encoded for revision `rev`; `image` for steps that show a supplied picture. */
export function renderStep(state: ConversationState, env: EngineEnv, rev: number, image?: ImageSpec): MenuSpec {
  const k = createMenuKit(state, env, rev, image);
  const step = state.step;
  switch (step.name) {
    case 'login.studentId':
      return loginStudentIdMenu(k);
    case 'login.password':
      return loginPasswordMenu(k, step);
    case 'login.captcha':
      return loginCaptchaMenu(k, step);
    case 'login.proof':
      return loginProofMenu(k, step);
    case 'forgot.studentId':
      return forgotStudentIdMenu(k);
    case 'forgot.confirm':
      return forgotConfirmMenu(k, step);
    case 'home':
      return homeMenu(k);
    case 'settings':
      return settingsMenu(k);
    case 'reminders':
      return remindersMenu(k);
    case 'arrears.detail':
      return arrearsDetailMenu(k);
    case 'items':
      return itemsMenu(k, step);
    case 'select':
      return selectMenu(k, step);
    case 'installment.amount':
      return installmentMenu(k, step);
    case 'agreement':
      return agreementMenu(k, step);
    case 'confirm':
      return confirmMenu(k, step);
    case 'order.creating':
      return orderCreatingMenu(k);
    case 'order.paying':
      return orderPayingMenu(k, step);
    case 'order.problem':
      return orderProblemMenu(k, step);
    case 'order.report':
      return orderReportMenu(k, step);
    case 'password.old':
    case 'password.new':
    case 'password.confirm':
      return passwordMenu(k, step);
    case 'email.password':
      return emailPasswordMenu(k);
    case 'email.new':
      return emailMenu(k);
    case 'email.code':
      return emailCodeMenu(k, step);
    case 'deferral.items':
      return deferralItemsMenu(k, step);
    case 'deferral.until':
      return deferralUntilMenu(k, step);
    case 'deferral.reason':
      return deferralReasonMenu(k, step);
    default:
      return assertNever(step);
  }
}
