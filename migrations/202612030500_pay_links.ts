import type { Kysely } from 'kysely';

// A reminder's signed 网上缴费 link works once: its use is recorded here (the key is the link's MAC),
// so a second open is refused even on another instance.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pay_link_uses')
    .addColumn('link_key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
