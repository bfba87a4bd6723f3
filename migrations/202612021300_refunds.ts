import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// Resolving held credits: a refund through the gateway that took the money, or an offset onto
// another unpaid item of the same student. A credit's open amount is its amount minus its offsets
// minus its refunds that have not failed. sandbox_refunds is the sandbox gateway's own side.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refunds')
    .addColumn('refund_no', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('credit_id', 'integer', (c) => c.notNull().references('credits.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('gateway', 'varchar(32)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('transaction_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('payment_total', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('gateway_refund_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'bigint')
    .addUniqueConstraint('refunds_credit_attempt', ['credit_id', 'attempt'])
    .execute();
  await db.schema.createIndex('refunds_status').on('refunds').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('credit_resolutions')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('credit_id', 'integer', (c) => c.notNull().references('credits.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('fee_item_id', 'integer', (c) => c.references('fee_items.id'))
    .addColumn('refund_no', 'varchar(64)', (c) => c.references('refunds.refund_no'))
    .addColumn('note', 'varchar(500)', (c) => c.notNull())
    .addColumn('actor', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_resolutions_credit').on('credit_resolutions').column('credit_id').execute();

  await db.schema
    .createTable('sandbox_refunds')
    .addColumn('refund_no', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
