import type { StaffAuditEntry } from '../db/repositories/staff-audit.repository.js';
import { formatDateTime } from '../display-time.js';

/** `feebot audit --staff`: one line per staff action (when, who, what, which student, note). */
export function formatStaffAudit(entries: StaffAuditEntry[], timezone: string): string {
  if (entries.length === 0) return 'No staff actions recorded.';
  return entries
    .map((e) => [formatDateTime(e.at, timezone, true), e.staffEmail, e.action, e.studentId ?? '-', e.subject ?? '-', e.detail ? JSON.stringify(e.detail) : ''].join('  ').trimEnd())
    .join('\n');
}
