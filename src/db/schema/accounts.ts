import type { Generated } from 'kysely';

// Logins, lockouts, proofs, password resets, e-mail changes, captchas, the audit log, settings.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export interface LoginFailuresTable {
  id: Generated<number>;
  student_id: string;
  channel: string;
  chat_id: string;
  at: number;
  /** The request's source (`ip:…`, `telegram:…`); null for older rows and sourceless requests. */
  source: string | null;
  /** 1 while the password is still being checked: an attempt in flight counts as a failure. */
  pending: Generated<number>;
}

export interface InitialPasswordLoginsTable {
  id: Generated<number>;
  source: string;
  student_id: string;
  at: number;
}

/** A first login with a fixed initial password, waiting for proof of identity in this chat. */
export interface LoginProofsTable {
  channel: string;
  chat_id: string;
  student_id: string;
  method: 'idNumber' | 'emailCode';
  /** The mailed code's hash (emailCode only). */
  code_hash: string | null;
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
}

export interface LockoutsTable {
  student_id: string;
  locked_until: number;
  level: number;
  updated_at: number;
}

export interface StagedPasswordsTable {
  student_id: string;
  password_hash: string;
  created_at: number;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  student_id: string;
  /** SHA-256 (hex) of the link token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  voided_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  student_id: string | null;
  event: string;
  channel: string;
  chat_id: string;
  /** Short, non-secret text. */
  detail: string | null;
  at: number;
}

export interface EmailChangesTable {
  student_id: string;
  new_email: string;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

export interface CaptchaChallengesTable {
  channel: string;
  chat_id: string;
  answer_hash: string;
  created_at: number;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}
