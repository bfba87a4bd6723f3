import { arrearsByPeriod, totalOutstanding, totalReserved } from '../fees.js';
import { announcementButtons, withAnnouncements } from './announcement.menu.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

/** 学生基本信息 with 欠费总额, and the main buttons. */
export function homeMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  const student = k.env.facts.student;
  const items = k.env.facts.items;
  const lines = [t('home.title')];
  if (student) lines.push(t('home.name', { name: student.name }));
  lines.push(t('home.studentId', { studentId: k.state.session?.studentId ?? student?.studentId ?? '' }));
  if (student) lines.push(t('home.class', { college: student.college, major: student.major, className: student.className }));
  lines.push(t('home.arrears', { amount: k.money(totalOutstanding(items)) }));
  const reserved = totalReserved(items);
  if (reserved > 0) lines.push(t('home.reserved', { amount: k.money(reserved) }));
  // 缴费截止日期: the nearest due date of what is still owed.
  const due = items.filter((i) => i.amountDue > i.amountPaid && i.dueDate).map((i) => i.dueDate!).sort()[0];
  if (due) lines.push(t('home.dueDate', { date: due }));
  return {
    text: withAnnouncements(k, lines.join('\n')),
    buttons: [
      [k.btn(t('btn.detail'), 'detail'), k.btn(t('btn.items'), 'items')],
      [k.btn(t('btn.pay'), 'pay')],
      [k.btn(t('btn.changePassword'), 'pwd'), k.btn(t('btn.changeEmail'), 'email')],
      [k.btn(t('btn.logout'), 'logout'), k.btn(t('btn.switchLang'), 'lang')],
      ...announcementButtons(k),
    ],
  };
}

/** 明细: arrears per fee period, newest first. */
export function arrearsDetailMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  const rows = arrearsByPeriod(k.env.facts.items);
  const lines = [t('detail.title')];
  if (rows.length === 0) lines.push(t('detail.none'));
  for (const row of rows) lines.push(t('detail.line', { period: row.period, amount: k.money(row.amount) }));
  lines.push(t('detail.total', { amount: k.money(totalOutstanding(k.env.facts.items)) }));
  return { text: lines.join('\n'), buttons: [[k.btn(t('btn.back'), 'back')]] };
}

export function settingsMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  const email = k.env.facts.student?.recoveryEmailMasked ?? t('email.none');
  return {
    text: t('settings.text', { language: t('language.name'), email }),
    buttons: [
      [k.btn(t('btn.changePassword'), 'pwd'), k.btn(t('btn.changeEmail'), 'email')],
      [k.btn(t('btn.switchLang'), 'lang'), k.btn(t('btn.defer'), 'defer')],
      [k.btn(t('btn.reminders'), 'remind')],
      [k.btn(t('btn.back'), 'back')],
    ],
  };
}
