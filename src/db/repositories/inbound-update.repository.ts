import type { Db } from '../database.js';

/** Records a platform update id; false when it was seen before (a redelivery to ignore). */
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
