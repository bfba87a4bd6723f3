import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import {
  MINUTE,
  T0,
  applyEvent,
  codeOf,
  commandsOf,
  createHarness,
  defaultItems,
  homeHarness,
  initialState,
  labelsOf,
  loggedInState,
  makeFacts,
  makeSession,
  menuOf,
  messageTexts,
  passwordPromptHarness,
  startedHarness,
} from './fixtures.js';

describe('login', () => {
  it('start without a session asks for the 学号 with 忘记密码 and a language button', () => {
    const result = applyEvent(initialState('zh-CN'), { kind: 'start', at: T0 });
    const menu = menuOf(result);
    expect(menu.text).toContain('请输入学号');
    expect(menu.input).toBe('text');
    expect(labelsOf(menu)).toEqual(['忘记密码', 'English']);
    expect(result.state.menuRev).toBe(1);
    expect(result.state.menuCodes).toEqual([encodeAction({ op: 'forgot', arg: '', rev: 1 }), encodeAction({ op: 'lang', arg: '', rev: 1 })]);
  });

  it.each(['abc!1', '学号1234', '1'.repeat(33), 'a b', '   '])('rejects the 学号 %j', (text) => {
    const h = startedHarness();
    const rev = h.state.menuRev;
    const result = h.type(text);
    // One answer: the error on top of the prompt.
    expect(messageTexts(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
    expect(result.state.menuRev).toBe(rev + 1);
    expect(menuOf(result).text.startsWith('学号格式不正确：请输入 1–32 位字母、数字、_ 或 -\n\n')).toBe(true);
    expect(menuOf(result).text).toContain('请输入学号');
  });

  // One definition with the CSV import (issue 7, item 10): `_` and `-`, 1–32 characters.
  it.each(['ab1', 'S-2023_01', '1'.repeat(32)])('accepts the 学号 %j the import accepts', (text) => {
    const h = startedHarness();
    expect(h.type(text).state.step).toEqual({ name: 'login.password', studentId: text });
  });

  it('takes a trimmed 学号 and asks for the password as a masked input', () => {
    const h = startedHarness();
    const result = h.type('  2023001 ');
    expect(result.state.step).toEqual({ name: 'login.password', studentId: '2023001' });
    expect(menuOf(result).input).toBe('password');
    expect(menuOf(result).text).toContain('请输入密码');
  });

  it('deletes the password, sends it to be checked, and shows nothing', () => {
    const h = passwordPromptHarness();
    const before = h.state;
    const result = h.type('s3cret pass');
    expect(result.effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'login', studentId: '2023001', password: 's3cret pass', challengeSolved: false } },
    ]);
    expect(result.state).toEqual(before);
    expect(JSON.stringify(result.effects.filter((e) => e.type === 'show'))).not.toContain('s3cret');
  });

  it.each(['help', 'menu', '1', '菜单'])('treats %j at the password prompt as the password', (text) => {
    const h = passwordPromptHarness();
    expect(commandsOf(h.type(text))).toEqual([{ kind: 'login', studentId: '2023001', password: text, challengeSolved: false }]);
  });

  it('still understands slash commands at the password prompt', () => {
    const h = passwordPromptHarness();
    const result = h.type('/help');
    expect(commandsOf(result)).toEqual([]);
    expect(messageTexts(result)[0]).toContain('可用指令');
    expect(result.state.step.name).toBe('login.password');
  });

  it('换学号 at the password prompt goes back to the 学号', () => {
    const h = passwordPromptHarness();
    expect(h.press('换学号').state.step).toEqual({ name: 'login.studentId' });
  });

  it('a good login opens the home menu and starts the session', () => {
    const h = passwordPromptHarness();
    h.tick(5000);
    const result = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } });
    expect(result.state.session).toEqual({ studentId: '2023001', lastActiveAt: T0 + 5000, mustChangePassword: false });
    expect(result.state.step).toEqual({ name: 'home' });
    expect(menuOf(result).text).toContain('学生基本信息');
  });

  it('the initial password forces a password change first', () => {
    const h = passwordPromptHarness();
    const result = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: true } });
    expect(messageTexts(result)).toEqual(['您正在使用初始密码，请先修改密码']);
    expect(result.state.step).toEqual({ name: 'password.new', forced: true });
    expect(labelsOf(menuOf(result))).toEqual(['退出系统']);
    expect(menuOf(result).input).toBe('password');
  });

  it('a wrong password says 学号或密码有误 and asks for the password again, keeping the 学号 (换学号 offered)', () => {
    const h = passwordPromptHarness();
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'invalid' } });
    expect(messageTexts(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'login.password', studentId: '2023001' });
    expect(menuOf(result).text).toBe('学号或密码有误\n\n学号：2023001\n请输入密码');
    expect(menuOf(result).input).toBe('password');
    expect(menuOf(result).buttons.flat().map((b) => b.label)).toEqual(['忘记密码', '换学号']);
    expect(result.state.session).toBeNull();
  });

  it('a lockout tells the minutes left, rounded up', () => {
    const h = passwordPromptHarness();
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'locked', until: T0 + 14 * MINUTE + 1 } });
    expect(messageTexts(result)).toEqual(['登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。\n点击「忘记密码」通过密保邮箱重置密码，可立即解除锁定；没有密保邮箱请联系财务处']);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
  });

  // Issue 7, item 6: a full password-check queue answers at once, in both languages.
  it('a busy answer says when to try again and asks for the password again; nothing was checked', () => {
    const h = passwordPromptHarness();
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'busy', retryAfterSeconds: 4 } });
    expect(messageTexts(result)).toEqual(['系统繁忙，请 4 秒后再试']);
    expect(result.state.step).toEqual({ name: 'login.password', studentId: '2023001' });
    expect(menuOf(result).input).toBe('password');
  });

  it('the busy answer in English', () => {
    const h = passwordPromptHarness({ state: initialState('en') });
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'busy', retryAfterSeconds: 12 } });
    expect(messageTexts(result)).toEqual(['The system is busy. Please try again in 12 s']);
  });

  // Issue 7, item 5: the fixed initial password is followed by a proof of identity.
  describe('proof of identity after the fixed initial password', () => {
    const atProof = (method: 'idNumber' | 'emailCode') => {
      const h = passwordPromptHarness();
      h.type('123456');
      const asked = h.send({
        kind: 'login.result',
        result: method === 'idNumber' ? { ok: false, reason: 'proof', method } : { ok: false, reason: 'proof', method, maskedEmail: 'w***@example.edu.cn' },
      });
      return { h, asked };
    };

    it('asks for the last 6 of the ID number, masked; the answer is deleted and checked outside', () => {
      const { h, asked } = atProof('idNumber');
      expect(asked.state.session).toBeNull();
      expect(asked.state.step).toEqual({ name: 'login.proof', studentId: '2023001', method: 'idNumber' });
      expect(menuOf(asked).text).toContain('请输入身份证号的后6位');
      expect(menuOf(asked).input).toBe('password');
      expect(h.type('03003X').effects).toEqual([
        { type: 'deleteInbound' },
        { type: 'command', command: { kind: 'login.proof', studentId: '2023001', answer: '03003X' } },
      ]);
      const done = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: true } });
      expect(done.state.step).toEqual({ name: 'password.new', forced: true });
      expect(done.state.session?.studentId).toBe('2023001');
    });

    it('names the masked address for a mailed code', () => {
      const { asked } = atProof('emailCode');
      expect(menuOf(asked).text).toContain('验证码已发送到您的密保邮箱 w***@example.edu.cn');
    });

    it('a wrong answer is asked again; an ended proof, no proof or no mail go back to the 学号 with a reason', () => {
      const { h } = atProof('idNumber');
      const wrong = h.send({ kind: 'login.result', result: { ok: false, reason: 'proofWrong' } });
      expect(messageTexts(wrong)).toEqual(['验证信息不正确，请重新输入']);
      expect(wrong.state.step.name).toBe('login.proof');
      const ended = h.send({ kind: 'login.result', result: { ok: false, reason: 'proofEnded' } });
      expect(messageTexts(ended)).toEqual(['身份验证已失效，请重新登录']);
      expect(ended.state.step).toEqual({ name: 'login.studentId' });

      const none = passwordPromptHarness().send({ kind: 'login.result', result: { ok: false, reason: 'noProof' } });
      expect(messageTexts(none)[0]).toContain('请联系财务处');
      expect(none.state.step).toEqual({ name: 'login.studentId' });
      const unavailable = passwordPromptHarness().send({ kind: 'login.result', result: { ok: false, reason: 'proofUnavailable' } });
      expect(messageTexts(unavailable)[0]).toContain('暂时无法发送验证码邮件');
    });

    it('返回 goes back to the 学号', () => {
      const { h } = atProof('idNumber');
      expect(h.press('返回').state.step).toEqual({ name: 'login.studentId' });
    });
  });

  it('ignores a login answer when no login is waiting', () => {
    const state = initialState('zh-CN');
    const result = applyEvent(state, { kind: 'login.result', at: T0, result: { ok: true, studentId: 'x', mustChangePassword: false } });
    expect(result).toEqual({ state, effects: [] });
  });

  it.each([
    ['pay', 'select'],
    ['history', 'items'],
    ['defer', 'deferral.items'],
    ['bogus', 'home'],
  ])('honours the deep link %j after login', (payload, stepName) => {
    const h = passwordPromptHarness({ payload });
    const result = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } });
    expect(result.state.step.name).toBe(stepName);
    if (stepName === 'items') expect(result.state.step).toEqual({ name: 'items', tab: 'history', period: null });
  });

  it('a 申请缓缴 link with nothing left to defer lands on the home menu', () => {
    const facts = makeFacts(defaultItems().map((i) => ({ ...i, deferredUntil: '2026-12-31' })));
    const h = passwordPromptHarness({ payload: 'defer', facts });
    expect(h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } }).state.step).toEqual({ name: 'home' });
  });

  it('a deep link with a session goes straight there', () => {
    const h = createHarness({ state: loggedInState() });
    expect(h.send({ kind: 'start', payload: 'pay' }).state.step).toEqual({ name: 'select', selection: [] });
    expect(h.send({ kind: 'start' }).state.step).toEqual({ name: 'home' });
  });

  it('switches the language at the login prompt', () => {
    const h = startedHarness();
    const result = h.press('English');
    expect(result.state.lang).toBe('en');
    expect(menuOf(result).text).toContain('Please enter your student ID');
    expect(labelsOf(menuOf(result))).toEqual(['Forgot password', '中文']);
  });
});

