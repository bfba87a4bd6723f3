import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../src/engine/action-codec.js';
import {
  MINUTE,
  T0,
  applyEvent,
  commandsOf,
  initialState,
  labelsOf,
  loggedInState,
  menuOf,
  messageTexts,
  passwordPromptHarness,
  shownViews,
  type Harness,
} from './fixtures.js';

const CAPTCHA_TEXT = '请输入图片中的验证码（不区分大小写）';

/** At the captcha after a wrong password that asked for one (image `PNG1`). */
function atCaptcha(payload?: string): Harness {
  const h = passwordPromptHarness({ payload });
  h.type('wrong-pass');
  h.send({ kind: 'login.result', result: { ok: false, reason: 'invalid', challengePng: 'PNG1' } });
  return h;
}

describe('login captcha: entering it', () => {
  it('a wrong password that needs a captcha says 学号或密码有误 and shows the captcha picture', () => {
    const h = atCaptcha();
    const result = h.last;
    expect(messageTexts(result)).toEqual(['学号或密码有误']);
    expect(result.state.step).toEqual({ name: 'login.captcha', studentId: '2023001' });
    const menu = menuOf(result);
    expect(menu.image).toEqual({ kind: 'png', base64: 'PNG1' });
    expect(menu.text).toContain(CAPTCHA_TEXT);
    expect(menu.text).toContain('2023001');
    expect(menu.input).toBe('text');
    expect(labelsOf(menu)).toEqual(['换一张', '取消']);
    expect(result.state.menuCodes).toEqual([
      encodeAction({ op: 'captcha', arg: '', rev: result.state.menuRev }),
      encodeAction({ op: 'cancel', arg: '', rev: result.state.menuRev }),
    ]);
    // The picture comes with the answer: nothing more is asked for.
    expect(commandsOf(result)).toEqual([]);
  });

  it('a challenge answer asks for the captcha first', () => {
    const h = passwordPromptHarness();
    h.type('pass');
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'challenge', challengePng: 'PNG9' } });
    expect(messageTexts(result)).toEqual(['登录失败次数过多，请先输入验证码']);
    expect(result.state.step).toEqual({ name: 'login.captcha', studentId: '2023001' });
    expect(menuOf(result).image).toEqual({ kind: 'png', base64: 'PNG9' });
    expect(result.state.session).toBeNull();
  });

  it('a lockout still goes back to the 学号', () => {
    const h = atCaptcha();
    h.send({ kind: 'captcha.result', ok: true });
    h.type('pass');
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'locked', until: T0 + 10 * MINUTE } });
    expect(messageTexts(result)).toEqual(['登录失败次数过多，账号已暂时锁定，请 10 分钟后再试。\n点击「忘记密码」通过密保邮箱重置密码，可立即解除锁定；没有密保邮箱请联系财务处']);
    expect(result.state.step).toEqual({ name: 'login.studentId' });
  });
});

describe('login captcha: answering it', () => {
  it('sends the trimmed answer to be checked and shows nothing yet', () => {
    const h = atCaptcha();
    const before = h.state;
    const result = h.type('  ab3c ');
    expect(result.effects).toEqual([{ type: 'command', command: { kind: 'captcha.verify', studentId: '2023001', answer: 'ab3c' } }]);
    expect(result.state).toEqual(before);
  });

  it('a wrong answer says 验证码错误 and shows the new picture', () => {
    const h = atCaptcha();
    h.type('XXXX');
    const rev = h.state.menuRev;
    const result = h.send({ kind: 'captcha.result', ok: false, pngBase64: 'PNG2' });
    expect(messageTexts(result)).toEqual(['验证码错误']);
    expect(result.state.step).toEqual({ name: 'login.captcha', studentId: '2023001' });
    expect(menuOf(result).image).toEqual({ kind: 'png', base64: 'PNG2' });
    expect(result.state.menuRev).toBe(rev + 1);
    expect(commandsOf(result)).toEqual([]);
  });

  it('a wrong answer without a new picture asks for one', () => {
    const h = atCaptcha();
    const result = h.send({ kind: 'captcha.result', ok: false });
    expect(messageTexts(result)).toEqual(['验证码错误']);
    expect(menuOf(result).image).toBeUndefined();
    expect(commandsOf(result)).toEqual([{ kind: 'captcha.refresh', studentId: '2023001' }]);
  });

  it('a right answer asks for the password, and the next login says the challenge was solved', () => {
    const h = atCaptcha();
    h.type('AB3C');
    const result = h.send({ kind: 'captcha.result', ok: true });
    expect(result.state.step).toEqual({ name: 'login.password', studentId: '2023001', challengeSolved: true });
    expect(menuOf(result).text).toContain('请输入密码');
    expect(menuOf(result).input).toBe('password');
    expect(menuOf(result).image).toBeUndefined();
    const login = h.type('s3cret');
    expect(login.effects).toEqual([
      { type: 'deleteInbound' },
      { type: 'command', command: { kind: 'login', studentId: '2023001', password: 's3cret', challengeSolved: true } },
    ]);
    const ok = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } });
    expect(ok.state.step).toEqual({ name: 'home' });
  });

  it('a wrong password after the captcha can ask for another captcha', () => {
    const h = atCaptcha();
    h.send({ kind: 'captcha.result', ok: true });
    h.type('still-wrong');
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'invalid', challengePng: 'PNG3' } });
    expect(messageTexts(result)).toEqual(['学号或密码有误']);
    expect(result.state.step).toEqual({ name: 'login.captcha', studentId: '2023001' });
    expect(menuOf(result).image).toEqual({ kind: 'png', base64: 'PNG3' });
  });

  it('keeps the deep link through the captcha', () => {
    const h = atCaptcha('pay');
    expect(h.state.step).toEqual({ name: 'login.captcha', studentId: '2023001', next: 'pay' });
    h.send({ kind: 'captcha.result', ok: true });
    expect(h.state.step).toEqual({ name: 'login.password', studentId: '2023001', next: 'pay', challengeSolved: true });
    h.type('pass');
    const ok = h.send({ kind: 'login.result', result: { ok: true, studentId: '2023001', mustChangePassword: false } });
    expect(ok.state.step).toEqual({ name: 'select', selection: [] });
  });

  it.each(['1', '2', 'menu', 'MENU', 'help', '退出'])('takes %j as an answer, not as a numbered reply or command', (text) => {
    const h = atCaptcha();
    const result = h.type(text);
    expect(commandsOf(result)).toEqual([{ kind: 'captcha.verify', studentId: '2023001', answer: text }]);
    expect(shownViews(result)).toEqual([]);
    expect(result.state.step.name).toBe('login.captcha');
  });

  it('an empty answer is asked again without a command', () => {
    const h = atCaptcha();
    const result = h.type('   ');
    expect(messageTexts(result)).toEqual(['请输入图片中的验证码']);
    expect(commandsOf(result)).toEqual([]);
    expect(result.state.step.name).toBe('login.captcha');
  });
});

