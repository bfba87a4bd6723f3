import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// The finance office: staff (matched to a Slack user by e-mail on first use), their audit trail,
// the Slack message each card lives in (so it is updated in place), and a ticket's progress.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('email', 'varchar(254)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('college', 'varchar(100)')
    .addColumn('slack_user_id', 'varchar(32)', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_audit')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('staff_email', 'varchar(254)', (c) => c.notNull())
    .addColumn('slack_user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)')
    .addColumn('subject', 'varchar(64)')
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_audit_at').on('staff_audit').column('at').execute();

  await db.schema
    .createTable('slack_cards')
    .addColumn('subject', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('ts', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('problem_reports').addColumn('claimed_by', 'varchar(100)').execute();
  await db.schema.alterTable('problem_reports').addColumn('resolved_by', 'varchar(100)').execute();
  await db.schema.alterTable('problem_reports').addColumn('resolution_note', 'text').execute();
  await db.schema.alterTable('problem_reports').addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
