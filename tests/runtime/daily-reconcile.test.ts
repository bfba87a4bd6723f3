import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createLedger } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import { beijingDay, createDailyReconciler } from '../../src/runtime/daily-reconcile.js';
import { createPaymentIntake } from '../../src/runtime/payment-intake.js';
import { scriptedGateway } from './scripted-gateway.js';

// The schedule of the daily reconciliation: yesterday (Beijing), once, after 02:00.

describe('daily reconciliation schedule', () => {
  it('runs for yesterday once it is past 02:00 Beijing time, and only once', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const clock = { now: Date.UTC(2026, 8, 1, 17, 30) }; // 2026-09-02 01:30 Beijing
    const { gateway } = scriptedGateway();
    const logger = createLogger('silent');
    const ledger = createLedger({ db, orderExpiryMs: 60_000, gateway: 'sandbox' });
    const intake = createPaymentIntake({ gateway, ledger, clock: () => clock.now, logger, onEnqueued: () => undefined });
    const daily = createDailyReconciler({ db, ledger, gateway, intake, clock: () => clock.now, logger });
    expect(await daily.runDue()).toBeNull();
    clock.now += 45 * 60_000; // 02:15
    expect(await daily.runDue()).toMatchObject({ date: '2026-09-01', ordersChecked: 0, differences: [] });
    expect(await daily.runDue()).toBeNull();
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]); // nothing to tell staff
    await db.destroy();
  });

  it('at 23:30 UTC it is already the next morning in TIMEZONE: yesterday is the local yesterday', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const now = Date.UTC(2026, 8, 1, 23, 30); // 2026-09-02 07:30 Beijing
    const { gateway } = scriptedGateway();
    const logger = createLogger('silent');
    const ledger = createLedger({ db, orderExpiryMs: 60_000, gateway: 'sandbox' });
    const intake = createPaymentIntake({ gateway, ledger, clock: () => now, logger, onEnqueued: () => undefined });
    const beijing = createDailyReconciler({ db, ledger, gateway, intake, clock: () => now, logger, timezone: 'Asia/Shanghai' });
    expect(await beijing.runDue()).toMatchObject({ date: '2026-09-01' });
    // In UTC it is 23:30 on the 1st: the 31st is reconciled (past 02:00 UTC).
    const utc = createDailyReconciler({ db, ledger, gateway, intake, clock: () => now, logger, timezone: 'UTC' });
    expect(await utc.runDue()).toMatchObject({ date: '2026-08-31' });
    await expect(beijing.run('2026-02-30')).rejects.toThrow(/no such date/);
    await expect(beijing.run('2026-9-1')).rejects.toThrow(/YYYY-MM-DD/);
    await db.destroy();
  });

  it('knows a Beijing day and refuses dates that do not exist', () => {
    expect(beijingDay('2026-09-01')).toEqual([Date.UTC(2026, 7, 31, 16), Date.UTC(2026, 8, 1, 16)]);
    expect(() => beijingDay('2026-02-30')).toThrow(/no such date/);
    expect(() => beijingDay('2026-9-1')).toThrow(/YYYY-MM-DD/);
  });
});
