// The one definition of a 学号, used by the CSV import, the login and 忘记密码 prompts and the
// account services: letters, digits, `_` and `-`, 1–32 characters (the column width).

export const STUDENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function isValidStudentId(value: string): boolean {
  return STUDENT_ID_PATTERN.test(value);
}

/** The 学号 as typed (trimmed), or null when it cannot be one. */
export function parseStudentId(text: string): string | null {
  const studentId = text.trim();
  return isValidStudentId(studentId) ? studentId : null;
}
