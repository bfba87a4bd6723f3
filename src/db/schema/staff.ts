import type { Generated } from 'kysely';

// Finance staff on Slack: roles, their audit, the cards kept up to date.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export type StaffRole = 'viewer' | 'officer' | 'admin';

export interface StaffTable {
  /** Lower-cased. */
  email: string;
  name: string;
  role: StaffRole;
  /** Set: this person sees and acts on students of this college only. */
  college: string | null;
  /** Remembered on first use (matched by e-mail). */
  slack_user_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StaffAuditTable {
  id: Generated<number>;
  staff_email: string;
  slack_user_id: string;
  action: string;
  student_id: string | null;
  /** What was acted on: `ticket:3`, `credit:7`, … */
  subject: string | null;
  detail: string | null;
  at: number;
}

export interface SlackCardsTable {
  /** `ticket:3`, `credit:7`, `deferral:2`. */
  subject: string;
  channel_id: string;
  ts: string;
  updated_at: number;
}
