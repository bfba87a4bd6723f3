import { vi, type MockInstance } from 'vitest';
import { createAccounts, type AccountsDeps } from '../../src/accounts/accounts.service.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/accounts/password-hasher.js';
import type { Db } from '../../src/db/database.js';
import { updatePassword, upsertStudent } from '../../src/db/repositories/student.repository.js';
import { openTestDb } from '../support/test-store.js';

// Cheap scrypt (N=2^10) keeps these tests fast; the defaults are checked in password-hasher.test.ts.
export const TEST_COST = 10;
export const MIN = 60_000;
export const T0 = Date.UTC(2025, 8, 1, 8, 0, 0);

export async function freshDb(): Promise<Db> {
  return openTestDb();
}

/** Stores a student with this password hash; `initial` keeps the forced-change flag set. */
export async function seedStudent(
  db: Db,
  studentId: string,
  passwordHash: string,
  opts: { initial?: boolean; idNumber?: string; email?: string | null } = {},
): Promise<void> {
  const profile = {
    student_id: studentId,
    name: `学生${studentId.slice(-2)}`,
    college: '计算机科学与技术学院',
    major: '软件工程',
    class_name: '软件2301班',
    recovery_email: opts.email ?? null,
    phone: null,
    id_number: opts.idNumber ?? null,
  };
  await upsertStudent(db, profile, passwordHash, T0);
  if (!opts.initial) await updatePassword(db, studentId, passwordHash, T0);
}

export interface Harness {
  db: Db;
  hasher: PasswordHasher;
  verify: MockInstance;
  verifyDummy: MockInstance;
  hash: MockInstance;
  accounts: ReturnType<typeof createAccounts>;
  /** Adds a student holding `password`; `initial` keeps the forced-change flag set. */
  addStudent(studentId: string, password: string, opts?: { initial?: boolean; idNumber?: string }): Promise<void>;
}

export async function harness(overrides: Partial<AccountsDeps> = {}): Promise<Harness> {
  const db = await freshDb();
  const hasher = createPasswordHasher({ cost: TEST_COST });
  const verify = vi.spyOn(hasher, 'verify');
  const verifyDummy = vi.spyOn(hasher, 'verifyDummy');
  const hash = vi.spyOn(hasher, 'hash');
  const accounts = createAccounts({ db, hasher, initialPasswordPolicy: '123456', ...overrides });
  const addStudent: Harness['addStudent'] = async (studentId, password, opts = {}) => {
    await seedStudent(db, studentId, await hasher.hash(password), opts);
    hash.mockClear();
  };
  return { db, hasher, verify, verifyDummy, hash, accounts, addStudent };
}
