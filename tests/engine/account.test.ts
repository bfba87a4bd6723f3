import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import type { PasswordProblem } from '../../src/engine/events.js';
import { MAX_WRONG_OLD_PASSWORDS } from '../../src/engine/steps/account.step.js';
import {
  acksOf,
  commandsOf,
  forcedPasswordHarness,
  homeHarness,
  labelsOf,
  makeFacts,
  menuOf,
  messageTexts,
  newEmailHarness,
  refusedNewEmail,
  STUDENT,
  type Harness,
} from './fixtures.js';

/** At 修改密码's prompt for the old password. */
function atOldPassword(): Harness {
  return homeHarness().pressAll('修改密码');
}

describe('修改密码', () => {
  it('runs old → new → confirm, deleting every password and never echoing it', () => {
    const h = homeHarness();
    const old = h.press('修改密码');
    expect(old.state.step).toEqual({ name: 'password.old', forced: false });
    expect(menuOf(old).input).toBe('password');
    expect(labelsOf(menuOf(old))).toEqual(['取消']);

    const verify = h.type('oldpass1');
    expect(verify.effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'password.verifyOld', studentId: '2023001', password: 'oldpass1' } },
    ]);
    expect(h.send({ kind: 'password.result', stage: 'old', ok: true }).state.step).toEqual({ name: 'password.new', forced: false });

    expect(h.type('newpass99').effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'password.stage', studentId: '2023001', password: 'newpass99' } },
    ]);
    expect(h.send({ kind: 'password.result', stage: 'new', ok: true }).state.step).toEqual({ name: 'password.confirm', forced: false });

    expect(h.type('newpass99').effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'password.commit', studentId: '2023001', password: 'newpass99' } },
    ]);
    const done = h.send({ kind: 'password.result', stage: 'confirm', ok: true });
    expect(messageTexts(done)).toEqual(['密码修改成功']);
    expect(done.state.step).toEqual({ name: 'home' });
  });

  it('旧密码不正确 keeps asking for the old password', () => {
    const h = atOldPassword();
    h.type('wrong');
    const result = h.send({ kind: 'password.result', stage: 'old', ok: false, problem: 'wrongOld' });
    expect(messageTexts(result)).toEqual(['旧密码不正确']);
    expect(result.state.step).toEqual({ name: 'password.old', forced: false });
  });

  describe('wrong old passwords in a row', () => {
    const wrongOld = (h: Harness) => {
      h.type('guess');
      return h.send({ kind: 'password.result', stage: 'old', ok: false, problem: 'wrongOld' });
    };

    it(`end the session after ${MAX_WRONG_OLD_PASSWORDS}, with a message and an audit command`, () => {
      expect(MAX_WRONG_OLD_PASSWORDS).toBe(5);
      const h = atOldPassword();
      for (let i = 1; i < 5; i++) {
        const r = wrongOld(h);
        expect(r.state.session?.wrongOldPasswords).toBe(i);
        expect(r.state.step).toEqual({ name: 'password.old', forced: false });
      }
      const ended = wrongOld(h);
      expect(ended.state.session).toBeNull();
      expect(ended.state.step).toEqual({ name: 'login.studentId' });
      expect(messageTexts(ended)[0]).toBe('旧密码连续输错5次，为保护您的账户已退出系统，请重新登录');
      expect(commandsOf(ended)).toContainEqual({ kind: 'session.ended', studentId: STUDENT.studentId, reason: 'wrongOldPassword' });
    });

    it('are not forgotten by leaving 修改密码 and coming back', () => {
      const h = atOldPassword();
      for (let i = 0; i < 4; i++) wrongOld(h);
      h.press('取消');
      h.press('修改密码');
      expect(wrongOld(h).state.session).toBeNull();
    });

    it('start again from zero after a right old password', () => {
      const h = atOldPassword();
      for (let i = 0; i < 4; i++) wrongOld(h);
      const right = h.send({ kind: 'password.result', stage: 'old', ok: true });
      expect(right.state.session?.wrongOldPasswords).toBeUndefined();
      h.press('取消');
      h.press('修改密码');
      for (let i = 0; i < 4; i++) expect(wrongOld(h).state.session).not.toBeNull();
    });
  });

  it.each<[PasswordProblem, string]>([
    ['tooShort', '新密码至少8位'],
    ['sameAsStudentId', '新密码不能与学号相同'],
    ['sameAsInitial', '新密码不能与初始密码相同'],
    ['sameAsCurrent', '新密码不能与当前密码相同'],
  ])('%s keeps asking for a new password', (problem, text) => {
    const h = atOldPassword();
    h.send({ kind: 'password.result', stage: 'old', ok: true });
    h.type('x');
    const result = h.send({ kind: 'password.result', stage: 'new', ok: false, problem });
    expect(messageTexts(result)).toEqual([text]);
    expect(result.state.step).toEqual({ name: 'password.new', forced: false });
  });

  it('新密码与确认密码要求一致: a mismatch goes back to the new password', () => {
    const h = atOldPassword();
    h.send({ kind: 'password.result', stage: 'old', ok: true });
    h.send({ kind: 'password.result', stage: 'new', ok: true });
    h.type('different1');
    const result = h.send({ kind: 'password.result', stage: 'confirm', ok: false, problem: 'mismatch' });
    expect(messageTexts(result)).toEqual(['新密码与确认密码要求一致']);
    expect(result.state.step).toEqual({ name: 'password.new', forced: false });
  });

  it('ignores an answer for a prompt that is not on screen', () => {
    const h = atOldPassword();
    const before = h.state;
    expect(h.send({ kind: 'password.result', stage: 'confirm', ok: true })).toEqual({ state: before, effects: [] });
  });

  it('a bare command word is a password here; the slash form is a command', () => {
    const h = atOldPassword();
    expect(commandsOf(h.type('menu'))).toEqual([{ kind: 'password.verifyOld', studentId: '2023001', password: 'menu' }]);
    expect(h.type('/menu').state.step).toEqual({ name: 'home' });
  });

  it('取消 goes home', () => {
    const h = atOldPassword();
    expect(h.press('取消').state.step).toEqual({ name: 'home' });
  });
});

