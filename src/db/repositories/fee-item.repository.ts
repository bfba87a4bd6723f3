import type { Db } from '../database.js';
import type { FeeItemsTable } from '../schema.js';

export interface FeeItemRow {
  id: number;
  student_id: string;
  fee_period: string;
  code: string;
  name: string;
  amount_due: number;
  amount_paid: number;
  installment_allowed: number;
  min_installment: number;
  due_date: string | null;
  updated_at: number;
}

/** A fee item plus what live orders (pending and not yet expired at `now`) hold of it. */
export interface FeeItemWithReserved extends FeeItemRow {
  reserved: number;
}

export type FeeItemUpsert = Pick<
  FeeItemsTable,
  'student_id' | 'fee_period' | 'code' | 'name' | 'amount_due' | 'installment_allowed' | 'min_installment' | 'due_date'
>;

/**
 * Inserts an item or updates it by (student_id, fee_period, code). amount_paid is never touched:
 * only payments move it, so re-importing a billing file cannot erase money already received.
 */
export async function upsertFeeItem(db: Db, row: FeeItemUpsert, now: number): Promise<void> {
  await db
    .insertInto('fee_items')
    .values({ ...row, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['student_id', 'fee_period', 'code']).doUpdateSet({
        name: row.name,
        amount_due: row.amount_due,
        installment_allowed: row.installment_allowed,
        min_installment: row.min_installment,
        due_date: row.due_date,
        updated_at: now,
      }),
    )
    .execute();
}

export async function findFeeItemById(db: Db, id: number): Promise<FeeItemRow | undefined> {
  const row = await db.selectFrom('fee_items').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/**
 * A student's items with their live reservations, newest period first then by code.
 * `onlyIds` narrows the list (used when validating an order's lines).
 */
export async function listFeeItemsWithReserved(
  db: Db,
  studentId: string,
  now: number,
  onlyIds?: readonly number[],
): Promise<FeeItemWithReserved[]> {
  if (onlyIds && onlyIds.length === 0) return [];
  let query = db
    .selectFrom('fee_items as fi')
    .selectAll('fi')
    .select((eb) =>
      eb.fn
        .coalesce(
          eb
            .selectFrom('order_lines as ol')
            .innerJoin('orders as o', 'o.id', 'ol.order_id')
            .select((e) => e.fn.sum<number>('ol.amount').as('s'))
            .whereRef('ol.fee_item_id', '=', 'fi.id')
            .where('o.status', '=', 'pending')
            .where('o.expires_at', '>', now),
          eb.lit(0),
        )
        .as('reserved'),
    )
    .where('fi.student_id', '=', studentId);
  if (onlyIds) query = query.where('fi.id', 'in', [...onlyIds]);
  const rows = await query.orderBy('fi.fee_period', 'desc').orderBy('fi.code', 'asc').execute();
  return rows.map((r) => ({ ...toRow(r), reserved: Number(r.reserved ?? 0) }));
}

/** Adds to amount_paid; the caller has already capped `amount` at what is still due. */
export async function addToAmountPaid(db: Db, id: number, amount: number, now: number): Promise<void> {
  await db
    .updateTable('fee_items')
    .set((eb) => ({ amount_paid: eb('amount_paid', '+', amount), updated_at: now }))
    .where('id', '=', id)
    .execute();
}

// SQLite returns integers as numbers; other drivers may hand back bigint strings.
function toRow(r: FeeItemRow): FeeItemRow {
  return {
    id: Number(r.id),
    student_id: r.student_id,
    fee_period: r.fee_period,
    code: r.code,
    name: r.name,
    amount_due: Number(r.amount_due),
    amount_paid: Number(r.amount_paid),
    installment_allowed: Number(r.installment_allowed),
    min_installment: Number(r.min_installment),
    due_date: r.due_date,
    updated_at: Number(r.updated_at),
  };
}
