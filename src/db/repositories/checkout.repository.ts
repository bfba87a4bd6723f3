import type { Db } from '../database.js';
import type { CheckoutAttemptsTable, CheckoutOrdersTable } from '../schema.js';

export type CheckoutOrderRow = CheckoutOrdersTable;

export async function saveCheckoutOrder(db: Db, row: CheckoutOrderRow): Promise<void> {
  await db.insertInto('checkout_orders').values(row).onConflict((oc) => oc.column('order_id').doNothing()).execute();
}

export async function findCheckoutOrder(db: Db, orderId: string): Promise<CheckoutOrderRow | undefined> {
  const r = await db.selectFrom('checkout_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  return r ? { ...r, amount: Number(r.amount), expires_at: Number(r.expires_at), created_at: Number(r.created_at) } : undefined;
}

/** Records that the order was offered to a gateway (before the gateway is called, so it is always asked and closed). */
export async function recordCheckoutAttempt(db: Db, row: CheckoutAttemptsTable): Promise<void> {
  await db.insertInto('checkout_attempts').values(row).onConflict((oc) => oc.columns(['order_id', 'gateway']).doNothing()).execute();
}

export async function listCheckoutAttempts(db: Db, orderId: string): Promise<CheckoutAttemptsTable[]> {
  return db.selectFrom('checkout_attempts').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

export async function saveReconcileReport(db: Db, date: string, reportJson: string, differences: number, now: number): Promise<void> {
  await db
    .insertInto('reconcile_reports')
    .values({ date, report_json: reportJson, differences, created_at: now })
    .onConflict((oc) => oc.column('date').doUpdateSet({ report_json: reportJson, differences, created_at: now }))
    .execute();
}

export async function findReconcileReport(db: Db, date: string): Promise<{ report_json: string; differences: number } | undefined> {
  return db.selectFrom('reconcile_reports').select(['report_json', 'differences']).where('date', '=', date).executeTakeFirst();
}

/** Ledger orders created in [from, to), every status, oldest first (the reconciliation's day). */
export async function listOrdersCreatedBetween(db: Db, from: number, to: number) {
  return db.selectFrom('orders').select(['id', 'status', 'gateway', 'total']).where('created_at', '>=', from).where('created_at', '<', to).orderBy('created_at').execute();
}
