import type { Db } from '../database.js';

export interface LeaseState {
  holder: string;
  expiresAt: number;
}

/**
 * Takes or renews lease `name` for `holder` until `until`, if it is free, expired at `now`, or
 * already held by `holder` (one statement: an upsert whose update only applies under that
 * condition). Returns the lease as it stands afterwards, whoever holds it.
 */
export async function acquireLease(db: Db, name: string, holder: string, now: number, until: number): Promise<LeaseState> {
  await db
    .insertInto('leases')
    .values({ name, holder, expires_at: until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
    )
    .execute();
  const row = await db.selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', name).executeTakeFirstOrThrow();
  return { holder: row.holder, expiresAt: Number(row.expires_at) };
}

/** Gives the lease up (a clean shutdown), so another instance takes it at once. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

export async function findLease(db: Db, name: string): Promise<LeaseState | undefined> {
  const row = await db.selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', name).executeTakeFirst();
  return row && { holder: row.holder, expiresAt: Number(row.expires_at) };
}
