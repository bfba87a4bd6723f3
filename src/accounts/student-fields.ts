// Shapes accepted for student fields, shared by the CSV import and the account service.

// The 学号 is defined once, beside the engine's prompts (the engine may not import from here).
export { STUDENT_ID_PATTERN, isValidStudentId } from '../engine/student-id.js';

// Deliberately plain: one @, a dotted domain, no spaces; the confirmation mail is the real check.
const EMAIL_PATTERN = /^[^\s@"<>()[\],;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}
