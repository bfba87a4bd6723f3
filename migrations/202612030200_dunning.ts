import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// Scheduled reminders (催缴): runs (one per cron fire key), the reminders each run planned (unique per
// student, item set and policy step, so a resumed or doubled run never plans one twice), students
// handed to staff, and per-channel opt-outs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dunning_runs')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('fire_key', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('run_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('plan_skips_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('summary_json', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('planned_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createTable('dunning_reminders')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('reminder_key', 'varchar(400)', (c) => c.notNull().unique())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('run_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('item_steps', 'text', (c) => c.notNull())
    .addColumn('channels', 'varchar(100)', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('final_notice', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('planned'))
    .addColumn('skip_reason', 'varchar(32)')
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('dunning_reminders_student').on('dunning_reminders').columns(['student_id', 'run_date']).execute();
  await db.schema.createIndex('dunning_reminders_run').on('dunning_reminders').columns(['run_id', 'status']).execute();
  await db.schema
    .createTable('dunning_escalations')
    .addColumn('student_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('reminders', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('college', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dunning_escalations_run').on('dunning_escalations').column('run_id').execute();
  await db.schema
    .createTable('dunning_optouts')
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    // `telegram`, `web`, `wechat`, `email`, or `all`.
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('opted_out', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dunning_optouts_pk', ['student_id', 'channel'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
