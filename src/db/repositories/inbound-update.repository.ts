import type { Db } from '../database.js';

/** Whether a platform update id was handled already (a redelivery to ignore). */
export async function isInboundUpdateRecorded(db: Db, channel: string, updateId: string): Promise<boolean> {
  const row = await db.selectFrom('inbound_updates').select('update_id').where('channel', '=', channel).where('update_id', '=', updateId).executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a platform update id; false when it was seen before (a redelivery to ignore). The
 * dispatcher calls it inside the transaction that saves the update's effects, so an update is
 * recorded exactly when its handling is.
 */
export async function recordInboundUpdate(db: Db, channel: string, updateId: string, now: number): Promise<boolean> {
  const result = await db
    .insertInto('inbound_updates')
    .values({ channel, update_id: updateId, received_at: now })
    .onConflict((oc) => oc.columns(['channel', 'update_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function pruneInboundUpdates(db: Db, olderThan: number): Promise<void> {
  await db.deleteFrom('inbound_updates').where('received_at', '<', olderThan).execute();
}
