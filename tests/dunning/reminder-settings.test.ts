import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optedOutChannels } from '../../src/db/repositories/dunning-optout.repository.js';
import { setOptOut } from '../../src/dunning/opt-out.js';
import { parsePolicy } from '../../src/dunning/policy.js';
import type { Delivery } from '../../src/ports/channel.port.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type ChatMessage } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';
import { at, dunningHarness, recordingTransport } from './dunning-fixture.js';

// 提醒设置 end to end: the student turns web-chat reminders off in the chat (dispatcher → engine →
// command → audited write), a reminder planned before that is not sent, and once turned back on
// the next one is. The reminder runs use a harness on the app's database whose clock is years
// ahead, so the app's own outbox worker (on the wall clock) never reaches their entries first.

const STUDENT = '2024020201';
const TODAY = '2030-06-10';
const NEXT_WEEK = '2030-06-17';
const policy = parsePolicy(`items:\n  feePeriods: ['2030-2031']\nchannels: [web]\n`);

let app: TestFeebot;
beforeAll(async () => {
  app = await startTestFeebot();
});
afterAll(async () => app?.stop());

const remindersLine = (state: '开' | '关') => (m: ChatMessage) => m.payload.text.includes('提醒设置') && m.payload.text.includes(`网页聊天：${state}`);

describe('提醒设置 in the chat', () => {
  it('turning web reminders off stops a planned reminder at send time; turning them on lets the next one through; both audited', async () => {
    const db = app.feebot.db;
    await db
      .insertInto('fee_items')
      .values({ student_id: STUDENT, fee_period: '2030-2031', code: 'T30', name: '学费', amount_due: 500_000, amount_paid: 0, installment_allowed: 0, min_installment: 0, due_date: TODAY, updated_at: 0 })
      .execute();

    const chat = createWebChatClient(app.baseUrl);
    await login(chat, STUDENT);
    await chat.text('设置');
    const settings = await chat.waitFor((m) => m.payload.text.includes('密保邮箱') && m.payload.buttons.flat().some((b) => b.label === '提醒设置'));
    await chat.action(chat.buttonCode(settings, '提醒设置'));
    let menu = await chat.waitFor(remindersLine('开'));
    expect(menu.payload.text).toContain('Telegram：开');
    expect(menu.payload.text).toContain('电子邮件：开');
    const chatId = (await db.selectFrom('conversations').select('chat_id').where('student_id', '=', STUDENT).where('channel', '=', 'web').executeTakeFirstOrThrow()).chat_id;

    // Planned while reminders are on…
    const sent: Delivery[] = [];
    const transports = { web: recordingTransport('web', sent) };
    const first = dunningHarness(db, { policy, now: at(TODAY, '10:00'), transports });
    expect((await first.service.fire('k1'))?.result).toMatchObject({ planned: 1 });

    // …then turned off in the chat, before it goes out.
    await chat.action(chat.buttonCode(menu, '关闭网页聊天提醒'));
    menu = await chat.waitFor(remindersLine('关'));
    expect(menu.payload.text).toContain('Telegram：开');
    // The toggle is a command run by the outbox: wait until it is committed, not just drawn.
    await expect.poll(async () => [...(await optedOutChannels(db, STUDENT))], { timeout: 10_000 }).toEqual(['web']);
    first.clock.now += 60_000;
    await first.outbox.drain();
    expect(sent.filter((d) => d.chatId === chatId)).toEqual([]);
    const rows = () => db.selectFrom('dunning_reminders').select(['status', 'skip_reason']).where('student_id', '=', STUDENT).orderBy('id').execute();
    expect(await rows()).toEqual([{ status: 'skipped', skip_reason: 'optedOut' }]);

    // On again: the next week's reminder reaches the chat.
    await chat.action(chat.buttonCode(menu, '开启网页聊天提醒'));
    menu = await chat.waitFor(remindersLine('开'));
    await expect.poll(async () => [...(await optedOutChannels(db, STUDENT))], { timeout: 10_000 }).toEqual([]);
    const second = dunningHarness(db, { policy, now: at(NEXT_WEEK, '10:00'), transports });
    expect((await second.service.fire('k2'))?.result).toMatchObject({ planned: 1 });
    second.clock.now += 60_000;
    await second.outbox.drain();
    expect(sent.filter((d) => d.chatId === chatId).map((d) => d.priority)).toEqual(['bulk']);
    expect((await rows()).map((r) => r.status)).toEqual(['skipped', 'sent']);

    const audit = await db.selectFrom('audit_log').select(['event', 'channel', 'chat_id', 'detail']).where('student_id', '=', STUDENT).where('event', 'like', 'dunning.%').orderBy('id').execute();
    expect(audit).toEqual([
      { event: 'dunning.optout', channel: 'web', chat_id: chatId, detail: 'web' },
      { event: 'dunning.optin', channel: 'web', chat_id: chatId, detail: 'web' },
    ]);
  });

  it('turning one channel on after 退订 (all) turns only that one on; turning all on clears every channel', async () => {
    const db = app.feebot.db;
    const via = { channel: 'web', chatId: 'w' };
    await setOptOut(db, { studentId: '2023010102', scope: 'all', optedOut: true, via, now: 1 });
    await setOptOut(db, { studentId: '2023010102', scope: 'telegram', optedOut: false, via, now: 2 });
    expect([...(await optedOutChannels(db, '2023010102'))].sort()).toEqual(['email', 'web', 'wechat']);
    await setOptOut(db, { studentId: '2023010102', scope: 'all', optedOut: false, via, now: 3 });
    expect([...(await optedOutChannels(db, '2023010102'))]).toEqual([]);
  });
});
