import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWechatApi } from '../../adapters/wechat/wechat-api.js';
import { loadWechatConfig, type WechatConfig } from '../../adapters/wechat/wechat-config.js';
import { createPassiveBroker } from '../../adapters/wechat/wechat-passive.js';
import { createWechatTransport } from '../../adapters/wechat/wechat-transport.js';
import type { Db } from '../../src/db/database.js';
import { touchWechatUser } from '../../src/db/repositories/wechat.repository.js';
import { createDunning } from '../../src/dunning/index.js';
import { verifyPayLinkToken } from '../../src/dunning/pay-link-token.js';
import { parsePolicy } from '../../src/dunning/policy.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxWorker } from '../../src/runtime/outbox-worker.js';
import { addChat, addStudent, at } from '../dunning/dunning-fixture.js';
import { openTestDb } from '../support/test-store.js';
import { startFakeWechatApi, type FakeWechatApi, type SentTemplate } from './fake-wechat-api.js';
import { TEST_WECHAT, wechatEnv } from './wechat-client.js';

// A scheduled reminder to a WeChat follower silent for more than 48 hours: with
// WECHAT_REMINDER_TEMPLATE_ID it goes as a template message whose link is the signed 网上缴费 link
// (and counts as sent); without it, or when WeChat refuses the template (43101, 40037), it is
// recorded as failed (outsideWindow) as before, never as sent.

const SECRET = 'wechat-reminder-secret-0123456789';
const TODAY = '2026-12-10';
let fake: FakeWechatApi;
let db: Db;
let logs: string[];

beforeAll(async () => {
  fake = await startFakeWechatApi(TEST_WECHAT.appId, TEST_WECHAT.appSecret);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  db = await openTestDb();
  logs = [];
  fake.templates.clear();
  fake.refusesTemplates.clear();
});
afterEach(async () => db.destroy());

/** One reminder run on a real dunning module whose WeChat channel talks to the fake API. */
async function remind(studentId: string, openid: string, lastInboundAgoMs: number, wechatSettings: Record<string, string> = {}) {
  const now = at(TODAY, '10:00');
  await addStudent(db, studentId, { items: [{ due: 350_000, dueDate: TODAY, name: '学费' }, { due: 120_000, dueDate: '2026-12-17', name: '住宿费' }] });
  await addChat(db, studentId, 'wechat', openid);
  await touchWechatUser(db, openid, now - lastInboundAgoMs);
  const clock = { now };
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) } as never);
  const config = loadWechatConfig(wechatEnv(fake.apiRoot, wechatSettings)) as WechatConfig;
  const wechat = createWechatTransport({
    db,
    api: createWechatApi({ db, apiRoot: fake.apiRoot, appId: config.appId, appSecret: config.appSecret, clock: () => clock.now, busyBackoffMs: [5] }),
    broker: createPassiveBroker(),
    config,
    bindUrl: (o) => `https://fee.example.edu.cn/wechat/bind?t=${o}`,
    webUrl: 'https://fee.example.edu.cn/',
    otherChannel: async () => false,
    clock: () => clock.now,
    logger,
  });
  const dunning = createDunning({
    db,
    env: { DUNNING_LINK_SECRET: SECRET },
    policy: parsePolicy('quietHours: { start: "00:00", end: "00:00" }\nchannels: [wechat]\n'),
    publicBaseUrl: 'https://fee.example.edu.cn',
    fallbackSecret: 'unused-fallback-secret',
    timezone: 'Asia/Shanghai',
    defaultLang: 'zh-CN',
    transports: { wechat },
    clock: () => clock.now,
    logger,
  });
  await dunning.service.fire(`cron:${openid}`);
  clock.now += 60_000;
  const outbox = createOutboxWorker({ db, clock: () => clock.now, logger, pollMs: 10, concurrency: 4, handlers: { ...dunning.handlers, staff: async () => undefined } });
  await outbox.drain();
  const [reminder] = await db.selectFrom('dunning_reminders').select(['id', 'status', 'skip_reason']).where('student_id', '=', studentId).execute();
  return { reminder: reminder!, sent: fake.sentTo(openid), now: clock.now };
}

