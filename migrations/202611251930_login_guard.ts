import type { Kysely } from 'kysely';

// The captcha challenge also counts failures per chat, whatever student ID was typed; the lockout
// rule looks up chats a student logged in from; `settings` keeps installation secrets.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_chat').on('login_failures').columns(['channel', 'chat_id', 'at']).execute();
  await db.schema.createIndex('audit_log_student_event_chat').on('audit_log').columns(['student_id', 'event', 'channel', 'chat_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
