import type { Kysely } from 'kysely';

// State several feebot instances share instead of keeping per process:
// - leases: one holder fleet-wide for background jobs and Telegram polling (name, holder, expiry);
// - send_turns: when a rate-limited key (a bot, a chat) last got a turn to send, in microseconds;
// - send_progress: how far a multi-part delivery got, so any instance resumes without repeats.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(128)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('send_turns')
    .addColumn('key', 'varchar(160)', (c) => c.primaryKey())
    .addColumn('last_at_us', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('send_progress')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('last_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('send_progress_updated').on('send_progress').column('updated_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
