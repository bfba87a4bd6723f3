import { beforeEach, describe, expect, it } from 'vitest';
import { findLockout } from '../../src/db/repositories/account.repository.js';
import { harness, MIN, T0, type Harness } from './accounts-fixture.js';

const ctx = (now: number) => ({ channel: 'web', chatId: 'chat-1', now });
const GOOD = 'Right#Pass1';
const HOUR = 60 * MIN;

describe('login', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.addStudent('2023010101', GOOD);
  });

  const failTimes = async (studentId: string, times: number, at: (i: number) => number) => {
    const results = [];
    for (let i = 0; i < times; i += 1) results.push(await h.accounts.login(studentId, 'wrong-pass', ctx(at(i))));
    return results;
  };

  it('accepts the right password', async () => {
    expect(await h.accounts.login('2023010101', GOOD, ctx(T0))).toEqual({ ok: true, studentId: '2023010101', mustChangePassword: false });
    expect(await h.accounts.login(' 2023010101 ', GOOD, ctx(T0))).toMatchObject({ ok: true });
  });

  it('gives the same answer for a wrong password and an unknown student, and both do hashing work', async () => {
    const wrong = await h.accounts.login('2023010101', 'not-it', ctx(T0));
    expect(h.verify).toHaveBeenCalledTimes(1);
    expect(h.verifyDummy).not.toHaveBeenCalled();
    const unknown = await h.accounts.login('2099999999', 'not-it', ctx(T0));
    expect(h.verifyDummy).toHaveBeenCalledTimes(1);
    expect(unknown).toEqual(wrong);
    expect(wrong).toEqual({ ok: false, reason: 'invalid' });
    // Malformed IDs too.
    expect(await h.accounts.login('x'.repeat(200), 'not-it', ctx(T0))).toEqual(wrong);
    expect(h.verifyDummy).toHaveBeenCalledTimes(2);
  });

  it('locks after 5 failures within 15 minutes, answers "locked" even for the right password, and unlocks on time', async () => {
    const results = await failTimes('2023010101', 5, (i) => T0 + i * MIN);
    expect(results.slice(0, 4)).toEqual(Array(4).fill({ ok: false, reason: 'invalid' }));
    const until = T0 + 4 * MIN + 15 * MIN;
    expect(results[4]).toEqual({ ok: false, reason: 'locked', until });

    h.verify.mockClear();
    h.verifyDummy.mockClear();
    expect(await h.accounts.login('2023010101', GOOD, ctx(until - 1))).toEqual({ ok: false, reason: 'locked', until });
    expect(h.verifyDummy).toHaveBeenCalledTimes(1); // still does the work
    expect(h.verify).not.toHaveBeenCalled();

    expect(await h.accounts.login('2023010101', GOOD, ctx(until))).toMatchObject({ ok: true });
  });

  it('does not count failures older than the window', async () => {
    await failTimes('2023010101', 4, () => T0);
    // Exactly 15 minutes later the four have left the window: this is failure 1 of a new count.
    const later = await failTimes('2023010101', 4, () => T0 + 15 * MIN);
    expect(later.every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
    expect(await h.accounts.login('2023010101', 'wrong-pass', ctx(T0 + 15 * MIN))).toMatchObject({ reason: 'locked' });
  });

  it('counts failures just inside the window', async () => {
    await failTimes('2023010101', 4, () => T0);
    expect(await h.accounts.login('2023010101', 'wrong-pass', ctx(T0 + 15 * MIN - 1))).toMatchObject({ reason: 'locked' });
  });

  it('a successful login clears the failures', async () => {
    await failTimes('2023010101', 4, (i) => T0 + i);
    expect(await h.accounts.login('2023010101', GOOD, ctx(T0 + 10))).toMatchObject({ ok: true });
    const after = await failTimes('2023010101', 4, (i) => T0 + 20 + i);
    expect(after.every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
  });

  it('each new lockout within 24 h lasts longer: 15 min, 1 h, 4 h, 4 h; then resets after 24 h quiet', async () => {
    let now = T0;
    const lockNow = async () => {
      const results = await failTimes('2023010101', 5, () => now);
      const last = results[4];
      if (!last || last.ok || last.reason !== 'locked') throw new Error(`expected a lock, got ${JSON.stringify(last)}`);
      return last.until - now;
    };
    const durations: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const d = await lockNow();
      durations.push(d);
      now += d; // try again the moment it ends
    }
    expect(durations).toEqual([15 * MIN, 60 * MIN, 240 * MIN, 240 * MIN]);
    expect((await findLockout(h.db, '2023010101'))?.level).toBe(4);

    now += 24 * HOUR;
    expect(await lockNow()).toBe(15 * MIN);
    expect((await findLockout(h.db, '2023010101'))?.level).toBe(1);
  });

  it('unknown student IDs lock the same way, so a lockout does not reveal which IDs exist', async () => {
    const results = await failTimes('2099999999', 5, (i) => T0 + i);
    expect(results[4]).toEqual({ ok: false, reason: 'locked', until: T0 + 4 + 15 * MIN });
  });

  it('one student locked does not lock another', async () => {
    await h.addStudent('2023010102', GOOD);
    await failTimes('2023010101', 5, (i) => T0 + i);
    expect(await h.accounts.login('2023010102', GOOD, ctx(T0 + 10))).toMatchObject({ ok: true, studentId: '2023010102' });
  });

  it('honours custom limits', async () => {
    const strict = await harness({ maxFailures: 2, failureWindowMs: MIN, lockoutBaseMs: 2 * MIN });
    await strict.addStudent('2023010101', GOOD);
    expect(await strict.accounts.login('2023010101', 'x', ctx(T0))).toMatchObject({ reason: 'invalid' });
    expect(await strict.accounts.login('2023010101', 'x', ctx(T0 + 1))).toEqual({ ok: false, reason: 'locked', until: T0 + 1 + 2 * MIN });
  });

  it('purgeExpired drops stale failures and old lockouts but keeps live ones', async () => {
    await failTimes('2023010101', 5, (i) => T0 + i); // locked until T0+4+15min
    await failTimes('2099999998', 2, () => T0);
    await h.accounts.purgeExpired(T0 + 16 * MIN);
    expect(await findLockout(h.db, '2023010101')).toBeDefined();
    // Level history survives purge within 24 h, so the next lock is level 2.
    const again = await failTimes('2023010101', 5, () => T0 + 20 * MIN);
    expect(again[4]).toEqual({ ok: false, reason: 'locked', until: T0 + 20 * MIN + 60 * MIN });
    await h.accounts.purgeExpired(T0 + 80 * MIN + 24 * HOUR);
    expect(await findLockout(h.db, '2023010101')).toBeUndefined();
    const rows = await h.db.selectFrom('login_failures').selectAll().execute();
    expect(rows).toEqual([]);
  });
});

