import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import type { ConversationState } from '../../src/engine/state.js';
import {
  T0,
  acksOf,
  applyEvent,
  commandsOf,
  homeHarness,
  initialState,
  labelsOf,
  loggedInState,
  menuOf,
  messageTexts,
  passwordPromptHarness,
  shownViews,
  startedHarness,
  type Harness,
} from './fixtures.js';

const SENT = '如果该学号设置了密保邮箱，重置密码的邮件已发送，请在30分钟内点击邮件中的链接设置新密码';

/** At 忘记密码's prompt for the 学号. */
function atForgotStudentId(): Harness {
  return startedHarness().pressAll('忘记密码');
}

function atConfirm(): Harness {
  const h = atForgotStudentId();
  h.type('2023001');
  h.send({ kind: 'reset.previewed', studentId: '2023001', maskedEmail: 'z***@example.edu.cn' });
  return h;
}

describe('忘记密码 from the 学号 prompt', () => {
  it('asks for the 学号 with 取消', () => {
    const h = startedHarness();
    const result = h.press('忘记密码');
    expect(result.state.step).toEqual({ name: 'forgot.studentId' });
    expect(menuOf(result).text).toContain('请输入学号以找回密码');
    expect(menuOf(result).input).toBe('text');
    expect(labelsOf(menuOf(result))).toEqual(['取消']);
    expect(commandsOf(result)).toEqual([]);
  });

  it.each(['abc!1', 'x'.repeat(33), '   '])('rejects the 学号 %j like the login does', (text) => {
    const h = atForgotStudentId();
    const result = h.type(text);
    expect(messageTexts(result)).toEqual(['学号格式不正确：请输入 1–32 位字母、数字、_ 或 -']);
    expect(commandsOf(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'forgot.studentId' });
  });

  it('a valid 学号 asks where the mail would go, without a view', () => {
    const h = atForgotStudentId();
    const before = h.state;
    const result = h.type(' 2023001 ');
    expect(result.effects).toEqual([{ type: 'command', command: { kind: 'reset.preview', studentId: '2023001' } }]);
    expect(result.state).toEqual(before);
  });

  it('shows the guide’s question with the masked address, 发送 and 取消', () => {
    const h = atConfirm();
    expect(h.state.step).toEqual({ name: 'forgot.confirm', studentId: '2023001', maskedEmail: 'z***@example.edu.cn' });
    expect(h.menu().text).toBe('学号：2023001\n系统将发送邮件到你的密保邮箱（z***@example.edu.cn），是否确认发送？\n没有设置密保邮箱或已无法使用该邮箱的同学，请联系财务处');
    expect(labelsOf(h.menu())).toEqual(['发送', '取消']);
  });

  it('取消 at the 学号 goes back to the login', () => {
    const h = atForgotStudentId();
    expect(h.press('取消').state.step).toEqual({ name: 'login.studentId' });
  });

  it.each(['忘记密码', 'forgot', '/forgot', 'FORGOT'])('typed %j opens it too', (text) => {
    const h = startedHarness();
    expect(h.type(text).state.step).toEqual({ name: 'forgot.studentId' });
  });
});

describe('忘记密码 from the password prompt', () => {
  it('offers 忘记密码 next to 换学号', () => {
    expect(labelsOf(passwordPromptHarness().menu())).toEqual(['忘记密码', '换学号']);
  });

  it('uses the 学号 already given', () => {
    const h = passwordPromptHarness();
    const pressed = h.press('忘记密码');
    expect(pressed.effects).toEqual([{ type: 'command', command: { kind: 'reset.preview', studentId: '2023001' } }]);
    expect(pressed.state.step.name).toBe('login.password');
    const shown = h.send({ kind: 'reset.previewed', studentId: '2023001', maskedEmail: 'z***@example.edu.cn' });
    expect(shown.state.step).toEqual({ name: 'forgot.confirm', studentId: '2023001', maskedEmail: 'z***@example.edu.cn' });
  });

  it('only the slash form is a command here; the bare word is the password', () => {
    const h = passwordPromptHarness();
    expect(commandsOf(h.type('/forgot'))).toEqual([{ kind: 'reset.preview', studentId: '2023001' }]);
    expect(commandsOf(h.type('forgot'))).toEqual([{ kind: 'login', studentId: '2023001', password: 'forgot', challengeSolved: false }]);
  });

  it('ignores a preview for another 学号', () => {
    const state = passwordPromptHarness().state;
    const event = { kind: 'reset.previewed', at: T0, studentId: '2099999', maskedEmail: 'a***@x.cn' } as const;
    expect(applyEvent(state, event)).toEqual({ state, effects: [] });
  });
});