describe('session', () => {
  it('times out after the idle limit: the event is not executed', () => {
    const h = homeHarness();
    const payCode = codeOf(h.menu(), '网上缴费');
    h.tick(30 * MINUTE + 1);
    const result = h.send({ kind: 'action', code: payCode });
    expect(result.state.session).toBeNull();
    expect(result.state.step).toEqual({ name: 'login.studentId' });
    expect(messageTexts(result)).toEqual(['会话已超时，请重新登录']);
    expect(menuOf(result).text).toContain('请输入学号');
  });

  it('does not time out at exactly the limit, and activity renews the session', () => {
    const h = homeHarness();
    h.tick(30 * MINUTE);
    const result = h.press('网上缴费');
    expect(result.state.step.name).toBe('select');
    expect(result.state.session?.lastActiveAt).toBe(T0 + 30 * MINUTE);
  });

  it('times out typed text too', () => {
    const state = loggedInState({ name: 'home' }, { session: makeSession({ lastActiveAt: T0 - 31 * MINUTE }) });
    const result = applyEvent(state, { kind: 'text', at: T0, text: 'pay' });
    expect(result.state.session).toBeNull();
    expect(messageTexts(result)).toEqual(['会话已超时，请重新登录']);
  });

  it('退出系统 ends the session', () => {
    const h = homeHarness();
    const result = h.press('退出系统');
    expect(result.state.session).toBeNull();
    expect(messageTexts(result)).toEqual(['您已退出系统']);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
  });

  it('session.revoked logs out with an explanation', () => {
    const result = applyEvent(loggedInState({ name: 'items', tab: 'unpaid', period: null }), { kind: 'session.revoked', at: T0 });
    expect(result.state.session).toBeNull();
    expect(messageTexts(result)).toEqual(['您的密码已在其他地方修改，请重新登录']);
    expect(menuOf(result).text).toContain('请输入学号');
    const idle = initialState('zh-CN');
    expect(applyEvent(idle, { kind: 'session.revoked', at: T0 })).toEqual({ state: idle, effects: [] });
  });

  it('resets a state saved with another version', () => {
    const old = { ...loggedInState(), version: 0 } as unknown as ReturnType<typeof initialState>;
    const result = applyEvent(old, { kind: 'start', at: T0 });
    expect(result.state.session).toBeNull();
    expect(result.state.version).toBe(1);
    expect(menuOf(result).text).toContain('请输入学号');
  });
});
