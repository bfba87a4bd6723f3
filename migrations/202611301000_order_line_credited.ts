import type { Kysely } from 'kysely';

// What each order line actually put on its fee item when the order was paid (null until then).
// A late payment may find an item already paid by another order: the receipt lists only what was
// credited, and the rest is a flagged credit for staff.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('order_lines').addColumn('credited', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
