import type { Generated } from 'kysely';

// Chats: conversation state, inbound dedupe, the outbox, per-channel chat records, web messages, problem reports, announcements.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

export interface ConversationsTable {
  channel: string;
  chat_id: string;
  state_version: number;
  revision: number;
  state_json: string;
  student_id: string | null;
  updated_at: number;
}

export interface InboundUpdatesTable {
  channel: string;
  update_id: string;
  received_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  lane: string;
  kind: string;
  payload_json: string;
  status: Generated<'pending' | 'done' | 'dead'>;
  attempts: Generated<number>;
  run_after: number;
  last_error: string | null;
  created_at: number;
}

export interface ChannelChatsTable {
  channel: string;
  chat_id: string;
  menu_message_id: string | null;
  /** 1: a message or a typed answer sits below the menu message; the next menu is sent anew. */
  menu_detached: Generated<number>;
  /** The progress notice (正在发送…) shown last, which its outcome replaces. */
  progress_message_id: string | null;
  active: Generated<number>;
  updated_at: number;
}

export interface WebMessagesTable {
  id: Generated<number>;
  chat_id: string;
  message_key: string;
  payload_json: string;
  created_at: number;
}

export interface ProblemReportsTable {
  id: Generated<number>;
  student_id: string;
  order_id: string | null;
  channel: string;
  chat_id: string;
  description: string;
  /** open → claimed → resolved. */
  status: Generated<string>;
  created_at: number;
  /** Staff name of whoever claimed / resolved it (Slack). */
  claimed_by: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  /** Replies sent to the student from Slack. */
  replies: Generated<number>;
}

export interface AnnouncementsTable {
  id: Generated<number>;
  title: string;
  body: string;
  /** `zh-CN`, `en`, or `all` (shown whatever the student's language). */
  lang: string;
  /** `all`, `college` (students of `college`), `arrears` (students who owe something). */
  audience: 'all' | 'college' | 'arrears';
  college: string | null;
  /** Last day shown, `YYYY-MM-DD`. */
  show_until: string;
  created_by: string;
  created_at: number;
}
