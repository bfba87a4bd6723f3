import { describe, expect, it } from 'vitest';
import { initialPasswordFor, parseInitialPasswordPolicy } from '../../src/accounts/initial-password.js';
import { checkNewPassword } from '../../src/accounts/password-policy.js';

const student = { student_id: '2023010101', id_number: '11010120050101001X' };

describe('initial password policy', () => {
  it('a fixed value (the default 123456)', () => {
    expect(parseInitialPasswordPolicy('123456')).toEqual({ kind: 'fixed', value: '123456' });
    expect(initialPasswordFor('123456', student)).toBe('123456');
    expect(initialPasswordFor({ kind: 'fixed', value: 'Welcome#2025' }, student)).toBe('Welcome#2025');
  });

  it('@studentId gives the 学号', () => {
    expect(initialPasswordFor('@studentId', student)).toBe('2023010101');
  });

  it('@idLast6 gives the last six characters of the ID number, or null without one', () => {
    expect(initialPasswordFor('@idLast6', student)).toBe('01001X');
    expect(initialPasswordFor('@idLast6', { ...student, id_number: null })).toBeNull();
    expect(initialPasswordFor('@idLast6', { ...student, id_number: '12345' })).toBeNull();
  });

  it('rejects unknown @ policies and an empty value', () => {
    expect(() => parseInitialPasswordPolicy('@birthday')).toThrow(/Unknown INITIAL_PASSWORD/);
    expect(() => parseInitialPasswordPolicy('')).toThrow();
  });
});

describe('new password rules', () => {
  const ctx = { studentId: '2023010101', initialPassword: 'Welcome#2025' };

  it('needs at least 8 characters (counted as characters, not bytes)', () => {
    expect(checkNewPassword('Ab3$xyz', ctx)).toBe('tooShort');
    expect(checkNewPassword('', ctx)).toBe('tooShort');
    expect(checkNewPassword('密码安全密码安全', ctx)).toBeNull();
    expect(checkNewPassword('密码安全密码安', ctx)).toBe('tooShort');
    expect(checkNewPassword('Ab3$xyzw', ctx)).toBeNull();
  });

  it('may not be the student ID', () => {
    expect(checkNewPassword('2023010101', ctx)).toBe('sameAsStudentId');
    expect(checkNewPassword('ab20230101', { ...ctx, studentId: 'AB20230101' })).toBe('sameAsStudentId');
  });

  it('may not be the initial password', () => {
    expect(checkNewPassword('Welcome#2025', ctx)).toBe('sameAsInitial');
    expect(checkNewPassword('Welcome#2025', { ...ctx, initialPassword: null })).toBeNull();
  });
});
