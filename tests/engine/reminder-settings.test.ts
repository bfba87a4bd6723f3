import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import { commandsOf, homeHarness, labelsOf, makeFacts, messageTexts, type Harness } from './fixtures.js';

// 设置 → 提醒设置: on/off per channel from the facts; a toggle asks the runtime to write it (the
// command carries the target value), and the answer redraws the menu from the reloaded facts.

function atReminders(optOuts?: string[]): Harness {
  const h = homeHarness({ facts: { ...makeFacts(), ...(optOuts ? { reminderOptOuts: optOuts } : {}) } });
  h.type('设置');
  h.press('提醒设置');
  return h;
}

describe('提醒设置 (engine)', () => {
  it('is reached from 设置 and shows every channel on when nothing was turned off', () => {
    const h = atReminders();
    expect(h.state.step).toEqual({ name: 'reminders' });
    const text = h.menu().text;
    for (const line of ['Telegram：开', '网页聊天：开', '微信：开', '电子邮件：开']) expect(text).toContain(line);
    expect(labelsOf(h.menu())).toEqual(['关闭Telegram提醒', '关闭网页聊天提醒', '关闭微信提醒', '关闭电子邮件提醒', '返回']);
    h.press('返回');
    expect(h.state.step).toEqual({ name: 'settings' });
  });

  it('a toggle asks for the opposite of what the facts say; the answer redraws from the new facts', () => {
    const h = atReminders(['email']);
    expect(h.menu().text).toContain('电子邮件：关');
    const before = h.state;
    h.press('关闭Telegram提醒');
    expect(commandsOf(h.last)).toEqual([{ kind: 'reminders.set', studentId: '2023001', channel: 'telegram', optedOut: true }]);
    expect(h.state).toEqual(before);
    h.press('开启电子邮件提醒');
    expect(commandsOf(h.last)).toEqual([{ kind: 'reminders.set', studentId: '2023001', channel: 'email', optedOut: false }]);

    h.facts = { ...h.facts, reminderOptOuts: ['telegram'] };
    h.send({ kind: 'reminders.updated', channel: 'telegram', optedOut: true });
    expect(messageTexts(h.last).join()).toContain('已关闭Telegram缴费提醒');
    expect(h.menu().text).toContain('Telegram：关');
    expect(h.menu().text).toContain('电子邮件：开');
    expect(labelsOf(h.menu())).toContain('开启Telegram提醒');
  });

  it('after 退订 (all) every channel shows off, and turning one on asks for that one', () => {
    const h = atReminders(['all']);
    for (const line of ['Telegram：关', '网页聊天：关', '微信：关', '电子邮件：关']) expect(h.menu().text).toContain(line);
    h.press('开启微信提醒');
    expect(commandsOf(h.last)).toEqual([{ kind: 'reminders.set', studentId: '2023001', channel: 'wechat', optedOut: false }]);
  });

  it('in English', () => {
    const h = atReminders(['web']);
    h.type('lang');
    expect(h.state.step).toEqual({ name: 'reminders' });
    expect(h.menu().text).toContain('Web chat: off');
    expect(labelsOf(h.menu())).toContain('Turn on Web chat reminders');
  });

  it('refuses an unknown channel and changes nothing; an answer that arrives elsewhere only notes it', () => {
    const h = atReminders();
    const before = h.state;
    h.send({ kind: 'action', code: encodeAction({ op: 'tog', arg: 'sms', rev: h.state.menuRev }) });
    expect(commandsOf(h.last)).toEqual([]);
    expect(h.state.step).toEqual(before.step);
    h.type('/menu');
    h.send({ kind: 'reminders.updated', channel: 'web', optedOut: false });
    expect(messageTexts(h.last).join()).toContain('已开启网页聊天缴费提醒');
    expect(h.state.step).toEqual({ name: 'home' });
  });
});
