import type { Db } from '../database.js';

// Turns to send for rate-limited keys (a Telegram bot, one chat), shared by every instance.
// Times are epoch microseconds: a 30/s gap is 33 333 µs, which whole milliseconds would round.

/** Attempts before a booking gives up for now under contention (the caller simply asks again). */
const MAX_CAS_ATTEMPTS = 8;

/**
 * Books up to `count` turns for `key` (a token bucket kept as one schedule time, GCRA): `last_at_us`
 * is the theoretical time of the key's next turn. Turns are `gapUs` apart and may be used up to
 * `toleranceUs` before their time; only turns usable by `untilUs` are booked. Read, then
 * compare-and-set on the value read, so instances booking together each get distinct turns.
 * Returns how many were booked and the first one's time (with none, when the next would be).
 */
export async function bookSendTurns(
  db: Db,
  key: string,
  nowUs: number,
  gapUs: number,
  toleranceUs: number,
  count: number,
  untilUs: number,
): Promise<{ booked: number; firstUs: number }> {
  gapUs = Math.max(1, Math.round(gapUs));
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const row = await db.selectFrom('send_turns').select('last_at_us').where('key', '=', key).executeTakeFirst();
    const tat = row ? Number(row.last_at_us) : null;
    const firstUs = Math.max(tat ?? nowUs, nowUs);
    let booked = 0;
    while (booked < count && firstUs + booked * gapUs - toleranceUs <= untilUs) booked++;
    if (booked === 0) return { booked, firstUs };
    const next = firstUs + booked * gapUs;
    const result =
      tat === null
        ? await db.insertInto('send_turns').values({ key, last_at_us: next }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst()
        : await db.updateTable('send_turns').set({ last_at_us: next }).where('key', '=', key).where('last_at_us', '=', tat).executeTakeFirst();
    const changed = 'numInsertedOrUpdatedRows' in result ? result.numInsertedOrUpdatedRows : result.numUpdatedRows;
    if (Number(changed ?? 0) === 1) return { booked, firstUs };
  }
  return { booked: 0, firstUs: nowUs + gapUs };
}

/** Moves `key`'s next turn to `atUs` unless it is later already (one conditional update). */
export async function delaySendTurn(db: Db, key: string, atUs: number): Promise<void> {
  await db
    .insertInto('send_turns')
    .values({ key, last_at_us: atUs })
    .onConflict((oc) => oc.column('key').doUpdateSet({ last_at_us: atUs }).where('send_turns.last_at_us', '<', atUs))
    .execute();
}

/** Housekeeping: keys idle since before `beforeUs` go (they would allow a send anyway). */
export async function pruneSendTurns(db: Db, beforeUs: number): Promise<number> {
  const result = await db.deleteFrom('send_turns').where('last_at_us', '<', beforeUs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