describe('发送 / 取消', () => {
  it('发送 requests the mail and replaces the dialog with a buttonless 正在发送…', () => {
    const h = atConfirm();
    const rev = h.state.menuRev;
    const result = h.press('发送');
    expect(commandsOf(result)).toEqual([{ kind: 'reset.request', studentId: '2023001' }]);
    expect(menuOf(result)).toEqual({ placement: 'menu', text: '正在发送…', buttons: [], progress: true });
    expect(result.state.menuRev).toBe(rev + 1);
    expect(result.state.menuCodes).toEqual([]);
  });

  it('reset.requested gives the same answer and asks for the 学号', () => {
    const h = atConfirm().pressAll('发送');
    const result = h.send({ kind: 'reset.requested' });
    expect(messageTexts(result)).toEqual([SENT]);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
    expect(menuOf(result).text).toContain('请输入学号');
  });

  it('取消 says so and goes back to the login', () => {
    const h = atConfirm();
    const result = h.press('取消');
    expect(messageTexts(result)).toEqual(['已取消重置密码']);
    expect(commandsOf(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
  });

  it('numbered replies pick 发送 (1) and 取消 (2) on channels without buttons', () => {
    expect(commandsOf(atConfirm().type('1'))).toEqual([{ kind: 'reset.request', studentId: '2023001' }]);
    expect(messageTexts(atConfirm().type('2'))).toEqual(['已取消重置密码']);
  });

  it('other text re-shows the dialog (the step is kept without a session)', () => {
    const h = atConfirm();
    const result = h.type('what?');
    expect(result.state.step.name).toBe('forgot.confirm');
    expect(menuOf(result).text).toContain('是否确认发送');
  });

  it('without a known address the question is the guide’s plain one', () => {
    const state: ConversationState = { ...initialState('zh-CN'), step: { name: 'forgot.confirm', studentId: '2023001', maskedEmail: null } };
    const result = applyEvent(state, { kind: 'text', at: T0, text: '/help' });
    expect(menuOf(result).text).toBe('学号：2023001\n系统将发送邮件到你的密保邮箱，是否确认发送？\n没有设置密保邮箱或已无法使用该邮箱的同学，请联系财务处');
  });

  it('speaks English', () => {
    const h = atConfirm();
    const en = h.type('/lang');
    expect(menuOf(en).text).toBe('Student ID: 2023001\nAn email will be sent to your recovery address (z***@example.edu.cn). Send it?\nNo recovery email, or cannot use it any more? Contact the finance office');
    expect(labelsOf(menuOf(en))).toEqual(['Send', 'Cancel']);
  });
});

describe('answers out of place', () => {
  it('reset.requested elsewhere is only a message', () => {
    const h = startedHarness();
    const before = h.state;
    const result = h.send({ kind: 'reset.requested' });
    expect(messageTexts(result)).toEqual([SENT]);
    expect(shownViews(result).filter((v) => v.placement === 'menu')).toEqual([]);
    expect(result.state).toEqual(before);
  });

  it('a preview while logged in changes nothing', () => {
    const state = loggedInState();
    const event = { kind: 'reset.previewed', at: T0, studentId: '2023001', maskedEmail: 'z***@x.cn' } as const;
    expect(applyEvent(state, event)).toEqual({ state, effects: [] });
  });

  it('forgot while logged in is not performed', () => {
    const h = homeHarness();
    const typed = h.type('忘记密码');
    expect(typed.state.step).toEqual({ name: 'home' });
    expect(commandsOf(typed)).toEqual([]);
    const pressed = h.send({ kind: 'action', code: encodeAction({ op: 'forgot', arg: '', rev: h.state.menuRev }) });
    expect(acksOf(pressed)[0]?.text).toBe('无效操作');
    expect(pressed.state.step).toEqual({ name: 'home' });
  });
});