describe('login captcha: buttons and redraws', () => {
  it('换一张 asks for a new captcha; its arrival redraws the menu with the new picture', () => {
    const h = atCaptcha();
    const rev = h.state.menuRev;
    const pressed = h.press('换一张');
    expect(pressed.effects).toEqual([{ type: 'command', command: { kind: 'captcha.refresh', studentId: '2023001' } }]);
    const issued = h.send({ kind: 'captcha.issued', pngBase64: 'PNG4' });
    expect(issued.state.step).toEqual({ name: 'login.captcha', studentId: '2023001' });
    expect(issued.state.menuRev).toBe(rev + 1);
    expect(menuOf(issued).image).toEqual({ kind: 'png', base64: 'PNG4' });
    expect(menuOf(issued).text).toContain(CAPTCHA_TEXT);
    expect(messageTexts(issued)).toEqual([]);
  });

  it('取消 goes back to the 学号', () => {
    const h = atCaptcha('history');
    const result = h.press('取消');
    expect(result.state.step).toEqual({ name: 'login.studentId', next: 'history' });
    expect(commandsOf(result)).toEqual([]);
  });

  it('a redraw without the picture (help, language) fetches a new captcha', () => {
    const h = atCaptcha();
    const help = h.type('/help');
    expect(messageTexts(help)[0]).toContain('可用指令');
    expect(menuOf(help).image).toBeUndefined();
    expect(commandsOf(help)).toEqual([{ kind: 'captcha.refresh', studentId: '2023001' }]);
    const en = h.type('/lang');
    expect(en.state.lang).toBe('en');
    expect(menuOf(en).text).toContain('Enter the code shown in the picture (not case-sensitive)');
    expect(labelsOf(menuOf(en))).toEqual(['New picture', 'Cancel']);
    expect(commandsOf(en)).toEqual([{ kind: 'captcha.refresh', studentId: '2023001' }]);
  });

  it('speaks English', () => {
    const h = passwordPromptHarness({ state: initialState('en') });
    h.type('x');
    const result = h.send({ kind: 'login.result', result: { ok: false, reason: 'challenge', challengePng: 'P' } });
    expect(messageTexts(result)).toEqual(['Too many failed attempts. Please enter the code in the picture first']);
    expect(messageTexts(h.send({ kind: 'captcha.result', ok: false, pngBase64: 'Q' }))).toEqual(['Wrong code']);
  });

  it('ignores captcha answers and pictures when no captcha is on screen', () => {
    const waiting = passwordPromptHarness().state;
    for (const event of [
      { kind: 'captcha.issued', at: T0, pngBase64: 'X' },
      { kind: 'captcha.result', at: T0, ok: true },
      { kind: 'captcha.result', at: T0, ok: false, pngBase64: 'X' },
    ] as const) {
      expect(applyEvent(waiting, event)).toEqual({ state: waiting, effects: [] });
      const home = loggedInState();
      expect(applyEvent(home, event)).toEqual({ state: home, effects: [] });
    }
  });

  it('a captcha step without a session is kept (not reset to the 学号)', () => {
    const h = atCaptcha();
    expect(h.type('ABCD').state.step.name).toBe('login.captcha');
    expect(h.press('换一张').state.step.name).toBe('login.captcha');
  });
});
