import type { Db } from '../database.js';

// Demo-only shortcuts. Real money moves only through payments (ledger); nothing else calls this.

/** Sets amount_paid of one item outright (capped at amount_due); false when there is no such item. */
export async function setAmountPaidForDemo(
  db: Db,
  studentId: string,
  feePeriod: string,
  code: string,
  amountPaid: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('fee_items')
    .set((eb) => ({
      amount_paid: eb.case().when('amount_due', '<', amountPaid).then(eb.ref('amount_due')).else(amountPaid).end(),
      updated_at: now,
    }))
    .where('student_id', '=', studentId)
    .where('fee_period', '=', feePeriod)
    .where('code', '=', code)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
