import { isValidEmail } from '../accounts/student-fields.js';
import { inTransaction, type Db } from '../db/database.js';
import { upsertStaff, type StaffUpsert } from '../db/repositories/staff.repository.js';
import type { StaffRole } from '../db/schema.js';
import { readCsvTable, type ImportError, type ImportResult } from './csv-table.js';

// staff.csv → staff (the finance office on Slack). All rows are checked first; one bad row imports
// nothing. Re-importing updates name, role and college and keeps the remembered Slack user.

export const STAFF_COLUMNS = ['email', 'name', 'role', 'college'] as const;
const ROLES: readonly StaffRole[] = ['viewer', 'officer', 'admin'];

export async function importStaff(db: Db, csvText: string, options: { now: number }): Promise<ImportResult> {
  const table = readCsvTable(csvText, STAFF_COLUMNS);
  const errors: ImportError[] = [...table.errors];
  const staff: StaffUpsert[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, values: v } of table.rows) {
    const email = v.email.toLowerCase();
    const role = v.role.toLowerCase() as StaffRole;
    let reason: string | null = null;
    if (!isValidEmail(email)) reason = `email "${v.email}" is not a valid address`;
    else if (v.name === '' || [...v.name].length > 100) reason = 'name is required (at most 100 characters)';
    else if (!ROLES.includes(role)) reason = `role "${v.role}" must be viewer, officer or admin`;
    else if ([...v.college].length > 100) reason = 'college is longer than 100 characters';
    else if (firstLine.has(email)) reason = `email ${email} already appears on line ${firstLine.get(email)}`;
    if (reason) {
      errors.push({ line, reason });
      continue;
    }
    firstLine.set(email, line);
    staff.push({ email, name: v.name, role, college: v.college === '' ? null : v.college });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  await inTransaction(db, (tx) => upsertStaff(tx, staff, options.now));
  return { ok: true, count: staff.length };
}
