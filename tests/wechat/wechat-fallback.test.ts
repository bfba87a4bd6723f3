import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWechatApi } from '../../adapters/wechat/wechat-api.js';
import { loadWechatConfig, type WechatConfig } from '../../adapters/wechat/wechat-config.js';
import { createPassiveBroker } from '../../adapters/wechat/wechat-passive.js';
import { createWechatTransport } from '../../adapters/wechat/wechat-transport.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { saveConversation } from '../../src/db/repositories/conversation.repository.js';
import { touchWechatUser } from '../../src/db/repositories/wechat.repository.js';
import { initialState } from '../../src/engine/state.js';
import type { View } from '../../src/engine/views.js';
import { ChannelError, NotDeliveredError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import type { ChannelTransport } from '../../src/ports/channel.port.js';
import { startFakeWechatApi, type FakeWechatApi } from './fake-wechat-api.js';
import { TEST_WECHAT, wechatEnv } from './wechat-client.js';

// Where a message goes when the customer-service API is closed to the follower: proactive notices
// become template messages (configured ids and fields, WeChat's value rules, client_msg_id), and
// when WeChat refuses those too, the student's next channel; other messages are dropped, logged.

const STUDENT = '2024020201';
let fake: FakeWechatApi;
let db: Db;
let now: number;
let others: { studentId: string; text: string }[];
let otherChannelExists: boolean;
let logs: string[];

const paid: View = {
  placement: 'message',
  text: '缴费成功\n订单号：FB2026ORDER1\n金额：¥4,000.00\n电子票据号：R2026-0001',
  buttons: [[{ label: '查看电子票据', url: 'https://fee.example.edu.cn/receipts/tok' }]],
  notice: { kind: 'payment.confirmed', orderId: 'FB2026ORDER1', total: 400_000, receiptNo: 'R2026-0001', receiptUrl: 'https://fee.example.edu.cn/receipts/tok' },
};
const expired: View = { placement: 'message', text: '订单已超时关闭（订单号 FB2026ORDER2）', buttons: [], notice: { kind: 'order.expired', orderId: 'FB2026ORDER2' } };
const menu: View = { placement: 'menu', text: '主页', buttons: [[{ label: '网上缴费', code: 'v1:pay::3' }]] };

beforeAll(async () => {
  fake = await startFakeWechatApi(TEST_WECHAT.appId, TEST_WECHAT.appSecret);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateToLatest(db);
  now = Date.now();
  others = [];
  otherChannelExists = true;
  logs = [];
});
afterEach(async () => {
  await db.destroy();
});

function transport(env: Record<string, string> = {}): ChannelTransport {
  const config = loadWechatConfig(wechatEnv(fake.apiRoot, { WECHAT_TEMPLATE_PAYMENT_ID: 'TPL_PAID', WECHAT_TEMPLATE_EXPIRED_ID: 'TPL_EXPIRED', ...env })) as WechatConfig;
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) } as never);
  return createWechatTransport({
    db,
    api: createWechatApi({ db, apiRoot: fake.apiRoot, appId: config.appId, appSecret: config.appSecret, clock: () => now, busyBackoffMs: [5] }),
    broker: createPassiveBroker(),
    config,
    bindUrl: (openid) => `https://fee.example.edu.cn/wechat/bind?t=${openid}`,
    webUrl: 'https://fee.example.edu.cn/',
    otherChannel: async (studentId, text) => {
      if (!otherChannelExists) return false;
      others.push({ studentId, text });
      return true;
    },
    clock: () => now,
    logger,
  });
}

async function follower(openid: string, lastInboundAgoMs: number | null): Promise<void> {
  const state = { ...initialState('zh-CN'), session: { studentId: STUDENT, lastActiveAt: now, mustChangePassword: false, bound: true }, step: { name: 'home' as const } };
  await saveConversation(db, { channel: 'wechat', chatId: openid, stateVersion: 1, stateJson: JSON.stringify(state), studentId: STUDENT, expectedRevision: 0, now });
  if (lastInboundAgoMs !== null) await touchWechatUser(db, openid, now - lastInboundAgoMs);
}

const deliver = (t: ChannelTransport, chatId: string, view: View, key = `outbox:${Math.random()}`) => t.deliver({ channel: 'wechat', chatId, view, menuMessageId: null, key });

