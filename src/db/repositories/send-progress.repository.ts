import type { Db } from '../database.js';

// How far a multi-part delivery got (parts sent, id of the last), keyed by the delivery.

export async function findSendProgress(db: Db, key: string): Promise<{ sent: number; lastId: number } | undefined> {
  const row = await db.selectFrom('send_progress').select(['sent', 'last_id']).where('key', '=', key).executeTakeFirst();
  return row && { sent: row.sent, lastId: Number(row.last_id) };
}

export async function saveSendProgress(db: Db, key: string, sent: number, lastId: number, now: number): Promise<void> {
  await db
    .insertInto('send_progress')
    .values({ key, sent, last_id: lastId, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ sent, last_id: lastId, updated_at: now }))
    .execute();
}

export async function deleteSendProgress(db: Db, key: string): Promise<void> {
  await db.deleteFrom('send_progress').where('key', '=', key).execute();
}

/** Housekeeping: deliveries abandoned before `before` (the outbox gave up on them). */
export async function pruneSendProgress(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('send_progress').where('updated_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
