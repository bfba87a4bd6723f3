import type { Kysely } from 'kysely';

// The chat's menu message is kept after a standalone message or a typed answer went below it, but
// marked detached: the next menu is a new message below, and the old one's keyboard can be removed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('channel_chats')
    .addColumn('menu_detached', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // A progress notice (正在创建订单…) shown last: its outcome is drawn over it, not below it.
  await db.schema.alterTable('channel_chats').addColumn('progress_message_id', 'varchar(64)').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
