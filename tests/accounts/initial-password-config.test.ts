import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

// INITIAL_PASSWORD is checked when the configuration is loaded, not at the first login.

describe('INITIAL_PASSWORD in the configuration', () => {
  it('accepts a fixed value and the known policies', () => {
    expect(loadConfig({}).INITIAL_PASSWORD).toBe('123456');
    expect(loadConfig({ INITIAL_PASSWORD: 'Welcome2025' }).INITIAL_PASSWORD).toBe('Welcome2025');
    expect(loadConfig({ INITIAL_PASSWORD: '@studentId' }).INITIAL_PASSWORD).toBe('@studentId');
    expect(loadConfig({ INITIAL_PASSWORD: '@idLast6' }).INITIAL_PASSWORD).toBe('@idLast6');
  });

  it('refuses an unknown @ policy (a typo) with a message naming the valid ones', () => {
    expect(() => loadConfig({ INITIAL_PASSWORD: '@studentID' })).toThrow(/INITIAL_PASSWORD: Unknown INITIAL_PASSWORD policy @studentID \(use a value, @studentId or @idLast6\)/);
  });

  it('refuses an empty value', () => {
    expect(() => loadConfig({ INITIAL_PASSWORD: '' })).toThrow(/INITIAL_PASSWORD/);
  });
});
