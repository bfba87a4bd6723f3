import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { StaffEvent } from '../../ports/staff.port.js';

export interface OutboxEntry {
  id: number;
  lane: string;
  kind: string;
  payload: unknown;
  attempts: number;
  runAfter: number;
}

export interface NewOutboxEntry {
  lane: string;
  kind: string;
  payload: unknown;
  runAfter: number;
}

export async function enqueueOutbox(db: Db, entries: NewOutboxEntry[], now: number): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('outbox')
    .values(entries.map((e) => ({ lane: e.lane, kind: e.kind, payload_json: JSON.stringify(e.payload), run_after: e.runAfter, created_at: now })))
    .execute();
}

/**
 * The head entry of each lane, if it is due. Later entries of a lane wait for the head, so a
 * chat's messages are never reordered, even while its head waits out a rate limit.
 */
export async function listDueLaneHeads(db: Db, now: number, limit: number): Promise<OutboxEntry[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .select(['o.id', 'o.lane', 'o.kind', 'o.payload_json', 'o.attempts', 'o.run_after'])
    .where('o.status', '=', 'pending')
    .where('o.run_after', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox as e')
            .select(sql`1`.as('one'))
            .whereRef('e.lane', '=', 'o.lane')
            .where('e.status', '=', 'pending')
            .whereRef('e.id', '<', 'o.id'),
        ),
      ),
    )
    .orderBy('o.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, lane: r.lane, kind: r.kind, payload: JSON.parse(r.payload_json) as unknown, attempts: r.attempts, runAfter: r.run_after }));
}

/**
 * Takes an entry for `leaseUntil` by moving its run_after (compare-and-set on the value read), so
 * two workers (processes or instances) never run the same entry at once; if the taker dies, the
 * entry becomes due again when the lease ends.
 */
export async function claimOutbox(db: Db, entry: Pick<OutboxEntry, 'id' | 'runAfter'>, leaseUntil: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ run_after: leaseUntil })
    .where('id', '=', entry.id)
    .where('status', '=', 'pending')
    .where('run_after', '=', entry.runAfter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Housekeeping: finished entries older than `before` go. */
export async function pruneOutbox(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('outbox').where('status', '=', 'done').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Marks a claimed entry done, inside the transaction that commits its effect, so the effect and
 * the mark land together. False when the claim is no longer ours (its lease ran out and another
 * worker took it, or it is done already): the caller rolls back instead of applying it twice.
 */
export async function completeClaimedOutbox(db: Db, entry: Pick<OutboxEntry, 'id' | 'runAfter'>): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'done', last_error: null })
    .where('id', '=', entry.id)
    .where('status', '=', 'pending')
    .where('run_after', '=', entry.runAfter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markOutboxDone(db: Db, id: number): Promise<void> {
  await db.updateTable('outbox').set({ status: 'done', last_error: null }).where('id', '=', id).execute();
}

export async function rescheduleOutbox(db: Db, id: number, runAfter: number, attempts: number, error: string): Promise<void> {
  await db.updateTable('outbox').set({ run_after: runAfter, attempts, last_error: error.slice(0, 500) }).where('id', '=', id).execute();
}

export async function markOutboxDead(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'dead', last_error: error.slice(0, 500) }).where('id', '=', id).execute();
}

/** Gives up on every pending entry of a lane (the chat blocked the bot). */
export async function killOutboxLane(db: Db, lane: string, error: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'dead', last_error: error.slice(0, 500) }).where('lane', '=', lane).where('status', '=', 'pending').execute();
}

export async function countPendingOutbox(db: Db): Promise<number> {
  const row = await db.selectFrom('outbox').select(({ fn }) => fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function nextOutboxRunAfter(db: Db): Promise<number | null> {
  const row = await db.selectFrom('outbox').select(({ fn }) => fn.min('run_after').as('next')).where('status', '=', 'pending').executeTakeFirst();
  return row?.next == null ? null : Number(row.next);
}

/** Staff events share one lane: the staff channel gets them one at a time, in order (Slack's ~1 msg/s). */
export const STAFF_LANE = 'staff';

/**
 * Queues a fact for the finance office (kind `staff`, payload `{ event }`). Call it inside the
 * transaction that records the fact, so neither exists without the other.
 */
export async function enqueueStaffEvent(db: Db, event: StaffEvent, now: number): Promise<void> {
  await enqueueOutbox(db, [{ lane: STAFF_LANE, kind: 'staff', payload: { event }, runAfter: now }], now);
}
