import { describe, expect, it } from 'vitest';
import type { EmailChangeProblem, EmailConfirmProblem } from '../../src/engine/events.js';
import {
  MINUTE,
  T0,
  applyEvent,
  commandsOf,
  forcedPasswordHarness,
  homeHarness,
  initialState,
  labelsOf,
  loggedInState,
  menuOf,
  messageTexts,
  newEmailHarness,
  refusedNewEmail,
  startedHarness,
  type Harness,
} from './fixtures.js';

function atEmailCode(): Harness {
  const h = newEmailHarness();
  h.type('new.mail@example.edu.cn');
  h.send({ kind: 'email.result', ok: true, maskedEmail: 'n***@example.edu.cn' });
  return h;
}

describe('修改邮箱: the mailed code', () => {
  it('a sent code asks for it, with 取消', () => {
    const h = atEmailCode();
    expect(h.state.step).toEqual({ name: 'email.code', maskedEmail: 'n***@example.edu.cn' });
    expect(h.menu().text).toBe('验证码已发送到 n***@example.edu.cn，请输入邮件中的6位验证码（30分钟内有效）');
    expect(h.menu().input).toBe('text');
    expect(labelsOf(h.menu())).toEqual(['取消']);
  });

  it.each<[EmailChangeProblem, string]>([
    ['invalidEmail', '邮箱格式不正确，请重新输入'],
    ['sameAsCurrent', '新邮箱与当前邮箱相同'],
    ['rateLimited', '发送过于频繁，请稍后再试'],
    ['noStudent', '邮箱更新失败，请稍后再试'],
  ])('%s: says why and stays at the new email', (problem, text) => {
    const result = refusedNewEmail(problem);
    expect(messageTexts(result)).toEqual([text]);
    expect(result.state.step).toEqual({ name: 'email.new' });
    expect(menuOf(result).text).toContain('请输入新的密保邮箱');
  });

  it.each([
    ['123456', '123456'],
    [' 654321 ', '654321'],
    ['123 456', '123456'],
  ])('sends the code %j as %j', (text, code) => {
    const h = atEmailCode();
    const before = h.state;
    const result = h.type(text);
    expect(result.effects).toEqual([{ type: 'command', command: { kind: 'email.confirm', studentId: '2023001', code } }]);
    expect(result.state).toEqual(before);
  });

  it.each(['12345', '1234567', 'abcdef', '12345a', '１２３４５６', '1', '2'])('asks again for %j (no numbered reply either)', (text) => {
    const h = atEmailCode();
    const result = h.type(text);
    expect(messageTexts(result)).toEqual(['请输入6位数字验证码']);
    expect(commandsOf(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'email.code', maskedEmail: 'n***@example.edu.cn' });
  });

  it('a confirmed change says the new address and goes home', () => {
    const h = atEmailCode();
    h.type('123456');
    const result = h.send({ kind: 'email.confirmed', ok: true, email: 'new.mail@example.edu.cn' });
    expect(messageTexts(result)).toEqual(['密保邮箱已更新为 new.mail@example.edu.cn']);
    expect(result.state.step).toEqual({ name: 'home' });
  });

  it('a wrong code says 验证码错误 and waits for another', () => {
    const h = atEmailCode();
    h.type('000000');
    const result = h.send({ kind: 'email.confirmed', ok: false, problem: 'wrongCode' });
    expect(messageTexts(result)).toEqual(['验证码错误']);
    expect(result.state.step).toEqual({ name: 'email.code', maskedEmail: 'n***@example.edu.cn' });
    expect(commandsOf(h.type('111111'))).toEqual([{ kind: 'email.confirm', studentId: '2023001', code: '111111' }]);
  });

  it.each<[EmailConfirmProblem, string]>([
    ['expired', '验证码已过期，请重新修改邮箱'],
    ['none', '没有待确认的邮箱修改，请重新修改邮箱'],
    ['tooManyAttempts', '验证码错误次数过多，请重新修改邮箱'],
  ])('%s: says so and goes home', (problem, text) => {
    const h = atEmailCode();
    h.type('123456');
    const result = h.send({ kind: 'email.confirmed', ok: false, problem });
    expect(messageTexts(result)).toEqual([text]);
    expect(result.state.step).toEqual({ name: 'home' });
  });

  it('取消 goes home; commands still work', () => {
    expect(atEmailCode().press('取消').state.step).toEqual({ name: 'home' });
    expect(atEmailCode().type('菜单').state.step).toEqual({ name: 'home' });
  });

  it('answers for a screen left meanwhile do not move the student', () => {
    const h = homeHarness();
    const home = h.state;
    expect(h.send({ kind: 'email.result', ok: true, maskedEmail: 'n***@x.cn' })).toEqual({ state: home, effects: [] });
    const late = h.send({ kind: 'email.confirmed', ok: true, email: 'n@x.cn' });
    expect(messageTexts(late)).toEqual(['密保邮箱已更新为 n@x.cn']);
    expect(late.state).toEqual(home);
  });

  it('speaks English', () => {
    const h = atEmailCode();
    const en = h.type('lang');
    expect(menuOf(en).text).toBe('A code was sent to n***@example.edu.cn. Enter the 6-digit code from the email (valid for 30 minutes)');
    expect(messageTexts(h.type('12'))).toEqual(['Please enter the 6-digit code']);
  });
});

describe('session.ended', () => {
  const ended = (reason: 'logout' | 'idle' | 'revoked') => ({ kind: 'session.ended', studentId: '2023001', reason });

  it.each(['press', '退出', '/logout'])('退出系统 (%s) tells the runtime', (how) => {
    const h = homeHarness();
    const result = how === 'press' ? h.press('退出系统') : h.type(how);
    expect(result.state.session).toBeNull();
    expect(commandsOf(result)).toEqual([ended('logout')]);
    expect(messageTexts(result)).toEqual(['您已退出系统']);
  });

  it('logging out of the forced password change too', () => {
    const h = forcedPasswordHarness();
    expect(commandsOf(h.press('退出系统'))).toEqual([ended('logout')]);
  });

  it('the idle timeout', () => {
    const h = homeHarness();
    h.tick(30 * MINUTE + 1);
    const result = h.press('明细');
    expect(messageTexts(result)).toEqual(['会话已超时，请重新登录']);
    expect(commandsOf(result)).toEqual([ended('idle')]);
  });

  it('a revoked session', () => {
    const result = applyEvent(loggedInState(), { kind: 'session.revoked', at: T0 });
    expect(commandsOf(result)).toEqual([ended('revoked')]);
    expect(result.state.session).toBeNull();
  });

  it('nothing is told when there was no session', () => {
    const idle = initialState('zh-CN');
    expect(commandsOf(applyEvent(idle, { kind: 'session.revoked', at: T0 }))).toEqual([]);
    const h = startedHarness();
    expect(commandsOf(h.type('/logout'))).toEqual([]);
    h.tick(31 * MINUTE);
    expect(commandsOf(h.type('2023001'))).toEqual([]);
  });
});