describe('the initial password (mustChangePassword)', () => {
  it('starts at the new password with no 取消', () => {
    const h = forcedPasswordHarness();
    expect(messageTexts(h.last)).toEqual(['您正在使用初始密码，请先修改密码']);
    expect(h.state.step).toEqual({ name: 'password.new', forced: true });
    expect(labelsOf(h.menu())).toEqual(['退出系统']);
  });

  it.each(['/menu', '/pay', '/history', '/settings', '/start'])('%s leads back to the forced change', (text) => {
    const h = forcedPasswordHarness();
    const result = h.type(text);
    expect(messageTexts(result)).toEqual(['您正在使用初始密码，请先修改密码']);
    expect(result.state.step).toEqual({ name: 'password.new', forced: true });
  });

  it.each(['home', 'pay', 'detail', 'items', 'settings', 'email', 'pwd', 'cancel'] as const)('the %s button leads back too', (op) => {
    const h = forcedPasswordHarness();
    const result = h.send({ kind: 'action', code: encodeAction({ op, arg: '', rev: h.state.menuRev }) });
    expect(result.state.step).toEqual({ name: 'password.new', forced: true });
    expect(messageTexts(result)).toEqual(['您正在使用初始密码，请先修改密码']);
    expect(commandsOf(result)).toEqual([]);
  });

  it('help, lang and logout still work', () => {
    const h = forcedPasswordHarness();
    expect(messageTexts(h.type('/help'))[0]).toContain('可用指令');
    expect(h.state.step).toEqual({ name: 'password.new', forced: true });
    const en = h.type('/lang');
    expect(en.state.lang).toBe('en');
    expect(menuOf(en).text).toContain('new password');
    const out = h.press('Log out');
    expect(out.state.session).toBeNull();
  });

  it('typed text is the new password (even a number)', () => {
    const h = forcedPasswordHarness();
    expect(commandsOf(h.type('2'))).toEqual([{ kind: 'password.stage', studentId: '2023001', password: '2' }]);
  });

  it('completing the change lifts the restriction', () => {
    const h = forcedPasswordHarness();
    h.type('Str0ngPass');
    h.send({ kind: 'password.result', stage: 'new', ok: true });
    expect(labelsOf(h.menu())).toEqual(['退出系统']);
    h.type('Str0ngPass');
    const done = h.send({ kind: 'password.result', stage: 'confirm', ok: true });
    expect(done.state.session?.mustChangePassword).toBe(false);
    expect(done.state.step).toEqual({ name: 'home' });
    expect(h.press('网上缴费').state.step.name).toBe('select');
  });

  it('a mismatch in the forced flow stays forced', () => {
    const h = forcedPasswordHarness();
    h.send({ kind: 'password.result', stage: 'new', ok: true });
    const result = h.send({ kind: 'password.result', stage: 'confirm', ok: false, problem: 'mismatch' });
    expect(result.state.step).toEqual({ name: 'password.new', forced: true });
  });
});

