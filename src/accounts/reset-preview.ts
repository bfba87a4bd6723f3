import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { getOrCreateSetting } from '../db/repositories/settings.repository.js';
import { findStudentById, mostCommonEmailDomain } from '../db/repositories/student.repository.js';
import { maskEmail } from '../ledger/index.js';

/**
 * The masked address shown in the 【忘记密码】 dialog. A student ID that does not exist, or has no
 * e-mail, gets a decoy that looks the same and stays the same for that ID (keyed by an
 * installation secret), so the dialog cannot be used to find out which IDs exist.
 */
export function createResetPreview(db: Db) {
  let key: Promise<string> | null = null;
  const secret = () => (key ??= getOrCreateSetting(db, 'reset-preview-key', () => randomBytes(32).toString('hex')));

  return async function maskedRecoveryEmail(studentId: string): Promise<string> {
    const student = await findStudentById(db, studentId);
    if (student?.recovery_email) return maskEmail(student.recovery_email);
    const digest = createHmac('sha256', await secret()).update(studentId).digest();
    const letter = String.fromCharCode(97 + (digest[0]! % 26));
    return `${letter}***@${(await mostCommonEmailDomain(db)) ?? 'example.edu.cn'}`;
  };
}
