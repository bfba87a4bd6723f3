import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import {
  closeSandboxOrder, findSandboxOrder, insertSandboxOrderIfAbsent, saveSandboxMethod, saveSandboxPhone,
  settleSandboxOrder, verifySandboxCode,
} from '../../src/db/repositories/sandbox-order.repository.js';
import { openTestDb } from '../support/test-store.js';

// The compare-and-sets are the last line of defence when two requests race past the page checks.

describe('sandbox order repository', () => {
  let db: Db;
  const NOW = 1_800_000_000_000;
  beforeEach(async () => {
    db = await openTestDb();
    await insertSandboxOrderIfAbsent(db, {
      order_id: 'O1', amount: 500, subject: 's', student_id: 'st', payer_name: 'p', notify_url: 'http://n', created_at: NOW, expires_at: NOW + 1000,
    });
  });
  afterEach(async () => db.destroy());

  const settle = (at = NOW) => settleSandboxOrder(db, 'O1', { status: 'paid', transactionId: 'SBX1', at });

  it('settles only after phone, verified code and method', async () => {
    expect(await settle()).toBe(false);
    expect(await saveSandboxMethod(db, 'O1', 'bank')).toBe(false);
    expect(await saveSandboxPhone(db, 'O1', '13800138000', '123456')).toBe(true);
    expect(await saveSandboxMethod(db, 'O1', 'bank')).toBe(false);
    expect(await verifySandboxCode(db, 'O1', '654321')).toBe(false);
    expect(await verifySandboxCode(db, 'O1', '123456')).toBe(true);
    expect(await settle()).toBe(false);
    expect(await saveSandboxMethod(db, 'O1', 'bank')).toBe(true);
    expect(await settle(NOW + 1000)).toBe(false); // at expiry
    expect(await settle()).toBe(true);
    expect(await settle()).toBe(false); // once only
    expect(await closeSandboxOrder(db, 'O1')).toBe(false);
    expect(await findSandboxOrder(db, 'O1')).toMatchObject({ status: 'paid', transaction_id: 'SBX1', paid_at: NOW });
  });

  it('a closed order cannot be settled or restarted', async () => {
    await saveSandboxPhone(db, 'O1', '13800138000', '123456');
    await verifySandboxCode(db, 'O1', '123456');
    await saveSandboxMethod(db, 'O1', 'bank');
    expect(await closeSandboxOrder(db, 'O1')).toBe(true);
    expect(await settle()).toBe(false);
    expect(await saveSandboxPhone(db, 'O1', '13800138000', '000000')).toBe(false);
    expect((await findSandboxOrder(db, 'O1'))?.status).toBe('closed');
  });
});
