import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// 新闻公告: written by the finance office on Slack, shown on the login and home screens of every channel.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('announcements')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('lang', 'varchar(8)', (c) => c.notNull())
    .addColumn('audience', 'varchar(16)', (c) => c.notNull())
    .addColumn('college', 'varchar(100)')
    .addColumn('show_until', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(254)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('announcements_until').on('announcements').column('show_until').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
