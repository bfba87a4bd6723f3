// The 学号 format the login and 忘记密码 prompts accept.

const STUDENT_ID = /^[A-Za-z0-9]{4,20}$/;

/** The 学号 as typed (trimmed), or null when it cannot be one. */
export function parseStudentId(text: string): string | null {
  const studentId = text.trim();
  return STUDENT_ID.test(studentId) ? studentId : null;
}
