import { beforeEach, describe, expect, it } from 'vitest';
import { findStagedPassword } from '../../src/db/repositories/account.repository.js';
import { findStudentById } from '../../src/db/repositories/student.repository.js';
import { harness, MIN, T0, type Harness } from './accounts-fixture.js';

const ctx = (now: number) => ({ channel: 'telegram', chatId: '42', now });
const CURRENT = 'Current#Pass1';
const NEXT = 'Brand-New#2026';

describe('verifyPassword', () => {
  it('checks the current password; an unknown student costs the same work', async () => {
    const h = await harness();
    await h.addStudent('2023010101', CURRENT);
    expect(await h.accounts.verifyPassword('2023010101', CURRENT)).toBe(true);
    expect(await h.accounts.verifyPassword('2023010101', 'nope-nope')).toBe(false);
    expect(await h.accounts.verifyPassword('2099999999', CURRENT)).toBe(false);
    expect(h.verifyDummy).toHaveBeenCalledTimes(1);
  });
});

describe('stage and commit a new password', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ initialPasswordPolicy: 'Initial#2025' });
    await h.addStudent('2023010101', CURRENT);
  });

  it('rejects by policy without storing anything', async () => {
    expect(await h.accounts.stagePassword('2023010101', 'short1', T0)).toBe('tooShort');
    expect(await h.accounts.stagePassword('2023010101', '2023010101', T0)).toBe('sameAsStudentId');
    expect(await h.accounts.stagePassword('2023010101', 'Initial#2025', T0)).toBe('sameAsInitial');
    expect(await h.accounts.stagePassword('2023010101', CURRENT, T0)).toBe('sameAsCurrent');
    expect(await findStagedPassword(h.db, '2023010101')).toBeUndefined();
    expect(h.hash).not.toHaveBeenCalled();
  });

  it('stores only a hash, then commits it on a matching confirmation', async () => {
    expect(await h.accounts.stagePassword('2023010101', NEXT, T0)).toBeNull();
    const staged = await findStagedPassword(h.db, '2023010101');
    expect(staged?.password_hash).toMatch(/^scrypt\$/);
    expect(staged?.password_hash).not.toContain(NEXT);

    expect(await h.accounts.commitPassword('2023010101', NEXT, T0 + MIN)).toBeNull();
    expect(await findStagedPassword(h.db, '2023010101')).toBeUndefined();
    const student = await findStudentById(h.db, '2023010101');
    expect(student).toMatchObject({ must_change_password: 0, password_changed_at: T0 + MIN, password_hash: staged?.password_hash });

    expect(await h.accounts.login('2023010101', NEXT, ctx(T0 + 2 * MIN))).toEqual({ ok: true, studentId: '2023010101', mustChangePassword: false });
    expect(await h.accounts.login('2023010101', CURRENT, ctx(T0 + 2 * MIN))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('a mismatched confirmation drops the staged password and keeps the old one', async () => {
    await h.accounts.stagePassword('2023010101', NEXT, T0);
    expect(await h.accounts.commitPassword('2023010101', 'Brand-New#2027', T0)).toBe('mismatch');
    expect(await findStagedPassword(h.db, '2023010101')).toBeUndefined();
    // The right confirmation is too late now: nothing is staged.
    expect(await h.accounts.commitPassword('2023010101', NEXT, T0)).toBe('mismatch');
    expect(await h.accounts.verifyPassword('2023010101', CURRENT)).toBe(true);
  });

  it('staging again replaces the earlier staged password', async () => {
    await h.accounts.stagePassword('2023010101', NEXT, T0);
    await h.accounts.stagePassword('2023010101', 'Second#Choice9', T0 + 1);
    expect(await h.accounts.commitPassword('2023010101', NEXT, T0 + 2)).toBe('mismatch');
    await h.accounts.stagePassword('2023010101', 'Second#Choice9', T0 + 3);
    expect(await h.accounts.commitPassword('2023010101', 'Second#Choice9', T0 + 4)).toBeNull();
    expect(await h.accounts.verifyPassword('2023010101', 'Second#Choice9')).toBe(true);
  });

  it('a staged password left unconfirmed for over 30 minutes expires', async () => {
    await h.accounts.stagePassword('2023010101', NEXT, T0);
    expect(await h.accounts.commitPassword('2023010101', NEXT, T0 + 31 * MIN)).toBe('mismatch');
    expect(await h.accounts.verifyPassword('2023010101', CURRENT)).toBe(true);
  });

  it('clears the forced-change flag of a student on the initial password', async () => {
    await h.addStudent('2023010103', 'Initial#2025', { initial: true });
    expect(await h.accounts.login('2023010103', 'Initial#2025', ctx(T0))).toMatchObject({ mustChangePassword: true });
    expect(await h.accounts.stagePassword('2023010103', 'Initial#2025', T0)).toBe('sameAsInitial');
    expect(await h.accounts.stagePassword('2023010103', NEXT, T0)).toBeNull();
    expect(await h.accounts.commitPassword('2023010103', NEXT, T0)).toBeNull();
    expect(await h.accounts.login('2023010103', NEXT, ctx(T0 + 1))).toMatchObject({ ok: true, mustChangePassword: false });
  });
});

describe('changeEmail', () => {
  it('stores a valid address and refuses invalid ones or unknown students', async () => {
    const h = await harness();
    await h.addStudent('2023010101', CURRENT);
    expect(await h.accounts.changeEmail('2023010101', ' zhangsan@example.edu.cn ', T0)).toBe(true);
    expect((await findStudentById(h.db, '2023010101'))?.recovery_email).toBe('zhangsan@example.edu.cn');
    for (const bad of ['', 'zhangsan', 'a@b', 'a b@example.com', 'x@example..com']) {
      expect(await h.accounts.changeEmail('2023010101', bad, T0), bad).toBe(false);
    }
    expect((await findStudentById(h.db, '2023010101'))?.recovery_email).toBe('zhangsan@example.edu.cn');
    expect(await h.accounts.changeEmail('2099999999', 'x@example.com', T0)).toBe(false);
  });
});
