import { describe, expect, it } from 'vitest';
import { MINUTE, STUDENT, T0, applyEvent, initialState, loggedInState, makeSession, messageTexts } from './fixtures.js';

// A login made outside the chat (the WeChat binding page): accepted from any login step, and the
// bound session has no idle timeout.

const ok = { ok: true as const, studentId: STUDENT.studentId, mustChangePassword: false };

describe('external login (binding)', () => {
  it('logs in from the 学号 prompt, the captcha and 忘记密码, with a bound session', () => {
    for (const step of [
      { name: 'login.studentId' as const },
      { name: 'login.captcha' as const, studentId: STUDENT.studentId },
      { name: 'forgot.studentId' as const },
    ]) {
      const result = applyEvent({ ...initialState('zh-CN'), step }, { kind: 'login.result', at: T0, result: ok, external: true });
      expect(result.state.step).toEqual({ name: 'home' });
      expect(result.state.session).toEqual({ studentId: STUDENT.studentId, lastActiveAt: T0, mustChangePassword: false, bound: true });
    }
  });

  it('keeps a deep link asked for before binding', () => {
    const state = { ...initialState('zh-CN'), step: { name: 'login.studentId' as const, next: 'history' as const } };
    const result = applyEvent(state, { kind: 'login.result', at: T0, result: ok, external: true });
    expect(result.state.step).toMatchObject({ name: 'items', tab: 'history' });
  });

  it('never replaces a session that already exists, and a plain answer outside the password step changes nothing', () => {
    const logged = loggedInState({ name: 'home' }, { session: makeSession({ studentId: '2023999' }) });
    expect(applyEvent(logged, { kind: 'login.result', at: T0, result: ok, external: true }).state).toEqual(logged);
    const prompt = initialState('zh-CN');
    expect(applyEvent(prompt, { kind: 'login.result', at: T0, result: ok }).state).toEqual(prompt);
  });

  it('a bound session survives long silence; an ordinary one times out', () => {
    const later = T0 + 3 * 24 * 60 * MINUTE;
    const bound = loggedInState({ name: 'home' }, { session: makeSession({ lastActiveAt: T0, bound: true }) });
    const kept = applyEvent(bound, { kind: 'text', at: later, text: '菜单' });
    expect(kept.state.session).toMatchObject({ bound: true, lastActiveAt: later });
    const plain = loggedInState({ name: 'home' }, { session: makeSession({ lastActiveAt: T0 }) });
    const ended = applyEvent(plain, { kind: 'text', at: later, text: '菜单' });
    expect(ended.state.session).toBeNull();
    expect(messageTexts(ended).join('\n')).toMatch(/超时|timed out/);
  });
});
