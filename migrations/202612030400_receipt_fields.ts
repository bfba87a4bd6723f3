import type { Kysely } from 'kysely';

// A receipt shaped like a 财政电子票据: its 票据代码, the 收款单位 as it was when issued (a later
// UNIVERSITY_NAME change must not rewrite old receipts), and whether a sandbox issued it.
// Receipts issued before this have nulls: the page shows the current name and marks them sandbox
// (the sandbox was the only issuer then).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('receipts').addColumn('bill_code', 'varchar(20)').execute();
  await db.schema.alterTable('receipts').addColumn('payee_name', 'varchar(100)').execute();
  await db.schema.alterTable('receipts').addColumn('sandbox', 'integer').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
