import { formatDateTime } from '../display-time.js';
import type { Db } from '../db/database.js';
import { insertAuditEntry, listAuditEntriesForStudent, type AuditRow } from '../db/repositories/audit.repository.js';

// The security audit trail. Callers pass only non-secret details: never a password, token,
// link or code. `feebot audit STUDENT_ID` prints `trail()`.

export type AuditEvent =
  | 'login.ok'
  | 'login.failed'
  | 'login.challenge'
  | 'login.challengeFailed'
  | 'login.locked'
  /** A first login with the fixed initial password was asked for proof of identity (detail: how). */
  | 'login.proofAsked'
  | 'login.proofFailed'
  /** Neither an ID number nor a recovery e-mail: the student was sent to the finance office. */
  | 'login.noProof'
  /** The proof's code mail could not go (rate limit or mail fault). */
  | 'login.proofUnavailable'
  | 'reset.requested'
  | 'reset.used'
  | 'password.changed'
  /** A wrong old password in 修改密码 (five in a row end the session: `logout`, detail wrongOldPassword). */
  | 'password.wrongOld'
  | 'email.changeRequested'
  | 'email.changed'
  | 'logout'
  | 'session.revoked';

export interface AuditEntry {
  studentId: string | null;
  event: AuditEvent;
  channel: string;
  chatId: string;
  detail?: string;
}

export interface Audit {
  record(e: AuditEntry): Promise<void>;
  /** Printable text of the student's most recent `limit` events, newest first. */
  trail(studentId: string, limit?: number): Promise<string>;
}

export interface AuditDeps {
  db: Db;
  clock?: () => number;
  /** Display time zone of `trail()`. */
  timezone?: string;
}

// One event, one line: control characters (a newline in a chat id) cannot forge extra entries.
const oneLine = (value: string, max: number): string => {
  const clean = value.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

export function createAudit(deps: AuditDeps): Audit {
  const { db, clock = Date.now, timezone = 'Asia/Shanghai' } = deps;
  return {
    async record(e) {
      await insertAuditEntry(db, {
        studentId: e.studentId,
        event: e.event,
        channel: oneLine(e.channel, 16),
        chatId: oneLine(e.chatId, 128),
        detail: e.detail === undefined ? null : oneLine(e.detail, 200),
        at: clock(),
      });
    },
    async trail(studentId, limit = 50) {
      const rows = await listAuditEntriesForStudent(db, studentId, limit);
      return formatAuditTrail(rows, timezone, studentId);
    },
  };
}


/** The rows (newest first, as listed) as aligned text lines under a header. */
export function formatAuditTrail(rows: readonly AuditRow[], timezone: string, studentId?: string): string {
  const who = studentId ?? rows.find((r) => r.student_id)?.student_id ?? '?';
  if (rows.length === 0) return `Audit trail for ${who}: no events.\n`;
  const header = `Audit trail for ${who}: ${rows.length} most recent event${rows.length === 1 ? '' : 's'}, newest first (times in ${timezone})`;
  const table = rows.map((r) => [formatDateTime(r.at, timezone, true), r.event, r.channel, oneLine(r.chat_id, 40), r.detail ? oneLine(r.detail, 200) : '']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((cols) => cols[i]?.length ?? 0)));
  const lines = table.map((cols) =>
    cols
      .map((col, i) => (i < widths.length ? col.padEnd(widths[i] ?? 0) : col))
      .join('  ')
      .trimEnd(),
  );
  return `${header}\n${lines.join('\n')}\n`;
}
