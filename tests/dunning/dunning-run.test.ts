import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { listRunEscalations } from '../../src/db/repositories/dunning-escalation.repository.js';
import { findDunningRun } from '../../src/db/repositories/dunning-run.repository.js';
import { setOptOut } from '../../src/dunning/opt-out.js';
import { createCollegeEscalationMailer } from '../../src/dunning/college-escalation.js';
import type { MailMessage } from '../../src/mail/mailer.port.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/dunning/policy.js';
import type { Delivery } from '../../src/ports/channel.port.js';
import { NotDeliveredError } from '../../src/errors.js';
import { openTestDb } from '../support/test-store.js';
import { addChat, addStudent, at, dunningHarness, recordingTransport } from './dunning-fixture.js';

let db: Db;
beforeEach(async () => {
  db = await openTestDb();
});
afterEach(async () => db.destroy());

const TODAY = '2026-12-10';

async function reminders() {
  return db.selectFrom('dunning_reminders').selectAll().orderBy('student_id').execute();
}
async function outboxOf(kind: string) {
  return db.selectFrom('outbox').selectAll().where('kind', '=', kind).orderBy('id').execute();
}

describe('dunning run', () => {
  it('reminds each owing student once on their channels, skips with reasons, and keeps a summary for staff', async () => {
    await addStudent(db, '2026001', { items: [{ due: 500_000, dueDate: TODAY, name: '学费' }, { due: 120_000, dueDate: TODAY, name: '住宿费' }] });
    await addChat(db, '2026001', 'telegram', 't1');
    await addChat(db, '2026001', 'web', 'w1');
    await addStudent(db, '2026002', { items: [{ due: 80_000, dueDate: '2026-12-17' }] }); // 7 days before
    await addChat(db, '2026002', 'web', 'w2', 'en');
    const [deferred] = await addStudent(db, '2026003', { items: [{ due: 10_000, dueDate: TODAY }] });
    await db.insertInto('deferrals').values({ student_id: '2026003', item_ids: JSON.stringify([deferred]), until_date: '2027-01-31', reason: 'r', status: 'approved', channel: 'web', chat_id: 'x', decided_by: 's', decision_note: null, created_at: 0, decided_at: 0 }).execute();
    await addChat(db, '2026003', 'web', 'w3');
    const [ordered] = await addStudent(db, '2026004', { items: [{ due: 10_000, dueDate: TODAY }] });
    await db.insertInto('orders').values({ id: 'O1', student_id: '2026004', status: 'pending', total: 10_000, gateway: 'sandbox', channel: 'web', chat_id: 'w4', pay_url: null, qr_payload: null, created_at: at(TODAY, '09:00'), expires_at: at(TODAY, '11:00'), settled_at: null, request_key: null }).execute();
    await db.insertInto('order_lines').values({ order_id: 'O1', fee_item_id: ordered!, amount: 10_000, credited: null }).execute();
    await addChat(db, '2026004', 'web', 'w4');
    await addStudent(db, '2026005', { items: [{ due: 10_000, dueDate: TODAY }] });
    await addChat(db, '2026005', 'telegram', 't5');
    await setOptOut(db, { studentId: '2026005', scope: 'all', optedOut: true, via: { channel: 'telegram', chatId: 't5' }, now: 0 });
    await addStudent(db, '2026006', { items: [{ due: 10_000, dueDate: '2027-03-01' }] }); // not due yet
    await addStudent(db, '2026007', { items: [{ due: 10_000, paid: 10_000, dueDate: TODAY }] }); // paid
    await addStudent(db, '2026008', { items: [{ due: 10_000, dueDate: TODAY }] }); // no channel, no e-mail

    const sent: Delivery[] = [];
    const h = dunningHarness(db, { now: at(TODAY, '10:00'), transports: { telegram: recordingTransport('telegram', sent), web: recordingTransport('web', sent) } });
    const fired = await h.service.fire('cron:test');
    expect(fired?.result).toMatchObject({ planned: 2, skips: { deferral: 1, liveOrder: 1, optedOut: 1, notDue: 1, noChannel: 1 } });
    expect((await reminders()).map((r) => [r.student_id, r.channels, r.total])).toEqual([
      ['2026001', 'telegram,web', 620_000],
      ['2026002', 'web', 80_000],
    ]);

    h.clock.now += 60_000;
    await h.outbox.drain();
    sent.sort((a, b) => a.chatId.localeCompare(b.chatId)); // lanes run side by side
    expect(sent.map((d) => [d.channel, d.chatId, d.priority])).toEqual([
      ['telegram', 't1', 'bulk'],
      ['web', 'w1', 'bulk'],
      ['web', 'w2', 'bulk'],
    ]);
    const zh = sent[0]!.view;
    expect(zh.text).toContain('学生2026001同学');
    expect(zh.text).toContain('学费：¥5,000.00（截止 2026-12-10）');
    expect(zh.text).toContain('合计：¥6,200.00');
    expect(zh.text).toContain('申请缓缴');
    expect(zh.text).toContain('退订');
    expect(zh.buttons).toEqual([
      [{ label: '网上缴费', url: 'https://t.me/feebot_test_bot?start=pay' }],
      [{ label: '退订提醒', url: 'http://feebot.test/dunning/unsubscribe?t=2026001&c=telegram' }],
    ]);
    expect(sent[1]!.view.buttons[0]).toEqual([{ label: '网上缴费', url: 'http://feebot.test/?start=pay' }]);
    expect(sent[2]!.view.text).toContain('Total: ¥800.00');
    expect(sent[2]!.view.buttons[0]![0]!.label).toBe('Pay online');

    h.clock.now += 10 * 60_000;
    await h.outbox.drain();
    const run = await findDunningRun(db, fired!.run.id);
    expect(run?.status).toBe('done');
    expect(run?.summary).toEqual({ runId: run!.id, runDate: TODAY, planned: 2, sent: 2, failed: 0, escalated: 0, skipped: { deferral: 1, liveOrder: 1, optedOut: 1, noChannel: 1 } });
    expect((await outboxOf('staff')).map((e) => JSON.parse(e.payload_json))).toEqual([{ event: { kind: 'dunning.summary', runId: run!.id } }]);
  });

  it('one run per fire key, and planning a run again adds nothing (a resumed crash)', async () => {
    for (let i = 0; i < 30; i++) {
      const id = `2026${String(i).padStart(3, '0')}`;
      await addStudent(db, id, { items: [{ due: 1_000, dueDate: TODAY }] });
      await addChat(db, id, 'telegram', `t${i}`);
    }
    const h = dunningHarness(db, { now: at(TODAY, '10:00') });
    const other = dunningHarness(db, { now: at(TODAY, '10:00') });
    const [a, b] = await Promise.all([h.service.fire('cron:2026-12-10T02:00'), other.service.fire('cron:2026-12-10T02:00')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const run = (a ?? b)!.run;
    // As after a crash before planning ended (the run's mark and its finish entry commit together).
    await db.updateTable('dunning_runs').set({ status: 'planning' }).where('id', '=', run.id).execute();
    await db.deleteFrom('outbox').where('kind', '=', 'dunning-finish').execute();
    expect(await h.service.resumeInterrupted()).toBe(1);
    expect(await reminders()).toHaveLength(30);
    expect(await outboxOf('dunning')).toHaveLength(30);
    expect(await outboxOf('dunning-finish')).toHaveLength(1);
    expect(await db.selectFrom('dunning_runs').selectAll().execute()).toHaveLength(1);
  });

  it('never sends in quiet hours: a run crossing 21:00 stops and resumes at 08:00, at its pace', async () => {
    for (let i = 0; i < 20; i++) {
      const id = `2026${String(i).padStart(3, '0')}`;
      await addStudent(db, id, { items: [{ due: 1_000, dueDate: TODAY }] });
      await addChat(db, id, 'telegram', `t${i}`);
    }
    const policy = { ...DEFAULT_POLICY, sendRatePerSec: 1 };
    const sentAt: number[] = [];
    const h = dunningHarness(db, {
      policy,
      now: at(TODAY, '20:59') + 50_000, // 20:59:50
      transports: { telegram: { deliver: async () => (sentAt.push(h.clock.now), {}), deleteMessage: async () => undefined } },
    });
    await h.service.fire('cron:late');
    for (let s = 0; s < 30; s++) {
      await h.outbox.drain();
      h.clock.now += 1_000;
    }
    expect(sentAt.length).toBeGreaterThanOrEqual(9);
    expect(sentAt.length).toBeLessThan(20);
    expect(sentAt.every((t) => t < at(TODAY, '21:00'))).toBe(true);
    h.clock.now = at('2026-12-11', '07:59');
    await h.outbox.drain();
    const before = sentAt.length;
    expect(before).toBeLessThan(20);
    h.clock.now = at('2026-12-11', '08:00');
    for (let s = 0; s < 40; s++) {
      await h.outbox.drain();
      h.clock.now += 1_000;
    }
    expect(sentAt).toHaveLength(20);
    expect(sentAt.slice(before).every((t) => t >= at('2026-12-11', '08:00'))).toBe(true);
    expect((await reminders()).every((r) => r.status === 'sent')).toBe(true);
  });

  it('caps one a day and two a week per student', async () => {
    const policy = parsePolicy('cadence:\n  daysBefore: []\n  everyDaysAfter: 1\n  maxPerItem: 10\n');
    await addStudent(db, '2026001', { items: [{ due: 1_000, dueDate: TODAY }] });
    await addChat(db, '2026001', 'web', 'w1');
    const sent: Delivery[] = [];
    const transports = { web: recordingTransport('web', sent) };
    const day = (d: string, key: string) => dunningHarness(db, { policy, now: at(d, '10:00'), transports }).service.fire(key);
    expect((await day(TODAY, 'a'))?.result.planned).toBe(1);
    // The same day again (a second fire): an item that became due meanwhile waits for tomorrow.
    await addStudent(db, '2026002', {});
    await db.insertInto('fee_items').values({ student_id: '2026001', fee_period: '2026-2027', code: 'X', name: '书费', amount_due: 500, amount_paid: 0, installment_allowed: 0, min_installment: 0, due_date: TODAY, updated_at: 0 }).execute();
    expect((await day(TODAY, 'b'))?.result.skips).toEqual({ capDay: 1 });
    expect((await day('2026-12-11', 'c'))?.result.planned).toBe(1);
    expect((await day('2026-12-12', 'd'))?.result.skips).toEqual({ capWeek: 1 });
    expect((await day('2026-12-17', 'e'))?.result.planned).toBe(1);
  });

  it('checks at send time: paid since planning, and an opt-out made after planning are honoured', async () => {
    const [paidItem] = await addStudent(db, '2026001', { items: [{ due: 1_000, dueDate: TODAY }] });
    await addChat(db, '2026001', 'web', 'w1');
    await addStudent(db, '2026002', { items: [{ due: 1_000, dueDate: TODAY }] });
    await addChat(db, '2026002', 'web', 'w2');
    const sent: Delivery[] = [];
    const h = dunningHarness(db, { now: at(TODAY, '10:00'), transports: { web: recordingTransport('web', sent) } });
    await h.service.fire('k');
    await db.updateTable('fee_items').set({ amount_paid: 1_000 }).where('id', '=', paidItem!).execute();
    await setOptOut(db, { studentId: '2026002', scope: 'web', optedOut: true, via: { channel: 'web', chatId: 'w2' }, now: h.clock.now });
    h.clock.now += 60_000;
    await h.outbox.drain();
    expect(sent).toEqual([]);
    expect((await reminders()).map((r) => [r.status, r.skip_reason])).toEqual([
      ['skipped', 'paid'],
      ['skipped', 'optedOut'],
    ]);
    expect(await db.selectFrom('audit_log').select(['event', 'detail']).where('student_id', '=', '2026002').execute()).toEqual([{ event: 'dunning.optout', detail: 'web' }]);
  });

  it('hands students to staff after K reminders, as one list per run; the last reminder says it is final', async () => {
    const policy = parsePolicy('cadence:\n  daysBefore: []\n  everyDaysAfter: 7\nescalation:\n  afterReminders: 2\n  finalNoticeToOptedOut: true\n  collegeContacts:\n    计算机学院: cs-office@uni.edu.cn\n');
    for (const id of ['2026001', '2026002', '2026003']) {
      await addStudent(db, id, { items: [{ due: 1_000, dueDate: TODAY }] });
      await addChat(db, id, 'web', `w${id}`);
    }
    const sent: Delivery[] = [];
    const transports = { web: recordingTransport('web', sent) };
    const day = async (d: string) => {
      const h = dunningHarness(db, { policy, now: at(d, '10:00'), transports });
      const r = await h.service.fire(`k${d}`);
      h.clock.now += 60_000;
      await h.outbox.drain();
      return r!;
    };
    expect((await day(TODAY)).result).toMatchObject({ planned: 3 });
    await setOptOut(db, { studentId: '2026003', scope: 'all', optedOut: true, via: { channel: 'web', chatId: 'w' }, now: 0 });
    const second = await day('2026-12-17');
    // The final notice also reaches the student who opted out, and says why.
    expect(second.result.planned).toBe(3);
    const finals = sent.slice(3);
    expect(finals.every((d) => d.view.text.includes('最后一次提醒'))).toBe(true);
    expect(finals.find((d) => d.chatId === 'w2026003')?.view.text).toContain('您已退订缴费提醒');
    const third = await day('2026-12-24');
    expect(third.result).toMatchObject({ planned: 0, escalated: 3 });
    expect((await listRunEscalations(db, third.run.id)).map((e) => e.studentId)).toEqual(['2026001', '2026002', '2026003']);
    const staff = (await outboxOf('staff')).map((e) => JSON.parse(e.payload_json).event.kind);
    expect(staff.filter((k: string) => k === 'dunning.escalated')).toHaveLength(1);
    // The college's contact gets the same list by e-mail, once.
    const [college, ...more] = await outboxOf('dunning-college');
    expect(more).toEqual([]);
    const mails: MailMessage[] = [];
    await createCollegeEscalationMailer({ db, mailer: { send: async (m) => void mails.push(m) } })({ id: Number(college!.id), lane: college!.lane, kind: college!.kind, payload: JSON.parse(college!.payload_json), attempts: 0, runAfter: 0 });
    expect(mails.map((m) => [m.to, m.subject])).toEqual([['cs-office@uni.edu.cn', '催缴转交名单（计算机学院，3 人）']]);
    expect(mails[0]!.text).toContain('2026003  欠费 ¥10.00  已提醒 2 次');
    expect((await day('2026-12-31')).result).toMatchObject({ escalated: 0, skips: { escalated: 3 } });
  });

  it('a reminder WeChat refuses outside its 48-hour window is recorded as failed (outsideWindow), never as sent; the chat stays', async () => {
    await addStudent(db, '2026021', { items: [{ due: 10_000, dueDate: TODAY }] });
    await addChat(db, '2026021', 'wechat', 'o21');
    const h = dunningHarness(db, {
      now: at(TODAY, '10:00'),
      transports: { wechat: { deliver: async () => Promise.reject(new NotDeliveredError('outside the WeChat customer-service window')), deleteMessage: async () => undefined } },
    });
    await h.service.fire('cron:window');
    h.clock.now += 60_000;
    await h.outbox.drain();
    expect((await reminders()).map((r) => [r.student_id, r.status, r.skip_reason])).toEqual([['2026021', 'failed', 'outsideWindow']]);
    // Not "unreachable": the follower is still there, the chat is not switched off.
    expect(await db.selectFrom('channel_chats').select('active').where('chat_id', '=', 'o21').where('active', '=', 0).execute()).toEqual([]);
  });
});
