import { describe, expect, it } from 'vitest';
import { openTestDb } from '../support/test-store.js';
import { recordInboundUpdate } from '../../src/db/repositories/inbound-update.repository.js';
import { countPendingOutbox, enqueueOutbox, claimDueLaneHeads, markOutboxDone } from '../../src/db/repositories/outbox.repository.js';
import { createLogger } from '../../src/logger.js';
import { createHousekeeping } from '../../src/runtime/housekeeping.js';

const DAY = 24 * 60 * 60_000;

describe('housekeeping', () => {
  it('forgets old update ids and finished outbox entries, keeps pending work, and runs every purger', async () => {
    const db = await openTestDb();
    const t0 = 1_000_000_000_000;
    await recordInboundUpdate(db, 'telegram', 'old', t0);
    await enqueueOutbox(db, [{ lane: 'l1', kind: 'x', payload: {}, runAfter: t0 }], t0);
    const [done] = await claimDueLaneHeads(db, t0, 10, t0 + 60_000);
    await markOutboxDone(db, done!.id);
    await enqueueOutbox(db, [{ lane: 'l2', kind: 'x', payload: {}, runAfter: t0 }], t0);

    const purged: number[] = [];
    const housekeeping = createHousekeeping({ db, purgers: [{ purgeExpired: async (now) => void purged.push(now) }], clock: () => t0 + 8 * DAY, logger: createLogger('silent') });
    await housekeeping.run();

    // The old update id may come again now (it is no longer remembered) …
    expect(await recordInboundUpdate(db, 'telegram', 'old', t0 + 8 * DAY)).toBe(true);
    // … the finished entry is gone, the pending one stays.
    expect(await countPendingOutbox(db)).toBe(1);
    expect(await db.selectFrom('outbox').select('id').execute()).toHaveLength(1);
    expect(purged).toEqual([t0 + 8 * DAY]);
    await db.destroy();
  });
});
