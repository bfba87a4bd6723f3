import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { formatPreview } from '../../src/dunning/dunning-cli.js';
import { openTestDb } from '../support/test-store.js';
import { addChat, addStudent, at, dunningHarness } from './dunning-fixture.js';

// `feebot dunning preview`: who would be reminded, on which channel, who is skipped and why — nothing written.

let db: Db;
beforeEach(async () => {
  db = await openTestDb();
});
afterEach(async () => db.destroy());

describe('dunning preview', () => {
  it('lists reminders and skips for a date and writes nothing', async () => {
    await addStudent(db, '2026001', { items: [{ due: 150_000, dueDate: '2026-12-17', name: '学费' }] });
    await addChat(db, '2026001', 'telegram', 't1');
    await addStudent(db, '2026002', { email: 'b@uni.edu.cn', items: [{ due: 2_000, dueDate: '2026-12-10', name: '书费' }] });
    await addStudent(db, '2026003', { items: [{ due: 2_000, dueDate: '2026-12-10' }] });
    const h = dunningHarness(db, { now: at('2026-12-10', '09:00') });
    const text = formatPreview('2026-12-10', await h.service.preview('2026-12-10'));
    expect(text).toContain('Dunning preview for 2026-12-10: 2 to remind, 0 to hand to staff, 1 skipped.');
    expect(text).toContain('remind  2026001 学生2026001 via telegram: 学费 ¥1,500.00 due 2026-12-17 (step -7d)');
    expect(text).toContain('remind  2026002 学生2026002 via email: 书费 ¥20.00 due 2026-12-10 (step +0d)');
    expect(text).toContain('skip    2026003: noChannel');
    // Before any cadence step (7 days before each due date): nobody yet.
    expect(formatPreview('2026-12-02', await h.service.preview('2026-12-02'))).toContain('Dunning preview for 2026-12-02: 0 to remind');
    expect(await db.selectFrom('dunning_runs').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('dunning_reminders').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });
});
