import { describe, expect, it } from 'vitest';
import { applyEvent, homeHarness, loggedInState, makeSession, makeState, messageTexts, MINUTE, passwordPromptHarness, startedHarness, STUDENT, T0 } from './fixtures.js';

// 退出系统 and the idle timeout must leave nothing of the student (name, 学号, arrears) in the chat:
// the engine says so with a clearHistory effect, before the goodbye and the new login prompt.

describe('clearing the chat when a session ends', () => {
  it('退出系统 clears the history first, then says goodbye and asks for the 学号', () => {
    const result = homeHarness().press('退出系统');
    expect(result.effects[0]).toEqual({ type: 'clearHistory' });
    expect(result.effects.filter((e) => e.type === 'clearHistory')).toHaveLength(1);
    expect(result.effects.slice(1).some((e) => e.type === 'show')).toBe(true);
    expect(result.state.session).toBeNull();
  });

  it('the typed logout command does the same', () => {
    expect(homeHarness().type('退出').effects[0]).toEqual({ type: 'clearHistory' });
  });

  it('the idle timeout clears the history before its notice', () => {
    const h = homeHarness();
    h.tick(31 * MINUTE);
    const result = h.type('menu');
    expect(result.effects[0]).toEqual({ type: 'clearHistory' });
    expect(result.state.session).toBeNull();
  });

  it('nothing is cleared while nobody is logged in, or while the session lasts', () => {
    expect(startedHarness().type('退出').effects.some((e) => e.type === 'clearHistory')).toBe(false);
    const h = homeHarness();
    h.tick(29 * MINUTE);
    expect(h.type('menu').effects.some((e) => e.type === 'clearHistory')).toBe(false);
  });
});

describe('the idle timeout ends the session on time, without waiting for a message', () => {
  const idleTimer = (delayMs: number) => ({ type: 'timer', delayMs, event: { kind: 'timer.idle' } });

  it('a login arms the idle timer', () => {
    const h = passwordPromptHarness();
    const result = h.send({ kind: 'login.result', result: { ok: true, studentId: STUDENT.studentId, mustChangePassword: false } });
    expect(result.state.session).not.toBeNull();
    expect(result.effects).toContainEqual(idleTimer(30 * MINUTE + 1));
  });

  it('firing early (the student was active since) re-arms it for when the session would expire', () => {
    const state = loggedInState({ name: 'home' }, { session: makeSession({ lastActiveAt: T0 + 10 * MINUTE }) });
    const result = applyEvent(state, { kind: 'timer.idle', at: T0 + 30 * MINUTE + 1 });
    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([idleTimer(10 * MINUTE)]);
  });

  it('firing after the timeout ends the session: history cleared, timeout notice, 学号 prompt', () => {
    const result = applyEvent(loggedInState(), { kind: 'timer.idle', at: T0 + 30 * MINUTE + 1 });
    expect(result.state.session).toBeNull();
    expect(result.effects[0]).toEqual({ type: 'clearHistory' });
    expect(messageTexts(result).join('\n')).toContain('会话已超时');
    expect(result.effects).toContainEqual({ type: 'command', command: { kind: 'session.ended', studentId: STUDENT.studentId, reason: 'idle' } });
  });

  it('without a session it does nothing (logged out meanwhile)', () => {
    expect(applyEvent(makeState(), { kind: 'timer.idle', at: T0 })).toEqual({ state: makeState(), effects: [] });
  });
});
