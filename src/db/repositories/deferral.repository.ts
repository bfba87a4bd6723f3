import { inTransaction, type Db } from '../database.js';
import type { DeferralStatus } from '../schema.js';
import { enqueueStaffEvent } from './outbox.repository.js';

export interface DeferralRecord {
  id: number;
  studentId: string;
  itemIds: number[];
  until: string;
  reason: string;
  status: DeferralStatus;
  channel: string;
  chatId: string;
  decidedBy: string | null;
  decisionNote: string | null;
  createdAt: number;
}

type Row = { id: number; student_id: string; item_ids: string; until_date: string; reason: string; status: DeferralStatus; channel: string; chat_id: string; decided_by: string | null; decision_note: string | null; created_at: number };
const toRecord = (r: Row): DeferralRecord => ({
  id: Number(r.id),
  studentId: r.student_id,
  itemIds: JSON.parse(r.item_ids) as number[],
  until: r.until_date,
  reason: r.reason,
  status: r.status,
  channel: r.channel,
  chatId: r.chat_id,
  decidedBy: r.decided_by,
  decisionNote: r.decision_note,
  createdAt: Number(r.created_at),
});

export type DeferralRequestOutcome = { ok: true; id: number } | { ok: false; reason: 'noItems' | 'pending' };

/**
 * Records a request and queues its staff card (outbox kind `staff`) in one transaction. Refused when
 * the student already has one under review or none of the items is theirs and unpaid.
 */
export async function insertDeferral(
  db: Db,
  input: { studentId: string; itemIds: number[]; until: string; reason: string; channel: string; chatId: string; now: number },
): Promise<DeferralRequestOutcome> {
  return inTransaction(db, async (tx) => {
    const pending = await tx.selectFrom('deferrals').select('id').where('student_id', '=', input.studentId).where('status', '=', 'pending').executeTakeFirst();
    if (pending) return { ok: false, reason: 'pending' };
    const items = input.itemIds.length === 0 ? [] : await tx.selectFrom('fee_items').select('id').where('student_id', '=', input.studentId).where('id', 'in', input.itemIds).whereRef('amount_due', '>', 'amount_paid').execute();
    if (items.length === 0) return { ok: false, reason: 'noItems' };
    const row = await tx
      .insertInto('deferrals')
      .values({
        student_id: input.studentId,
        item_ids: JSON.stringify(items.map((i) => Number(i.id)).sort((a, b) => a - b)),
        until_date: input.until,
        reason: input.reason,
        channel: input.channel,
        chat_id: input.chatId,
        decided_by: null,
        decision_note: null,
        created_at: input.now,
        decided_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await enqueueStaffEvent(tx, { kind: 'deferral.requested', deferralId: id }, input.now);
    return { ok: true, id };
  });
}

export async function findDeferral(db: Db, id: number): Promise<DeferralRecord | null> {
  const row = await db.selectFrom('deferrals').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Approves or rejects a pending request and queues its card's refresh; false when it was not pending. */
export async function decideDeferral(db: Db, id: number, decision: { status: 'approved' | 'rejected'; by: string; note: string | null; now: number }): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const result = await tx
      .updateTable('deferrals')
      .set({ status: decision.status, decided_by: decision.by, decision_note: decision.note, decided_at: decision.now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await enqueueStaffEvent(tx, { kind: 'deferral.requested', deferralId: id }, decision.now);
    return true;
  });
}

/** Approved deferrals of a student still running on `today` (`YYYY-MM-DD`): fee item id → until. */
export async function activeDeferrals(db: Db, studentId: string, today: string): Promise<Map<number, string>> {
  const rows = await db.selectFrom('deferrals').select(['item_ids', 'until_date']).where('student_id', '=', studentId).where('status', '=', 'approved').where('until_date', '>=', today).execute();
  const byItem = new Map<number, string>();
  for (const row of rows) {
    for (const itemId of JSON.parse(row.item_ids) as number[]) {
      const known = byItem.get(itemId);
      if (!known || row.until_date > known) byItem.set(itemId, row.until_date);
    }
  }
  return byItem;
}
