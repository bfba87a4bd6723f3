import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { claimDunningRun } from '../../src/db/repositories/dunning-run.repository.js';
import { createPlanner, STUDENT_BATCH } from '../../src/dunning/planner.js';
import { DEFAULT_POLICY, parsePolicy, type DunningPolicy } from '../../src/dunning/policy.js';
import { openTestDb } from '../support/test-store.js';
import { addChat, addStudent, at } from './dunning-fixture.js';

// The planner's item query (one row per student, items aggregated and sorted in SQL) and its raw
// multi-row inserts: which items a reminder names, in which order, what they total, what is skipped,
// and what reaches the outbox — once, however often the run is planned.

const TODAY = '2026-12-10';
const NOW = at(TODAY, '10:00');
let db: Db;
beforeEach(async () => {
  db = await openTestDb();
});
afterEach(async () => db.destroy());

function planner(policy: DunningPolicy = DEFAULT_POLICY) {
  return createPlanner({ db, policy, timezone: 'Asia/Shanghai', defaultLang: 'zh-CN', clock: () => NOW });
}

async function seed(): Promise<{ a: number[]; e: number[] }> {
  // Inserted out of due-date order: the reminder lists items by due date, then id.
  const a = await addStudent(db, 'A1', {
    items: [
      { due: 10_000, dueDate: '2026-12-17', name: '学费' }, // step -7 today
      { due: 5_000, paid: 2_000, dueDate: '2026-12-10', name: '住宿费' }, // step 0, owes 3,000
      { due: 1_000, paid: 1_000, dueDate: '2026-12-03', name: '已缴' }, // paid: never listed
      { due: 4_000, dueDate: '2026-12-03', name: '书费' }, // step +7
      { due: 9_000, dueDate: '2026-12-24', name: '未到期' }, // 14 days ahead: no step yet
      { period: '2025-2026', due: 6_000, dueDate: '2026-12-10', name: '旧学年' }, // step 0
    ],
  });
  await addChat(db, 'A1', 'web', 'wa1', 'en');
  await addStudent(db, 'B1', { email: 'b1@uni.edu.cn', items: [{ due: 2_000, dueDate: '2026-12-24' }] }); // nothing due today
  await addStudent(db, 'C1'); // owes nothing: not a decision at all
  const e = await addStudent(db, 'E1', { email: 'e1@uni.edu.cn', items: [{ due: 3_000, dueDate: '2026-12-09' }] }); // step 0, a day late
  return { a, e };
}