describe('forced password change', () => {
  it('is required while the student is on the imported initial password', async () => {
    const h = await harness();
    await h.addStudent('2023010103', 'Initial#2025', { initial: true });
    expect(await h.accounts.login('2023010103', 'Initial#2025', ctx(T0))).toEqual({ ok: true, studentId: '2023010103', mustChangePassword: true });
  });

  it('with a fixed initial password (123456), is not complete before a proof of identity', async () => {
    const h = await harness();
    await h.addStudent('2023010103', '123456', { initial: true });
    expect(await h.accounts.login('2023010103', '123456', ctx(T0))).toEqual({ ok: true, studentId: '2023010103', mustChangePassword: true, needsProof: true });
  });

  it('is required whenever the password equals the initial one, even without the flag', async () => {
    const h = await harness({ initialPasswordPolicy: '@studentId' });
    await h.addStudent('2023010103', '2023010103'); // flag cleared
    expect(await h.accounts.login('2023010103', '2023010103', ctx(T0))).toMatchObject({ ok: true, mustChangePassword: true });
  });

  it('follows the @idLast6 policy', async () => {
    const h = await harness({ initialPasswordPolicy: '@idLast6' });
    await h.addStudent('2023010104', '01001X', { idNumber: '11010120050101001X' });
    expect(await h.accounts.login('2023010104', '01001X', ctx(T0))).toMatchObject({ ok: true, mustChangePassword: true });
  });
});
