import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// Password-reset links, the audit trail, pending e-mail changes and login captchas.
// Secrets (reset tokens, e-mail codes, captcha answers) are stored only as hashes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull().references('students.student_id'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('voided_at', 'bigint')
    .execute();
  await db.schema.createIndex('password_resets_student').on('password_resets').columns(['student_id', 'created_at']).execute();

  // No foreign key: the trail outlives students and also records attempts on unknown IDs.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)')
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('detail', 'varchar(200)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_student_at').on('audit_log').columns(['student_id', 'at']).execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('email_changes')
    .addColumn('student_id', 'varchar(32)', (c) => c.primaryKey().references('students.student_id'))
    .addColumn('new_email', 'varchar(254)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('captcha_challenges')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('answer_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('captcha_challenges_pk', ['channel', 'chat_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