describe('dunning planner: items and inserts', () => {
  it('names the due items by due date then id, totals what they owe, and counts the skips', async () => {
    const { a, e } = await seed();
    const { run } = await claimDunningRun(db, 'k1', TODAY, NOW);
    const result = await planner().plan(run);
    expect(result).toEqual({ students: 3, planned: 2, skips: { notDue: 1 }, escalated: 0 });
    const rows = await db.selectFrom('dunning_reminders').select(['reminder_key', 'student_id', 'item_steps', 'channels', 'total', 'run_date', 'status']).orderBy('student_id').execute();
    expect(rows.map((r) => ({ ...r, total: Number(r.total) }))).toEqual([
      { reminder_key: `A1|${a[3]}@7,${a[1]}@0,${a[5]}@0,${a[0]}@-7`, student_id: 'A1', item_steps: JSON.stringify([[a[3], 7], [a[1], 0], [a[5], 0], [a[0], -7]]), channels: 'web', total: 4_000 + 3_000 + 6_000 + 10_000, run_date: TODAY, status: 'planned' },
      { reminder_key: `E1|${e[0]}@0`, student_id: 'E1', item_steps: JSON.stringify([[e[0], 0]]), channels: 'email', total: 3_000, run_date: TODAY, status: 'planned' },
    ]);
  });

  it('queues one outbox delivery per target in the run, and planning the run again adds nothing', async () => {
    await seed();
    const { run } = await claimDunningRun(db, 'k1', TODAY, NOW);
    await planner().plan(run);
    const reminders = await db.selectFrom('dunning_reminders').select(['id', 'student_id']).orderBy('student_id').execute();
    const outbox = await db.selectFrom('outbox').select(['lane', 'kind', 'payload_json', 'run_after', 'created_at', 'status']).where('kind', '=', 'dunning').orderBy('id').execute();
    expect(outbox.map((o) => ({ ...o, payload: JSON.parse(o.payload_json) as unknown, payload_json: undefined, run_after: Number(o.run_after), created_at: Number(o.created_at) }))).toEqual([
      { lane: `dunning:${run.id}:0`, kind: 'dunning', payload: { reminderId: Number(reminders[0]!.id), runId: run.id, channel: 'web', address: 'wa1', lang: 'en', optedOut: false, seq: 0 }, payload_json: undefined, run_after: NOW, created_at: NOW, status: 'pending' },
      { lane: `dunning:${run.id}:1`, kind: 'dunning', payload: { reminderId: Number(reminders[1]!.id), runId: run.id, channel: 'email', address: 'e1@uni.edu.cn', lang: 'zh-CN', optedOut: false, seq: 1 }, payload_json: undefined, run_after: NOW, created_at: NOW, status: 'pending' },
    ]);
    // A resumed attempt (a crash before the run was marked planned) finds every key taken.
    await db.updateTable('dunning_runs').set({ status: 'planning' }).where('id', '=', run.id).execute();
    await planner().plan(run);
    expect(await db.selectFrom('dunning_reminders').select('id').execute()).toHaveLength(2);
    expect(await db.selectFrom('outbox').select('id').where('kind', '=', 'dunning').execute()).toHaveLength(2);
  });

  it('leaves out items below minOutstanding and outside the policy fee periods', async () => {
    const { a } = await seed();
    const policy = parsePolicy(`items:\n  feePeriods: ['2026-2027']\n  minOutstanding: 5000\n`);
    const { run } = await claimDunningRun(db, 'k1', TODAY, NOW);
    // B1 and E1 owe less than the minimum: as far as reminders go they owe nothing (no decision).
    expect(await planner(policy).plan(run)).toEqual({ students: 1, planned: 1, skips: {}, escalated: 0 });
    const rows = await db.selectFrom('dunning_reminders').select(['reminder_key', 'total']).execute();
    expect(rows.map((r) => ({ ...r, total: Number(r.total) }))).toEqual([{ reminder_key: `A1|${a[0]}@-7`, total: 10_000 }]);
  });

  it('a preview names each item', async () => {
    await seed();
    const result = await planner().preview(TODAY);
    const a1 = result.decisions!.find((d) => d.kind === 'remind' && d.reminder.studentId === 'A1');
    expect(a1?.kind === 'remind' && a1.reminder.items.map((i) => `${i.feePeriod} ${i.name} ${i.outstanding} ${i.dueDate} ${i.step}`)).toEqual([
      '2026-2027 书费 4000 2026-12-03 7',
      '2026-2027 住宿费 3000 2026-12-10 0',
      '2025-2026 旧学年 6000 2026-12-10 0',
      '2026-2027 学费 10000 2026-12-17 -7',
    ]);
    expect(result.skips).toEqual({ notDue: 1 });
  });

  it('loads chats and history page by page: the students of the last page get theirs', async () => {
    const n = STUDENT_BATCH + 2;
    const ids = Array.from({ length: n }, (_, i) => `P${String(i).padStart(5, '0')}`);
    for (let i = 0; i < n; i += 500) {
      const page = ids.slice(i, i + 500);
      await db.insertInto('students').values(page.map((id) => ({ student_id: id, name: id, college: '计算机学院', major: 'CS', class_name: '1', recovery_email: null, phone: null, id_number: null, password_hash: 'x', must_change_password: 0, password_changed_at: null, created_at: 0, updated_at: 0 }))).execute();
      await db.insertInto('fee_items').values(page.map((id) => ({ student_id: id, fee_period: '2026-2027', code: 'F0', name: '学费', amount_due: 1_000, amount_paid: 0, installment_allowed: 0, min_installment: 0, due_date: TODAY, updated_at: 0 }))).execute();
      await db.insertInto('conversations').values(page.map((id) => ({ channel: 'web', chat_id: `w${id}`, state_version: 1, revision: 1, state_json: JSON.stringify({ lang: 'en', session: { studentId: id } }), student_id: id, updated_at: 0 }))).execute();
    }
    // The last student's only chat went inactive (blocked the bot): nothing reaches them.
    await db.insertInto('channel_chats').values({ channel: 'web', chat_id: `w${ids[n - 1]}`, menu_message_id: null, progress_message_id: null, active: 0, updated_at: 0 }).execute();
    const first = await claimDunningRun(db, 'k1', TODAY, NOW);
    expect(await planner().plan(first.run)).toEqual({ students: n, planned: n - 1, skips: { noChannel: 1 }, escalated: 0 });
    const lastPlanned = await db.selectFrom('outbox').select('payload_json').where('kind', '=', 'dunning').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(JSON.parse(lastPlanned.payload_json)).toMatchObject({ address: `w${ids[n - 2]}`, lang: 'en' });
    // A second run the same day: each item's step was reminded about already, on every page.
    const second = await claimDunningRun(db, 'k2', TODAY, NOW);
    expect(await planner().plan(second.run)).toEqual({ students: n, planned: 0, skips: { notDue: n - 1, noChannel: 1 }, escalated: 0 });
  });
});
