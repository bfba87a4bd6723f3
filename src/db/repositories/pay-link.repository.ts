import type { Db } from '../database.js';

// One use per signed pay link (see src/dunning/pay-link-token.ts).

/** Records the link's use; false when it was used before (here or on another instance). */
export async function claimPayLink(db: Db, key: string, studentId: string, now: number): Promise<boolean> {
  const inserted = await db
    .insertInto('pay_link_uses')
    .values({ link_key: key, student_id: studentId, used_at: now })
    .onConflict((oc) => oc.column('link_key').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Uses older than every link's lifetime can go: such a link is refused as expired anyway. */
export async function prunePayLinkUses(db: Db, before: number): Promise<void> {
  await db.deleteFrom('pay_link_uses').where('used_at', '<', before).execute();
}
