import type { Kysely } from 'kysely';

// An order remembers the request that created it, so a retried request finds it instead of
// reserving the same money twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('request_key', 'varchar(64)').execute();
  await db.schema.createIndex('orders_request_key').on('orders').column('request_key').unique().execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
