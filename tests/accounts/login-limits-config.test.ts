import { describe, expect, it } from 'vitest';
import { loadLoginLimitsConfig } from '../../src/accounts/login-limits-config.js';
import { startTestFeebot } from '../support/test-feebot.js';

describe('login limits settings', () => {
  it('default to 10 failures / 5 学号 per source and a queue of 4 per source, 32 in all', () => {
    expect(loadLoginLimitsConfig({})).toEqual({
      limits: { sourceChallengeAfter: 10, sourceMaxStudents: 5 },
      queue: { maxWaitingPerSource: 4, maxWaiting: 32 },
    });
  });

  it('take values from the environment and refuse nonsense', () => {
    const env = { LOGIN_SOURCE_MAX_FAILURES: '20', LOGIN_SOURCE_MAX_STUDENTS: '8', PASSWORD_QUEUE_PER_SOURCE: '2', PASSWORD_QUEUE_MAX: '64' };
    expect(loadLoginLimitsConfig(env)).toEqual({ limits: { sourceChallengeAfter: 20, sourceMaxStudents: 8 }, queue: { maxWaitingPerSource: 2, maxWaiting: 64 } });
    expect(() => loadLoginLimitsConfig({ LOGIN_SOURCE_MAX_STUDENTS: '0' })).toThrow(/LOGIN_SOURCE_MAX_STUDENTS/);
    expect(() => loadLoginLimitsConfig({ PASSWORD_QUEUE_MAX: 'lots' })).toThrow(/PASSWORD_QUEUE_MAX/);
  });

  it('reach the running login guard', async () => {
    const app = await startTestFeebot({ LOGIN_SOURCE_MAX_STUDENTS: '2' });
    try {
      const at = (chatId: string) => ({ channel: 'web', chatId, now: Date.now(), source: 'ip:203.0.113.9' });
      await app.feebot.guard.login('2023010101', 'wrong-pass-1', false, at('a'));
      await app.feebot.guard.login('2023010102', 'wrong-pass-1', false, at('b'));
      expect(await app.feebot.guard.login('2024020201', 'Demo@2026', false, at('c'))).toMatchObject({ ok: false, reason: 'challenge' });
    } finally {
      await app.stop();
    }
  });
});
