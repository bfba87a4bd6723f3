import { initialPasswordFor, parseInitialPasswordPolicy, type InitialPasswordSetting } from '../accounts/initial-password.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import { isValidEmail, isValidStudentId } from '../accounts/student-fields.js';
import { inTransaction, type Db } from '../db/database.js';
import {
  findExistingStudentIds,
  updateStudentProfile,
  upsertStudent,
  type StudentUpsert,
} from '../db/repositories/student.repository.js';
import { readCsvTable, type ImportError, type ImportResult } from './csv-table.js';

// students.csv → students. All rows are checked first; one bad row imports nothing. Existing
// students get their profile updated and keep their password, so re-importing is idempotent.

export const STUDENT_COLUMNS = ['student_id', 'name', 'college', 'major', 'class_name', 'recovery_email', 'phone', 'id_number'] as const;
type StudentColumn = (typeof STUDENT_COLUMNS)[number];

export interface StudentImportOptions {
  hasher: PasswordHasher;
  initialPasswordPolicy: InitialPasswordSetting;
  now: number;
}

const PHONE = /^\+?[0-9][0-9 -]{4,30}$/;
const ID_NUMBER = /^[0-9A-Za-z]{1,32}$/;

function validateStudent(v: Record<StudentColumn, string>): StudentUpsert | string {
  if (v.student_id === '') return 'student_id is required';
  if (!isValidStudentId(v.student_id)) return `student_id "${v.student_id}" must be 1–32 letters, digits, _ or -`;
  if (v.name === '') return 'name is required';
  for (const column of ['name', 'college', 'major', 'class_name'] as const) {
    if ([...v[column]].length > 100) return `${column} is longer than 100 characters`;
  }
  if (v.recovery_email !== '' && !isValidEmail(v.recovery_email)) return `recovery_email "${v.recovery_email}" is not a valid address`;
  if (v.phone !== '' && !PHONE.test(v.phone)) return `phone "${v.phone}" is not a phone number`;
  if (v.id_number !== '' && !ID_NUMBER.test(v.id_number)) return 'id_number must be up to 32 letters and digits';
  return {
    student_id: v.student_id,
    name: v.name,
    college: v.college,
    major: v.major,
    class_name: v.class_name,
    recovery_email: v.recovery_email === '' ? null : v.recovery_email,
    phone: v.phone === '' ? null : v.phone,
    id_number: v.id_number === '' ? null : v.id_number,
  };
}

const byLine = (a: ImportError, b: ImportError): number => a.line - b.line;

export async function importStudents(db: Db, csvText: string, options: StudentImportOptions): Promise<ImportResult> {
  const policy = parseInitialPasswordPolicy(options.initialPasswordPolicy);
  const table = readCsvTable(csvText, STUDENT_COLUMNS);
  const errors = [...table.errors];
  const students: { line: number; student: StudentUpsert }[] = [];
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const result = validateStudent(row.values);
    if (typeof result === 'string') {
      errors.push({ line: row.line, reason: result });
      continue;
    }
    const earlier = firstLine.get(result.student_id);
    if (earlier !== undefined) {
      errors.push({ line: row.line, reason: `student_id ${result.student_id} already appears on line ${earlier}` });
      continue;
    }
    firstLine.set(result.student_id, row.line);
    students.push({ line: row.line, student: result });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort(byLine) };

  const existing = await findExistingStudentIds(db, students.map((s) => s.student.student_id));
  const newcomers = students.filter((s) => !existing.has(s.student.student_id));
  const initialPasswords = new Map<string, string>();
  for (const { line, student } of newcomers) {
    const initial = initialPasswordFor(policy, student);
    if (initial === null) errors.push({ line, reason: 'id_number (at least 6 characters) is required by INITIAL_PASSWORD=@idLast6' });
    else initialPasswords.set(student.student_id, initial);
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort(byLine) };

  // Hash outside the transaction (it is slow). A fixed initial password is public knowledge,
  // so one salted hash per import serves every newcomer and keeps large imports fast.
  let fixedHash: Promise<string> | undefined;
  const hashFor = (password: string): Promise<string> =>
    policy.kind === 'fixed' ? (fixedHash ??= options.hasher.hash(password)) : options.hasher.hash(password);
  const hashes = new Map<string, string>();
  await Promise.all(
    [...initialPasswords].map(async ([studentId, password]) => hashes.set(studentId, await hashFor(password))),
  );

  await inTransaction(db, async (tx) => {
    for (const { student } of students) {
      const hash = hashes.get(student.student_id);
      if (hash !== undefined) await upsertStudent(tx, student, hash, options.now);
      else if (!(await updateStudentProfile(tx, student, options.now))) {
        throw new Error(`Student ${student.student_id} vanished during the import`);
      }
    }
  });
  return { ok: true, count: students.length };
}
