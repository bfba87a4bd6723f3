import { describe, expect, it } from 'vitest';
import { homeHarness, MINUTE, startedHarness } from './fixtures.js';

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
