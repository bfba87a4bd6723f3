import type { Db } from '../database.js';

/** Returns the stored value, storing `create()` first if there is none (first writer wins). */
export async function getOrCreateSetting(db: Db, key: string, create: () => string): Promise<string> {
  await db.insertInto('settings').values({ key, value: create() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