describe('WeChat reminders outside the 48-hour window', () => {
  it('with WECHAT_REMINDER_TEMPLATE_ID: a template message (fields mapped, link = the signed pay link), counted as sent', async () => {
    fake.templates.add('TPL_REMIND');
    const { reminder, sent, now } = await remind('2026031', 'o_tpl', 49 * 3_600_000, { WECHAT_REMINDER_TEMPLATE_ID: 'TPL_REMIND' });
    expect(reminder.status).toBe('sent');
    expect(sent).toHaveLength(1);
    const template = sent[0] as SentTemplate;
    expect(template).toMatchObject({
      kind: 'template',
      templateId: 'TPL_REMIND',
      clientMsgId: `dunning.reminder:${reminder.id}`,
      data: {
        thing1: { value: '缴费提醒：您有费用尚未缴清' },
        character_string2: { value: '2026031' },
        thing3: { value: '学费、住宿费' },
        amount4: { value: '¥4700.00' },
        time5: { value: TODAY },
      },
    });
    const url = new URL(template.url!);
    expect(url.origin).toBe('https://fee.example.edu.cn');
    expect(verifyPayLinkToken(SECRET, url.searchParams.get('paylink')!, now)).toMatchObject({ ok: true, studentId: '2026031' });
  });

  it('without the setting: not sent, recorded as failed (outsideWindow), as before', async () => {
    const { reminder, sent } = await remind('2026032', 'o_none', 49 * 3_600_000);
    expect(sent).toEqual([]);
    expect(reminder).toMatchObject({ status: 'failed', skip_reason: 'outsideWindow' });
  });

  it('a follower who refused template messages (43101) or a wrong template id (40037): failed (outsideWindow), logged with the errcode', async () => {
    fake.refusesTemplates.add('o_refuses');
    const refused = await remind('2026033', 'o_refuses', 49 * 3_600_000, { WECHAT_REMINDER_TEMPLATE_ID: 'TPL_REMIND' });
    expect(refused.sent).toEqual([]);
    expect(refused.reminder).toMatchObject({ status: 'failed', skip_reason: 'outsideWindow' });
    expect(logs.some((l) => l.includes('"errcode":43101'))).toBe(true);

    fake.templates.add('TPL_OTHER');
    const wrongId = await remind('2026034', 'o_wrong_id', 49 * 3_600_000, { WECHAT_REMINDER_TEMPLATE_ID: 'TPL_REMIND' });
    expect(wrongId.sent).toEqual([]);
    expect(wrongId.reminder).toMatchObject({ status: 'failed', skip_reason: 'outsideWindow' });
    expect(logs.some((l) => l.includes('"errcode":40037'))).toBe(true);
  });

  it('inside the window the reminder is a customer-service text even with the template set', async () => {
    const { reminder, sent } = await remind('2026035', 'o_inside', 3_600_000, { WECHAT_REMINDER_TEMPLATE_ID: 'TPL_REMIND' });
    expect(reminder.status).toBe('sent');
    expect(sent.map((s) => s.kind)).toEqual(['custom']);
    expect(fake.texts('o_inside')[0]).toContain('【缴费提醒】');
  });

  it('WeChat closing the window itself (45015, our clock says open) also sends the template', async () => {
    fake.windowClosed.add('o_45015');
    const { reminder, sent } = await remind('2026036', 'o_45015', 3_600_000, { WECHAT_REMINDER_TEMPLATE_ID: 'TPL_REMIND' });
    expect(reminder.status).toBe('sent');
    expect(sent.map((s) => s.kind)).toEqual(['template']);
  });

  it('the setting: unset = no reminder template; fields default to the documented mapping; a wrong source stops the start', () => {
    expect(loadWechatConfig(wechatEnv(fake.apiRoot))!.templates.reminder).toBeNull();
    expect(loadWechatConfig(wechatEnv(fake.apiRoot, { WECHAT_REMINDER_TEMPLATE_ID: 'T' }))!.templates.reminder).toEqual({
      templateId: 'T',
      fields: { thing1: 'title', character_string2: 'studentId', thing3: 'items', amount4: 'amount', time5: 'dueDate' },
    });
    expect(() => loadWechatConfig(wechatEnv(fake.apiRoot, { WECHAT_REMINDER_TEMPLATE_ID: 'T', WECHAT_REMINDER_TEMPLATE_FIELDS: 'thing1=debt' }))).toThrow(/WECHAT_REMINDER_TEMPLATE_FIELDS: unknown source "debt"/);
  });
});
