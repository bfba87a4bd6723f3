import { sql, type Kysely } from 'kysely';

// Whether a payment's follow-ups (receipt, the student's notice, the staff card) are in the outbox.
// From now on they are queued in the payment's own transaction; a payment left without them by an
// older version (a crash between its two transactions) is found by this flag and repaired.
const EVIDENCE_KEPT_MS = 7 * 24 * 60 * 60_000; // housekeeping prunes finished outbox entries after 7 days

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('follow_ups_queued', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Older payments had theirs if a receipt exists or anything was queued on the order's receipt lane
  // (the receipt and the held-money notice both go there); orphans had none to queue.
  await sql`
    update payments set follow_ups_queued = 1
    where outcome = 'orphan'
       or received_at < ${Date.now() - EVIDENCE_KEPT_MS}
       or exists (select 1 from receipts r where r.order_id = payments.order_id)
       or exists (select 1 from outbox o where o.lane = 'receipt:' || payments.order_id)
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
