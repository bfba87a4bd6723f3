import type { Db } from '../database.js';
import { affectedRows, prepared } from '../prepared.js';

/** Whether a platform update id was handled already (a redelivery to ignore). */
export async function isInboundUpdateRecorded(db: Db, channel: string, updateId: string): Promise<boolean> {
  const row = await db.selectFrom('inbound_updates').select('update_id').where('channel', '=', channel).where('update_id', '=', updateId).executeTakeFirst();
  return row !== undefined;
}

export async function pruneInboundUpdates(db: Db, olderThan: number): Promise<void> {
  await db.deleteFrom('inbound_updates').where('received_at', '<', olderThan).execute();
}

const insertInboundUpdate = prepared((db, a: { channel: string; updateId: string; now: number }) =>
  db
    .insertInto('inbound_updates')
    .values({ channel: a.channel, update_id: a.updateId, received_at: a.now })
    .onConflict((oc) => oc.columns(['channel', 'update_id']).doNothing()),
);

/**
 * Records a platform update id; false when it was seen before (a redelivery to ignore). The
 * dispatcher calls it inside the transaction that saves the update's effects, so an update is
 * recorded exactly when its handling is.
 */
export async function recordInboundUpdate(db: Db, channel: string, updateId: string, now: number): Promise<boolean> {
  return affectedRows(await insertInboundUpdate(db, { channel, updateId, now })) === 1;
}
