import type { Db } from '../database.js';

// Turns to send for rate-limited keys (a Telegram bot, one chat), shared by every instance.
// Times are epoch microseconds: a 30/s gap is 33 333 µs, which whole milliseconds would round.

/**
 * Compare-and-set: takes a turn for `key` at `nowUs` only if its last turn is at least `gapUs`
 * ago (or it never had one). True when this caller got the turn.
 *
 * The turn is booked at the slot it was due (last + gap) when the taker is at most `slackUs` late,
 * else at `nowUs`: timer lateness on a busy machine does not eat into the rate, booked slots are
 * at least one gap apart and each turn happens within `slackUs` of its slot, so any window of
 * length W holds at most ⌊(W + slack) / gap⌋ + 1 turns — no burst however late the takers wake.
 */
export async function takeSendTurn(db: Db, key: string, nowUs: number, gapUs: number, slackUs = 0): Promise<boolean> {
  const result = await db
    .insertInto('send_turns')
    .values({ key, last_at_us: nowUs })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          last_at_us: eb
            .case()
            .when(eb('send_turns.last_at_us', '>=', nowUs - slackUs - gapUs))
            .then(eb('send_turns.last_at_us', '+', gapUs))
            .else(nowUs)
            .end(),
        }))
        .where('send_turns.last_at_us', '<=', nowUs - gapUs),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** When `key` last got a turn (µs), or null. */
export async function lastSendTurn(db: Db, key: string): Promise<number | null> {
  const row = await db.selectFrom('send_turns').select('last_at_us').where('key', '=', key).executeTakeFirst();
  return row ? Number(row.last_at_us) : null;
}

/** Records a turn for `key` unconditionally (a chat: only one delivery to it runs at a time). */
export async function recordSendTurn(db: Db, key: string, nowUs: number): Promise<void> {
  await db
    .insertInto('send_turns')
    .values({ key, last_at_us: nowUs })
    .onConflict((oc) => oc.column('key').doUpdateSet({ last_at_us: nowUs }))
    .execute();
}

/** Housekeeping: keys idle since before `beforeUs` go (they would allow a send anyway). */
export async function pruneSendTurns(db: Db, beforeUs: number): Promise<number> {
  const result = await db.deleteFrom('send_turns').where('last_at_us', '<', beforeUs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
