import { describe, expect, it } from 'vitest';
import { ACTION_OPS, argToInt, decodeAction, encodeAction, MAX_ACTION_BYTES } from '../../src/engine/action-codec.js';

describe('action codec', () => {
  it('round-trips every op with args and revisions', () => {
    for (const op of ACTION_OPS) {
      for (const arg of ['', '17', '2025-2026', 'a_b.c-D']) {
        for (const rev of [0, 1, 35, 36, 123_456_789, Number.MAX_SAFE_INTEGER]) {
          const code = encodeAction({ op, arg, rev });
          expect(decodeAction(code)).toEqual({ op, arg, rev });
        }
      }
    }
  });

  it('has the documented shape with the rev in base36', () => {
    expect(encodeAction({ op: 'tog', arg: '12', rev: 71 })).toBe('v1:tog:12:1z');
    expect(encodeAction({ op: 'home', arg: '', rev: 0 })).toBe('v1:home::0');
  });

  it('never produces more than 64 bytes and throws instead', () => {
    const longest = encodeAction({ op: 'settings', arg: 'x'.repeat(40), rev: Number.MAX_SAFE_INTEGER });
    expect(new TextEncoder().encode(longest).length).toBeLessThanOrEqual(MAX_ACTION_BYTES);
    expect(() => encodeAction({ op: 'settings', arg: 'x'.repeat(60), rev: 1 })).toThrow(/64 bytes/);
  });

  it('refuses to encode bad input', () => {
    expect(() => encodeAction({ op: 'nope' as never, arg: '', rev: 1 })).toThrow(/op/);
    expect(() => encodeAction({ op: 'tog', arg: 'a:b', rev: 1 })).toThrow(/arg/);
    expect(() => encodeAction({ op: 'tog', arg: '学费', rev: 1 })).toThrow(/arg/);
    expect(() => encodeAction({ op: 'tog', arg: '', rev: -1 })).toThrow(/rev/);
    expect(() => encodeAction({ op: 'tog', arg: '', rev: 1.5 })).toThrow(/rev/);
  });

  it.each([
    ['', 'empty'],
    ['v1:tog:1', 'too few parts'],
    ['v1:tog:1:2:3', 'extra part'],
    ['v2:tog:1:2', 'other version'],
    ['V1:tog:1:2', 'version case'],
    ['v1:drop:1:2', 'unknown op'],
    ['v1:TOG:1:2', 'op case'],
    ['v1:tog:a b:2', 'space in arg'],
    ['v1:tog:学费:2', 'non-ASCII arg'],
    ['v1:tog:1:', 'empty rev'],
    ['v1:tog:1:-1', 'negative rev'],
    ['v1:tog:1:01', 'leading zero rev'],
    ['v1:tog:1:Z', 'upper-case rev'],
    ['v1:tog:1:zzzzzzzzzzzz', 'rev too long'],
    ['v1:tog:1:1.5', 'fractional rev'],
    [`v1:tog:${'x'.repeat(60)}:1`, 'longer than 64 bytes'],
    ['hello', 'free text'],
  ])('rejects %j (%s)', (code) => {
    expect(decodeAction(code)).toBeNull();
  });

  it('reads integer args strictly', () => {
    expect(argToInt('0')).toBe(0);
    expect(argToInt('42')).toBe(42);
    expect(argToInt('')).toBeNull();
    expect(argToInt('042')).toBeNull();
    expect(argToInt('4.2')).toBeNull();
    expect(argToInt('-4')).toBeNull();
  });
});
