import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// Login limits per source (issue 7): a failure row is written *before* the password is hashed
// (`pending` = 1 until the hash answers), so attempts in flight count; each row knows the request's
// source (client address, platform user). Initial-password logins are remembered per source, and a
// first login with a fixed initial password waits in `login_proofs` for proof of identity.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('source', 'varchar(200)').execute();
  await db.schema.alterTable('login_failures').addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('login_failures_source').on('login_failures').columns(['source', 'at']).execute();

  await db.schema
    .createTable('initial_password_logins')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('source', 'varchar(200)', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('initial_password_logins_source').on('initial_password_logins').columns(['source', 'at']).execute();

  await db.schema
    .createTable('login_proofs')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(128)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_proofs_pk', ['channel', 'chat_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
