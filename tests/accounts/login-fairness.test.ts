import { describe, expect, it, vi } from 'vitest';

// Issue 7, item 6: the password-check queue is bounded and fair per source, through the real login
// guard, account service and hasher. scrypt itself (node:crypto) is held by the test, so "a burst
// is queued" and "answered at once" are exact, not timed: each held call records which password
// it is checking, in the order the queue lets them start.
const scryptCalls = vi.hoisted(() => ({ hold: false, started: [] as string[], held: [] as Array<() => void> }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: unknown[]): void => {
    const run = () => (crypto.scrypt as (...a: unknown[]) => void)(...args);
    if (!scryptCalls.hold) return run();
    scryptCalls.started.push(String(args[0]));
    scryptCalls.held.push(run);
  };
  return { ...crypto, scrypt };
});

const { renderCaptchaPng } = await import('../../src/accounts/captcha.js');
const { createAccountServices } = await import('../../src/accounts/account-services.js');
const { createPasswordHasher } = await import('../../src/accounts/password-hasher.js');
const { createMailer } = await import('../../src/mail/mailer.js');
const { capturedLogger, PUBLIC_BASE_URL } = await import('../accounts-email/fixture.js');
const { freshDb, seedStudent, T0 } = await import('./accounts-fixture.js');
type LoginResult = import('../../src/engine/events.js').LoginResult;

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('password-check queue under a burst from one source', () => {
  it('answers the over-limit tries "busy" at once, and another source gets its turn after at most one of the burst', async () => {
    const db = await freshDb();
    const hasher = createPasswordHasher({ cost: 10, concurrency: 1, maxWaitingPerSource: 2, maxWaiting: 16 });
    const log = capturedLogger();
    const services = createAccountServices({
      db,
      hasher,
      mailer: createMailer({ from: 'feebot <no-reply@localhost>', logger: log.logger }),
      initialPasswordPolicy: '123456',
      publicBaseUrl: PUBLIC_BASE_URL,
      timezone: 'Asia/Shanghai',
      clock: () => T0,
      logger: log.logger,
      captchaGenerator: () => ({ answer: 'K7PX', png: renderCaptchaPng('K7PX') }),
      onPasswordReset: async () => undefined,
    });
    for (let i = 0; i < 8; i++) await seedStudent(db, `A00${i}`, await hasher.hash(`Pass-of-A${i}`));
    await seedStudent(db, 'S001', await hasher.hash('Right#Pass1'));
    const verify = vi.spyOn(hasher, 'verify');

    scryptCalls.hold = true;
    const answers: LoginResult[] = [];
    // The burst: eight tries from one address (captchas "solved", distinct 学号 and chats).
    const burst = Array.from({ length: 8 }, (_, i) =>
      services.guard
        .login(`A00${i}`, `wrong-${i}`, true, { channel: 'web', chatId: `attacker-${i}`, now: T0, source: 'ip:203.0.113.9' })
        .then((r) => (answers.push(r), r)),
    );
    // One runs, two wait (the per-source bound); five are refused while the first is still held.
    await until(() => answers.length === 5);
    // Which of the eight gets there first is the store's ordering (a pool on PostgreSQL); one only.
    expect(scryptCalls.started).toHaveLength(1);
    expect(scryptCalls.started[0]).toMatch(/^wrong-[0-7]$/);
    expect(answers.every((r) => !r.ok && r.reason === 'busy' && r.retryAfterSeconds >= 1)).toBe(true);

    // A student from another address queues behind the burst.
    const student = services.guard.login('S001', 'Right#Pass1', false, { channel: 'web', chatId: 'student', now: T0, source: 'ip:198.51.100.7' });
    await until(() => verify.mock.calls.some((call) => call[0] === 'Right#Pass1'));
    while (scryptCalls.started.length < 4) {
      const next = scryptCalls.held.shift();
      next?.();
      await until(() => scryptCalls.held.length > 0 || scryptCalls.started.length === 4);
    }
    scryptCalls.hold = false;
    for (const run of scryptCalls.held.splice(0)) run();

    expect(await student).toMatchObject({ ok: true, studentId: 'S001' });
    // Round-robin: one more try of the burst (its source's turn came first), then the student.
    expect(scryptCalls.started.indexOf('Right#Pass1')).toBeLessThanOrEqual(2);
    const results = await Promise.all(burst);
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(3);
    // A refused try was never checked, so it left no failure behind.
    expect(await db.selectFrom('login_failures').selectAll().execute()).toHaveLength(3);
  });
});
