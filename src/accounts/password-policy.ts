import type { PasswordProblem } from '../engine/events.js';

// Rules a new password must meet that need no hashes. 'sameAsCurrent' and 'mismatch'
// compare against stored hashes and are checked by the accounts service.

export const MIN_PASSWORD_LENGTH = 8;

export interface PasswordPolicyContext {
  studentId: string;
  /** The student's initial password under the configured policy; null when there is none. */
  initialPassword: string | null;
}

export function checkNewPassword(password: string, context: PasswordPolicyContext): PasswordProblem | null {
  // Count code points, so a Chinese character counts once.
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (password.toLowerCase() === context.studentId.toLowerCase()) return 'sameAsStudentId';
  if (context.initialPassword !== null && password === context.initialPassword) return 'sameAsInitial';
  return null;
}
