import type { Db } from '../database.js';
import type { StudentsTable } from '../schema.js';

export type StudentRow = StudentsTable;

export function findStudentById(db: Db, studentId: string): Promise<StudentRow | undefined> {
  return db.selectFrom('students').selectAll().where('student_id', '=', studentId).executeTakeFirst();
}

// Stay well under SQLite's bound-parameter limit.
const ID_CHUNK = 500;

/** Which of `studentIds` exist. */
export async function findExistingStudentIds(db: Db, studentIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(studentIds)];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const rows = await db
      .selectFrom('students')
      .select('student_id')
      .where('student_id', 'in', unique.slice(i, i + ID_CHUNK))
      .execute();
    for (const row of rows) found.add(row.student_id);
  }
  return found;
}

export type StudentUpsert = Omit<StudentRow, 'password_hash' | 'must_change_password' | 'password_changed_at' | 'created_at' | 'updated_at'>;

/**
 * Inserts a student with `initialPasswordHash`, or updates the profile of an existing one
 * (never touching an existing password): re-importing a file is idempotent.
 */
export async function upsertStudent(db: Db, student: StudentUpsert, initialPasswordHash: string, now: number): Promise<void> {
  await db
    .insertInto('students')
    .values({ ...student, password_hash: initialPasswordHash, must_change_password: 1, password_changed_at: null, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('student_id').doUpdateSet({
        name: student.name,
        college: student.college,
        major: student.major,
        class_name: student.class_name,
        recovery_email: student.recovery_email,
        phone: student.phone,
        id_number: student.id_number,
        updated_at: now,
      }),
    )
    .execute();
}

/** Updates the profile of an existing student; false when there is no such student. */
export async function updateStudentProfile(db: Db, student: StudentUpsert, now: number): Promise<boolean> {
  const { student_id: studentId, ...profile } = student;
  const result = await db
    .updateTable('students')
    .set({ ...profile, updated_at: now })
    .where('student_id', '=', studentId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets a password the student chose: the forced-change flag is cleared. */
export async function updatePassword(db: Db, studentId: string, passwordHash: string, now: number): Promise<void> {
  await db
    .updateTable('students')
    .set({ password_hash: passwordHash, must_change_password: 0, password_changed_at: now, updated_at: now })
    .where('student_id', '=', studentId)
    .execute();
}

/** False when there is no such student. */
export async function updateRecoveryEmail(db: Db, studentId: string, email: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('students')
    .set({ recovery_email: email, updated_at: now })
    .where('student_id', '=', studentId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The most used recovery-email domain (for decoy addresses that look like the real ones). */
export async function mostCommonEmailDomain(db: Db): Promise<string | null> {
  const rows = await db.selectFrom('students').select('recovery_email').where('recovery_email', 'is not', null).limit(500).execute();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const domain = r.recovery_email?.split('@')[1]?.toLowerCase();
    if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
