import type { Kysely } from 'kysely';

// Housekeeping finds idle web conversations and old web messages by time (web-chat-cleanup.repository.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('conversations_channel_updated').on('conversations').columns(['channel', 'updated_at']).execute();
  await db.schema.createIndex('web_messages_created').on('web_messages').column('created_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
