import { REMINDER_CHANNELS } from '../commands.js';
import { remindersOn } from '../env-queries.js';
import type { MenuKit, MenuSpec } from './menu-kit.js';

/** 提醒设置: one line and one toggle button per channel. */
export function remindersMenu(k: MenuKit): MenuSpec {
  const { t } = k;
  const lines = [t('reminders.title')];
  const buttons = REMINDER_CHANNELS.map((channel) => {
    const on = remindersOn(k.env, channel);
    const name = t(`reminders.channel.${channel}`);
    lines.push(t('reminders.line', { channel: name, status: t(on ? 'reminders.on' : 'reminders.off') }));
    return [k.btn(t(on ? 'reminders.turnOff' : 'reminders.turnOn', { channel: name }), 'tog', channel)];
  });
  lines.push(t('reminders.hint'));
  return { text: lines.join('\n'), buttons: [...buttons, [k.btn(t('btn.back'), 'back')]] };
}
