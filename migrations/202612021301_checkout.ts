import type { Kysely } from 'kysely';

// The checkout page of our own: what each order asks for (checkout_orders), which gateways it was
// tried with (checkout_attempts: one ledger order may be paid by WeChat Pay or Alipay, and every
// one tried is asked and closed), and the daily reconciliation's reports for the finance office.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('checkout_orders')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('payer_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('checkout_attempts')
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('gateway', 'varchar(32)', (c) => c.notNull())
    .addColumn('method', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkout_attempts_pk', ['order_id', 'gateway'])
    .execute();
  await db.schema
    .createTable('reconcile_reports')
    .addColumn('date', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('report_json', 'text', (c) => c.notNull())
    .addColumn('differences', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
