import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// 缓缴 (deferral) requests: a student asks from chat, the finance office approves or rejects from Slack.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deferrals')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('item_ids', 'text', (c) => c.notNull())
    .addColumn('until_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('pending'))
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(100)')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('deferrals_student').on('deferrals').columns(['student_id', 'status']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