describe('WeChat outside the customer-service window', () => {
  it('inside the window a notice goes by the customer-service API', async () => {
    await follower('o_in', 60_000);
    await deliver(transport(), 'o_in', paid);
    expect(fake.sentTo('o_in')).toMatchObject([{ kind: 'custom', msgtype: 'text' }]);
    expect(fake.texts('o_in')[0]).toContain('<a href="https://fee.example.edu.cn/receipts/tok">查看电子票据</a>');
  });

  it('past 48 h (our own clock) the payment notice is a template: fields mapped, values within the rules, one per order', async () => {
    await follower('o_old', 49 * 3_600_000);
    const t = transport();
    await deliver(t, 'o_old', paid);
    await deliver(t, 'o_old', paid);
    const sent = fake.sentTo('o_old');
    expect(sent).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'message/custom/send' && c.at >= now)).toHaveLength(0);
    expect(sent[0]).toMatchObject({
      kind: 'template',
      templateId: 'TPL_PAID',
      url: 'https://fee.example.edu.cn/receipts/tok',
      clientMsgId: 'payment.confirmed:FB2026ORDER1',
      data: { thing1: { value: '网上缴费成功' }, character_string2: { value: 'FB2026ORDER1' }, amount3: { value: '¥4000.00' } },
    });
    const time = sent[0]?.kind === 'template' ? sent[0].data.time4?.value : '';
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('WeChat’s 45015 and 45047 send an expiry notice as its template; thing values are cut to 20 characters', async () => {
    await follower('o_45015', 60_000);
    fake.windowClosed.add('o_45015');
    const t = transport({ WECHAT_TEMPLATE_EXPIRED_FIELDS: 'thing1=title,thing2=orderId,character_string3=orderId' });
    await deliver(t, 'o_45015', expired);
    expect(fake.sentTo('o_45015')).toMatchObject([{ kind: 'template', templateId: 'TPL_EXPIRED', data: { thing1: { value: '缴费订单已过期' } } }]);

    await follower('o_45047', 60_000);
    fake.inject('message/custom/send', 45047);
    await deliver(t, 'o_45047', { ...expired, notice: { kind: 'order.expired', orderId: 'X'.repeat(40) } });
    const tpl = fake.sentTo('o_45047')[0];
    expect(tpl?.kind === 'template' && [...(tpl.data.thing2?.value ?? '')].length).toBe(20);
    expect(tpl?.kind === 'template' && tpl.data.character_string3?.value.length).toBe(32);
  });

  it('when WeChat refuses the template too, the notice goes to the student’s next channel', async () => {
    await follower('o_refused', 49 * 3_600_000);
    fake.inject('message/template/send', 43004);
    await deliver(transport(), 'o_refused', paid);
    expect(fake.sentTo('o_refused')).toEqual([]);
    expect(others).toHaveLength(1);
    expect(others[0]?.studentId).toBe(STUDENT);
    expect(others[0]?.text).toContain('电子票据号：R2026-0001');
    expect(others[0]?.text).toContain('https://fee.example.edu.cn/receipts/tok');
  });

  it('with no template configured and no other channel the notice is logged as undeliverable, not retried forever', async () => {
    await follower('o_nowhere', 49 * 3_600_000);
    otherChannelExists = false;
    await expect(deliver(transport({ WECHAT_TEMPLATE_PAYMENT_ID: '' }), 'o_nowhere', paid)).resolves.toEqual({});
    expect(fake.sentTo('o_nowhere')).toEqual([]);
    expect(logs.some((l) => l.includes('undeliverable'))).toBe(true);
  });

  it('an ordinary menu outside the window is dropped (logged), never sent as a template', async () => {
    await follower('o_menu', 49 * 3_600_000);
    await expect(deliver(transport(), 'o_menu', menu)).resolves.toEqual({});
    expect(fake.sentTo('o_menu')).toEqual([]);
    expect(others).toEqual([]);
  });

  it('a reminder (bulk) outside the window is refused as not delivered, so it is never counted as sent; the chat stays', async () => {
    await follower('o_bulk', 49 * 3_600_000);
    const reminder: View = { placement: 'message', text: '缴费提醒', buttons: [] };
    const error = await transport().deliver({ channel: 'wechat', chatId: 'o_bulk', view: reminder, menuMessageId: null, key: 'outbox:bulk', priority: 'bulk' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotDeliveredError);
    expect((error as ChannelError).permanent).toBe(false);
    expect(fake.sentTo('o_bulk')).toEqual([]);
  });

  it('an unsubscribed follower (43004 on the API) makes the chat permanently unreachable', async () => {
    await follower('o_gone', 60_000);
    fake.inject('message/custom/send', 43004);
    const error = await deliver(transport(), 'o_gone', menu).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).permanent).toBe(true);
  });

  it('a system error is retried by the outbox (a plain ChannelError), and the retry does not repeat parts already sent', async () => {
    await follower('o_parts', 60_000);
    const t = transport();
    const withQr: View = { placement: 'menu', text: '订单已创建', buttons: [], image: { kind: 'qr', payload: 'https://pay.example/x' } };
    fake.inject('media/upload', -1, -1);
    const first = await deliver(t, 'o_parts', withQr, 'outbox:77').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ChannelError);
    expect((first as ChannelError).permanent).toBe(false);
    await deliver(t, 'o_parts', withQr, 'outbox:77');
    expect(fake.sentTo('o_parts').map((s) => (s.kind === 'custom' ? s.msgtype : s.kind))).toEqual(['text', 'image']);
  });
});