describe('修改邮箱', () => {
  // Issue 7, item 13: a chat left logged in must not be enough to redirect the recovery address.
  it('asks for the current password first: masked, deleted, checked outside, never echoed', () => {
    const h = homeHarness();
    const prompt = h.press('修改邮箱');
    expect(prompt.state.step).toEqual({ name: 'email.password' });
    expect(menuOf(prompt).text).toContain('请先输入当前密码');
    expect(menuOf(prompt).input).toBe('password');
    expect(labelsOf(menuOf(prompt))).toEqual(['取消']);
    // "menu" here is a password, not a command.
    const typed = h.type('menu');
    expect(typed.effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'email.verifyPassword', studentId: STUDENT.studentId, password: 'menu' } },
    ]);
    const right = h.send({ kind: 'email.passwordChecked', ok: true });
    expect(right.state.step).toEqual({ name: 'email.new' });
    expect(menuOf(right).text).toContain(`当前密保邮箱：${STUDENT.recoveryEmailMasked}`);
  });

  it('a wrong password is said and asked again; with 修改密码\'s wrong old passwords, 5 in a row end the session', () => {
    const h = homeHarness().pressAll('修改密码');
    for (let i = 0; i < 2; i++) {
      h.type('guess');
      h.send({ kind: 'password.result', stage: 'old', ok: false, problem: 'wrongOld' });
    }
    h.press('取消');
    h.press('修改邮箱');
    for (let i = 3; i < 5; i++) {
      h.type('guess');
      const wrong = h.send({ kind: 'email.passwordChecked', ok: false });
      expect(messageTexts(wrong)).toEqual(['旧密码不正确']);
      expect(wrong.state.step).toEqual({ name: 'email.password' });
      expect(wrong.state.session?.wrongOldPasswords).toBe(i);
    }
    h.type('guess');
    const ended = h.send({ kind: 'email.passwordChecked', ok: false });
    expect(ended.state.session).toBeNull();
    expect(commandsOf(ended)).toContainEqual({ kind: 'session.ended', studentId: STUDENT.studentId, reason: 'wrongOldPassword' });
  });

  it('a busy password check is not a wrong password', () => {
    const h = homeHarness().pressAll('修改邮箱');
    h.type('Current#Pass1');
    const busy = h.send({ kind: 'email.passwordChecked', ok: false, busy: true });
    expect(busy.state.step).toEqual({ name: 'email.password' });
    expect(busy.state.session?.wrongOldPasswords).toBeUndefined();
  });

  it('then takes a new address', () => {
    const h = newEmailHarness();
    expect(h.state.step).toEqual({ name: 'email.new' });
    const sent = h.type('  new.mail@example.edu.cn ');
    expect(commandsOf(sent)).toEqual([{ kind: 'email.change', studentId: '2023001', email: 'new.mail@example.edu.cn' }]);
    const sentCode = h.send({ kind: 'email.result', ok: true, maskedEmail: 'n***@example.edu.cn' });
    expect(sentCode.state.step).toEqual({ name: 'email.code', maskedEmail: 'n***@example.edu.cn' });
  });

  it.each(['abc', 'a@b', 'a b@c.de', '@example.com', 'x@.com', `${'a'.repeat(250)}@b.cn`])('rejects %j', (text) => {
    const h = newEmailHarness();
    const result = h.type(text);
    expect(messageTexts(result)).toEqual(['邮箱格式不正确，请重新输入']);
    expect(commandsOf(result)).toEqual([]);
    expect(result.state.step).toEqual({ name: 'email.new' });
  });

  it('a failed update says so and asks again', () => {
    const result = refusedNewEmail('noStudent');
    expect(messageTexts(result)).toEqual(['邮箱更新失败，请稍后再试']);
    expect(result.state.step).toEqual({ name: 'email.new' });
  });

  it('shows 未设置 without an email, and 取消 goes home', () => {
    const h = homeHarness({ facts: makeFacts(undefined, { ...STUDENT, recoveryEmailMasked: null }) }).pressAll('修改邮箱');
    h.type('Current#Pass1');
    expect(menuOf(h.send({ kind: 'email.passwordChecked', ok: true })).text).toContain('当前密保邮箱：未设置');
    expect(h.press('取消').state.step).toEqual({ name: 'home' });
  });
});

describe('设置', () => {
  it('shows language and email, with password, email, language, 提醒设置 and 返回', () => {
    const h = homeHarness();
    const result = h.type('设置');
    expect(menuOf(result).text).toContain('语言：中文');
    expect(labelsOf(menuOf(result))).toEqual(['修改密码', '修改邮箱', 'English', '申请缓缴', '提醒设置', '返回']);
    expect(h.press('修改邮箱').state.step).toEqual({ name: 'email.password' });
    h.press('取消');
    h.type('settings');
    expect(h.press('返回').state.step).toEqual({ name: 'home' });
  });

  it('a stale settings button is not performed', () => {
    const h = homeHarness();
    h.type('设置');
    const code = encodeAction({ op: 'pwd', arg: '', rev: h.state.menuRev - 1 });
    const result = h.send({ kind: 'action', code });
    expect(acksOf(result)[0]?.text).toBe('此菜单已过期，已为您显示最新菜单');
    expect(result.state.step).toEqual({ name: 'settings' });
  });
});
