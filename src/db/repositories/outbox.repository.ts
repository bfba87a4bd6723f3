import { sql } from 'kysely';
import { storeKind, type Db } from '../database.js';
import { prepared } from '../prepared.js';
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
 * Enqueues like enqueueOutbox, but an entry that is due now and heads an idle lane (nothing pending
 * in it) is inserted already claimed until `leaseUntil`, and returned: the committing process runs
 * it at once, without the worker querying and claiming it again. To every other worker it looks
 * exactly like a claimed head (a crash leaves it due again when the lease ends). Run inside the
 * transaction that commits the entries' cause; on PostgreSQL (SERIALIZABLE) two writers heading
 * the same lane conflict and one retries.
 */
const selectPendingInLane = prepared((db, a: { lane: string }) => db.selectFrom('outbox').select('id').where('status', '=', 'pending').where('lane', '=', a.lane).limit(1));
const insertEntry = prepared((db, a: { lane: string; kind: string; payloadJson: string; runAfter: number; now: number }) =>
  db.insertInto('outbox').values({ lane: a.lane, kind: a.kind, payload_json: a.payloadJson, run_after: a.runAfter, created_at: a.now }).returning('id'),
);

export async function enqueueOutboxClaimingHeads(tx: Db, entries: NewOutboxEntry[], now: number, leaseUntil: number): Promise<OutboxEntry[]> {
  if (entries.length === 0) return [];
  // Whether each lane has a pending entry already; only due entries' lanes matter (one query each, a
  // prepared one: an update's entries are nearly always all on its chat's lane).
  const headed = new Set<string>();
  for (const lane of new Set(entries.filter((e) => e.runAfter <= now).map((e) => e.lane))) {
    if ((await selectPendingInLane(tx, { lane })).rows.length > 0) headed.add(lane);
  }
  const claimed: OutboxEntry[] = [];
  for (const e of entries) {
    const claim = !headed.has(e.lane) && e.runAfter <= now;
    headed.add(e.lane); // later entries of this lane wait behind this one
    const runAfter = claim ? leaseUntil : e.runAfter;
    const row = (await insertEntry(tx, { lane: e.lane, kind: e.kind, payloadJson: JSON.stringify(e.payload), runAfter, now })).rows[0]!;
    if (claim) claimed.push({ id: row.id, lane: e.lane, kind: e.kind, payload: e.payload, attempts: 0, runAfter });
  }
  return claimed;
}

/**
 * Claims up to `limit` due lane heads for `leaseUntil` in one statement and returns them. A head is
 * the oldest pending entry of its lane, so later entries wait for it: a chat's messages are never
 * reordered, even while its head waits out a rate limit, and never run on two instances at once.
 * The claim moves run_after to the lease's end; if the claimer dies, the entry is due again then.
 *
 * On PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED: instances claiming together take
 * different heads instead of queueing on the same rows (a head another instance just claimed is
 * re-checked, no longer due, and dropped). SQLite runs one writer at a time, so the statement
 * alone is atomic there.
 *
 * `kinds` limits the claim to heads of those kinds (`only`) or of any other kind (`except`): the
 * worker claims bulk kinds with slots of their own, so they never take every slot.
 */
export async function claimDueLaneHeads(db: Db, now: number, limit: number, leaseUntil: number, kinds?: { only?: string[]; except?: string[] }): Promise<OutboxEntry[]> {
  const postgres = storeKind(db) === 'postgres';
  const heads = db
    .selectFrom('outbox as o')
    .select('o.id')
    .where('o.status', '=', 'pending')
    .where('o.run_after', '<=', now)
    .$if((kinds?.only?.length ?? 0) > 0, (q) => q.where('o.kind', 'in', kinds!.only!))
    .$if((kinds?.except?.length ?? 0) > 0, (q) => q.where('o.kind', 'not in', kinds!.except!))
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
    .$if(postgres, (q) => q.forUpdate().skipLocked());
  // Materialized: PostgreSQL may otherwise rescan a plain `in (subquery)` per row, and each rescan
  // skips the rows the last one locked, so the claim took far more than `limit` heads.
  const rows = await db
    .with((w) => w('heads').materialized(), () => heads)
    .updateTable('outbox')
    .set({ run_after: leaseUntil })
    .where('id', 'in', (q) => q.selectFrom('heads').select('heads.id'))
    .where('status', '=', 'pending')
    .where('run_after', '<=', now)
    .returning(['id', 'lane', 'kind', 'payload_json', 'attempts', 'run_after'])
    .execute();
  return rows
    .map((r) => ({ id: r.id, lane: r.lane, kind: r.kind, payload: JSON.parse(r.payload_json) as unknown, attempts: r.attempts, runAfter: r.run_after }))
    .sort((a, b) => a.id - b.id);
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

const markDone = prepared((db, a: { id: number }) => db.updateTable('outbox').set({ status: 'done', last_error: null }).where('id', '=', a.id));

export async function markOutboxDone(db: Db, id: number): Promise<void> {
  await markDone(db, { id });
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
