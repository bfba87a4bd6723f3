import { describe, expect, it } from 'vitest';
import { acquireLease, findLease } from '../../src/db/repositories/lease.repository.js';
import { createLogger } from '../../src/logger.js';
import { createLeases } from '../../src/runtime/lease.js';
import { openAnotherPool, openTestDb, testStore } from '../support/test-store.js';
import { waitUntil } from '../telegram-e2e/telegram-feebot.js';

const logger = createLogger('silent');

describe(`leases (${testStore})`, () => {
  it('one holder at a time; renewals keep it; it passes only once expired, and the old holder then loses it', async () => {
    const db = await openTestDb();
    const t0 = 1_000_000;
    expect(await acquireLease(db, 'jobs', 'A', t0, t0 + 1000)).toEqual({ holder: 'A', expiresAt: t0 + 1000 });
    expect(await acquireLease(db, 'jobs', 'B', t0 + 10, t0 + 1010)).toEqual({ holder: 'A', expiresAt: t0 + 1000 });
    expect(await acquireLease(db, 'jobs', 'A', t0 + 500, t0 + 1500)).toEqual({ holder: 'A', expiresAt: t0 + 1500 });
    expect((await acquireLease(db, 'jobs', 'B', t0 + 1499, t0 + 2499)).holder).toBe('A');
    expect(await acquireLease(db, 'jobs', 'B', t0 + 1500, t0 + 2500)).toEqual({ holder: 'B', expiresAt: t0 + 2500 });
    expect((await acquireLease(db, 'jobs', 'A', t0 + 1600, t0 + 2600)).holder).toBe('B');
    // Leases are independent by name.
    expect((await acquireLease(db, 'telegram-polling', 'A', t0, t0 + 1000)).holder).toBe('A');
  });

  it('racing instances on their own connections: exactly one wins each lease', async () => {
    const db = await openTestDb();
    const pools = [db, openAnotherPool(db), openAnotherPool(db)];
    const now = 5_000_000;
    const results = await Promise.all(pools.flatMap((pool, i) => [0, 1, 2].map(() => acquireLease(pool, 'jobs', `I${i}`, now, now + 1000))));
    expect(new Set(results.map((r) => r.holder)).size).toBe(1);
  });

  it('a holder that stops cleanly hands over at once; one that dies (stops renewing) within one period', async () => {
    const db = await openTestDb();
    const ttlMs = 600;
    const a = createLeases({ db, ttlMs, clock: Date.now, logger, holder: 'A' });
    const b = createLeases({ db: openAnotherPool(db), ttlMs, clock: Date.now, logger, holder: 'B' });
    const [la, lb] = [a.lease('jobs'), b.lease('jobs')];
    a.start();
    await waitUntil(() => la.held(), 10_000, 'A takes the lease');
    b.start();
    await new Promise((r) => setTimeout(r, ttlMs * 2));
    expect([la.held(), lb.held()]).toEqual([true, false]);

    await a.stop();
    await waitUntil(() => lb.held(), 10_000, 'B takes over after a clean stop');
    expect((await findLease(db, 'jobs'))?.holder).toBe('B');

    // B "dies": its lease row stays, nobody renews it. A comes back and takes it at expiry.
    const lastRenewal = (await findLease(db, 'jobs'))!.expiresAt - ttlMs;
    await b.stopRenewing();
    const c = createLeases({ db, ttlMs, clock: Date.now, logger, holder: 'C' });
    const lc = c.lease('jobs');
    c.start();
    await waitUntil(() => lc.held(), 10_000, 'C takes over from a dead holder');
    // Taken at the expiry of B's last renewal (plus a scheduling margin on a busy machine), not later.
    expect(Date.now() - lastRenewal).toBeLessThan(ttlMs + 2_000);
    await c.stop();
  });
});
