import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos-harness.js';

// A small run of `npm run chaos` (which defaults to 20 kills; the README quotes a 100-kill run):
// a real feebot process SIGKILLed under load, restarted, reconciled, and every invariant checked.

describe('chaos (small)', () => {
  it('SIGKILLed under orders, notifications and Telegram updates, feebot loses nothing and doubles nothing', async () => {
    const report = await runChaos({ kills: 3, students: 6, lifeMs: [300, 1500], seed: 20261202 });
    expect(report.violations).toEqual([]);
    expect(report.kills).toBe(3);
    // It really did something: orders paid and receipted, updates handled.
    expect(report.receipts).toBeGreaterThan(0);
    expect(report.telegramUpdates).toBeGreaterThan(0);
    expect(report.totals.pendingOrders).toBe(0);
  }, 300_000);
});
