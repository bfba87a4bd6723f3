import { readFileSync } from 'node:fs';
import type { InitialPasswordSetting } from '../accounts/initial-password.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { Db } from '../db/database.js';
import { setAmountPaidForDemo } from '../db/repositories/demo.repository.js';
import { findExistingStudentIds, updatePassword } from '../db/repositories/student.repository.js';
import { importFees } from '../import/fee-import.js';
import { importStudents } from '../import/student-import.js';
import type { ImportResult } from '../import/csv-table.js';

// Demo students and bills, loaded through the real importers from the CSV files beside this
// module. Idempotent: a second run changes nothing a demo user did (passwords, payments).

/** Known password of every demo student except 王五, who is still on the initial password. */
export const DEMO_PASSWORD = 'Demo@2026';

export interface DemoLogin {
  studentId: string;
  name: string;
  /** `initial` = the configured initial password (default 123456); a forced change follows login. */
  password: typeof DEMO_PASSWORD | 'initial';
  note: string;
}

export const DEMO_LOGINS: readonly DemoLogin[] = [
  { studentId: '2023010101', name: '张三', password: DEMO_PASSWORD, note: 'arrears in 2023-2024, 2024-2025, 2025-2026; 学费 in installments' },
  { studentId: '2023010102', name: '李四', password: DEMO_PASSWORD, note: 'everything paid' },
  { studentId: '2023010103', name: '王五', password: 'initial', note: 'first login: then the last 6 of his ID number (030033), then a new password' },
  { studentId: '2024020201', name: '赵六', password: DEMO_PASSWORD, note: '2025-2026 tuition ¥16,000 (min installment ¥4,000)' },
  { studentId: '2025030301', name: '陈晓梅', password: DEMO_PASSWORD, note: 'no recovery email set yet' },
];

/** Amounts already received, applied when a demo student is first created: [studentId, period, code, fen]. */
const PAID: ReadonlyArray<readonly [string, string, string, number]> = [
  ['2023010101', '2023-2024', 'TUITION', 300_000],
  ['2023010101', '2023-2024', 'DORM', 120_000],
  ['2023010102', '2024-2025', 'TUITION', 550_000],
  ['2023010102', '2024-2025', 'DORM', 120_000],
  ['2023010102', '2025-2026', 'TUITION', 550_000],
  ['2023010102', '2025-2026', 'DORM', 120_000],
];

export interface DemoSeedOptions {
  hasher: PasswordHasher;
  now: number;
  /** Config INITIAL_PASSWORD; 王五 logs in with what this gives. Default `123456`. */
  initialPasswordPolicy?: InitialPasswordSetting;
}

export interface DemoSeedSummary {
  students: number;
  feeItems: number;
  /** Students created by this run (empty on a re-run). */
  created: string[];
}

function readDemoFile(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

function orThrow(file: string, result: ImportResult): number {
  if (result.ok) return result.count;
  const detail = result.errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ');
  throw new Error(`Demo data ${file} is invalid: ${detail}`);
}

export async function seedDemoData(db: Db, options: DemoSeedOptions): Promise<DemoSeedSummary> {
  const { hasher, now, initialPasswordPolicy = '123456' } = options;
  const before = await findExistingStudentIds(db, DEMO_LOGINS.map((l) => l.studentId));

  const students = orThrow('demo-students.csv', await importStudents(db, readDemoFile('demo-students.csv'), { hasher, initialPasswordPolicy, now }));
  const feeItems = orThrow('demo-fees.csv', await importFees(db, readDemoFile('demo-fees.csv'), { now }));

  const created = DEMO_LOGINS.filter((l) => !before.has(l.studentId)).map((l) => l.studentId);
  const fresh = new Set(created);
  if (DEMO_LOGINS.some((l) => fresh.has(l.studentId) && l.password === DEMO_PASSWORD)) {
    // The demo password is published, so one salted hash serves all demo students.
    const demoHash = await hasher.hash(DEMO_PASSWORD);
    for (const login of DEMO_LOGINS) {
      if (fresh.has(login.studentId) && login.password === DEMO_PASSWORD) await updatePassword(db, login.studentId, demoHash, now);
    }
  }
  for (const [studentId, period, code, fen] of PAID) {
    if (fresh.has(studentId)) await setAmountPaidForDemo(db, studentId, period, code, fen, now);
  }
  return { students, feeItems, created };
}
