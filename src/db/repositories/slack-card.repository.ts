import type { Db } from '../database.js';

/** Where a staff card was posted, so later changes update it in place (chat.update). */
export async function findSlackCard(db: Db, subject: string): Promise<{ channelId: string; ts: string } | null> {
  const row = await db.selectFrom('slack_cards').select(['channel_id', 'ts']).where('subject', '=', subject).executeTakeFirst();
  return row ? { channelId: row.channel_id, ts: row.ts } : null;
}

export async function saveSlackCard(db: Db, subject: string, channelId: string, ts: string, now: number): Promise<void> {
  await db
    .insertInto('slack_cards')
    .values({ subject, channel_id: channelId, ts, updated_at: now })
    .onConflict((oc) => oc.column('subject').doUpdateSet({ channel_id: channelId, ts, updated_at: now }))
    .execute();
}
