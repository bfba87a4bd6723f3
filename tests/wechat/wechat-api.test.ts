import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWechatApi, WechatApiError, type WechatApi } from '../../adapters/wechat/wechat-api.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { findWechatToken } from '../../src/db/repositories/wechat.repository.js';
import { startFakeWechatApi, type FakeWechatApi } from './fake-wechat-api.js';

// The API client against the fake: one shared token in the database, one refresh on 40001,
// backoff on -1, errcodes surfaced.

let fake: FakeWechatApi;
let db: Db;

beforeAll(async () => {
  fake = await startFakeWechatApi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateToLatest(db);
});
afterEach(async () => {
  await db.destroy();
});

function api(clock = Date.now): WechatApi {
  return createWechatApi({ db, apiRoot: fake.apiRoot, appId: fake.appId, appSecret: fake.appSecret, clock, busyBackoffMs: [10, 20, 40] });
}

describe('WeChat API client', () => {
  it('fetches one stable_token, keeps it in the database and shares it between instances', async () => {
    const issued = fake.tokenIssues.length;
    const a = api();
    const b = api();
    await a.sendCustom('o_tok', { type: 'text', content: 'one' });
    await b.sendCustom('o_tok', { type: 'text', content: 'two' });
    await Promise.all([a.sendCustom('o_tok', { type: 'text', content: 'three' }), b.sendCustom('o_tok', { type: 'text', content: 'four' })]);
    expect(fake.tokenIssues.length - issued).toBe(1);
    const stored = await findWechatToken(db, fake.appId);
    expect(stored?.accessToken).toMatch(/^FAKE_TOKEN_/);
    expect(fake.texts('o_tok')).toEqual(['one', 'two', 'three', 'four']);
  });

  it('renews a stored token near its end', async () => {
    let now = Date.now();
    const client = api(() => now);
    await client.sendCustom('o_exp', { type: 'text', content: 'a' });
    const issued = fake.tokenIssues.length;
    now += 7_200_000 - 60_000;
    await client.sendCustom('o_exp', { type: 'text', content: 'b' });
    expect(fake.tokenIssues.length - issued).toBe(1);
  });

  it('on 40001 drops the token, gets a new one once and retries; a second 40001 is an error', async () => {
    const client = api();
    await client.sendCustom('o_40001', { type: 'text', content: 'before' });
    fake.invalidateToken();
    await client.sendCustom('o_40001', { type: 'text', content: 'after' });
    expect(fake.texts('o_40001')).toEqual(['before', 'after']);
    const calls = fake.calls.filter((c) => c.method === 'message/custom/send');
    expect(calls.at(-1)?.token).not.toBe(calls.at(-2)?.token);

    fake.inject('message/custom/send', 40001, 40001);
    await expect(client.sendCustom('o_40001', { type: 'text', content: 'never' })).rejects.toMatchObject({ errcode: 40001 });
    expect(fake.texts('o_40001')).toEqual(['before', 'after']);
  });

  it.each([40014, 42001])('refreshes once on %i too', async (errcode) => {
    const client = api();
    fake.inject('message/custom/send', errcode);
    await client.sendCustom(`o_${errcode}`, { type: 'text', content: 'ok' });
    expect(fake.texts(`o_${errcode}`)).toEqual(['ok']);
  });

  it('backs off and retries on -1 (system busy), then gives up with the error', async () => {
    const client = api();
    fake.inject('message/template/send', -1, -1);
    await client.sendTemplate('o_busy', { templateId: 'TPL', data: { thing1: { value: '缴费成功' } }, clientMsgId: 'c1' });
    expect(fake.sentTo('o_busy')).toHaveLength(1);
    fake.inject('message/template/send', -1, -1, -1, -1);
    await expect(client.sendTemplate('o_busy', { templateId: 'TPL', data: {}, clientMsgId: 'c2' })).rejects.toBeInstanceOf(WechatApiError);
  });

  it('surfaces 45015 and 45047 as errors for the transport to fall back on', async () => {
    const client = api();
    fake.windowClosed.add('o_closed');
    await expect(client.sendCustom('o_closed', { type: 'text', content: 'x' })).rejects.toMatchObject({ errcode: 45015 });
    fake.inject('message/custom/send', 45047);
    await expect(client.sendCustom('o_open', { type: 'text', content: 'x' })).rejects.toMatchObject({ errcode: 45047 });
  });

  it('uploads a PNG as temporary media (multipart) and sends it as an image', async () => {
    const client = api();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const mediaId = await client.uploadImage(png, 'qr.png');
    await client.sendCustom('o_img', { type: 'image', mediaId });
    const sent = fake.sentTo('o_img')[0];
    expect(sent).toMatchObject({ kind: 'custom', msgtype: 'image', mediaId });
    expect(sent?.kind === 'custom' && sent.image?.equals(png)).toBe(true);
  });

  it('creates the menu', async () => {
    await api().createMenu([{ type: 'click', name: '网上缴费', key: 'FEEBOT_PAY' }]);
    expect(fake.menus.at(-1)).toEqual({ button: [{ type: 'click', name: '网上缴费', key: 'FEEBOT_PAY' }] });
  });
});

describe('feebot wechat menu', () => {
  it('creates the menu through the configured API root with the shared token', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'feebot-wechat-cli-'));
    const before = fake.menus.length;
    try {
      const env = {
        ...process.env,
        DATABASE_URL: join(dir, 'feebot.db'),
        LOG_LEVEL: 'silent',
        WECHAT_APP_ID: fake.appId,
        WECHAT_APP_SECRET: fake.appSecret,
        WECHAT_TOKEN: 'feebotToken42',
        WECHAT_API_ROOT: fake.apiRoot,
      };
      // Asynchronously: spawnSync would block the fake server, which lives in this process.
      const child = spawn(process.execPath, ['bin/feebot.js', 'wechat', 'menu'], { env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(out).toContain('WeChat menu created: 网上缴费 / 缴费查询 / 我的');
      expect(code).toBe(0);
      expect(fake.menus.length).toBe(before + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('WeChat passive replies kept for retries', () => {
  it('are pruned after five minutes', async () => {
    const { savePassiveReply, prunePassiveReplies, findPassiveReply } = await import('../../src/db/repositories/wechat.repository.js');
    const now = Date.now();
    await savePassiveReply(db, 'old', 'o1', 'a', now - 6 * 60_000);
    await savePassiveReply(db, 'new', 'o1', 'b', now);
    await prunePassiveReplies(db, now - 5 * 60_000);
    expect(await findPassiveReply(db, 'old')).toBeNull();
    expect(await findPassiveReply(db, 'new')).toBe('b');
  });
});
