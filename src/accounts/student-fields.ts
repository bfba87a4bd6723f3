// Shapes accepted for student fields, shared by the CSV import and the account service.

/** 学号: letters, digits, `_` and `-`, at most 32 characters (the column width). */
export const STUDENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function isValidStudentId(value: string): boolean {
  return STUDENT_ID_PATTERN.test(value);
}

// Deliberately plain: one @, a dotted domain, no spaces; the confirmation mail is the real check.
const EMAIL_PATTERN = /^[^\s@"<>()[\],;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}
