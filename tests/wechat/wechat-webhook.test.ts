import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../adapters/wechat/wechat-crypto.js';
import { startWechatFeebot, waitUntil, type WechatFeebot } from './wechat-feebot.js';
import { nextMsgId, TEST_WECHAT, textXml } from './wechat-client.js';

// The server URL against a real feebot: verification, the three modes, refusals that process
// nothing, and dedupe of WeChat's retries.

let w: WechatFeebot;

beforeAll(async () => {
  w = await startWechatFeebot();
}, 60_000);
afterAll(async () => {
  await w?.stop();
});

async function conversationRevision(openid: string): Promise<number | null> {
  const row = await w.app.feebot.db.selectFrom('conversations').select('revision').where('channel', '=', 'wechat').where('chat_id', '=', openid).executeTakeFirst();
  return row ? row.revision : null;
}

async function outboxCount(openid: string): Promise<number> {
  const rows = await w.app.feebot.db.selectFrom('outbox').select('id').where('lane', 'like', `%chat:wechat:${openid}`).execute();
  return rows.length;
}

describe('WeChat server URL', () => {
  it('answers URL verification with echostr when the signature is right, 401 when forged', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '12345';
    const good = new URLSearchParams({ signature: wechatSignature(TEST_WECHAT.token, timestamp, nonce), timestamp, nonce, echostr: 'hello-wechat-42' });
    const ok = await fetch(`${w.webhookUrl}?${good}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello-wechat-42');
    const forged = new URLSearchParams({ signature: '0'.repeat(40), timestamp, nonce, echostr: 'x' });
    expect((await fetch(`${w.webhookUrl}?${forged}`)).status).toBe(401);
  });

  it.each(['plain', 'compat', 'safe'] as const)('%s mode: a subscription is answered passively with the login prompt and the binding link', async (mode) => {
    const openid = `o_sub_${mode}`;
    const answer = await w.client.event(openid, 'subscribe', undefined, { mode });
    expect(answer.status).toBe(200);
    expect(answer.reply?.msgType).toBe('text');
    expect(answer.reply?.fromUserName).toBe(TEST_WECHAT.account);
    expect(answer.reply?.toUserName).toBe(openid);
    expect(answer.reply?.content).toContain('请输入学号');
    expect(answer.reply?.content).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/wechat\/bind\?t=[^"]+">绑定学号<\/a>/);
    // Safe mode answers encrypted, never in the clear.
    if (mode !== 'plain') expect(answer.body).not.toContain('请输入学号');
  });

  it('refuses a forged signature, a bad msg_signature and a tampered ciphertext, and processes nothing', async () => {
    const openid = 'o_forged';
    const forged = await w.client.text(openid, '帮助', { signature: 'f'.repeat(40) });
    expect(forged.status).toBe(401);
    const badMsgSig = await w.client.text(openid, '帮助', { msgSignature: 'a'.repeat(40) });
    expect(badMsgSig.status).toBe(401);
    // The attacker knows the token (so the signatures verify) but not the AES key.
    const tampered = await w.client.text(openid, '帮助', {
      tamper: (c) => Buffer.from(Buffer.from(c, 'base64').map((b, i) => (i === 40 ? b ^ 1 : b))).toString('base64'),
    });
    expect([401, 403]).toContain(tampered.status);
    const resigned = await (async () => {
      // Tampered and re-signed over the tampered ciphertext: only the decryption can catch it.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = '99';
      const bad = Buffer.alloc(64, 7).toString('base64');
      const query = new URLSearchParams({
        signature: wechatSignature(TEST_WECHAT.token, timestamp, nonce),
        timestamp,
        nonce,
        openid,
        encrypt_type: 'aes',
        msg_signature: wechatSignature(TEST_WECHAT.token, timestamp, nonce, bad),
      });
      return fetch(`${w.webhookUrl}?${query}`, { method: 'POST', body: `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${bad}]]></Encrypt></xml>` });
    })();
    expect(resigned.status).toBe(403);
    const stale = await w.client.text(openid, '帮助', { timestamp: String(Math.floor(Date.now() / 1000) - 3600) });
    expect(stale.status).toBe(401);
    expect(await conversationRevision(openid)).toBeNull();
    expect(await outboxCount(openid)).toBe(0);
    const window = await w.app.feebot.db.selectFrom('wechat_users').select('openid').where('openid', '=', openid).executeTakeFirst();
    expect(window).toBeUndefined();
  });

  it('the same MsgId 5 times in a row is handled once; a retry gets the same passive reply', async () => {
    const openid = 'o_dup_seq';
    await w.client.event(openid, 'subscribe');
    const before = await conversationRevision(openid);
    const msgId = nextMsgId();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await w.client.post(textXml(openid, '帮助', msgId), openid));
    expect(await conversationRevision(openid)).toBe((before ?? 0) + 1);
    expect(answers[0]?.reply?.content).toContain('可用指令');
    for (const a of answers) expect(a.reply?.content).toBe(answers[0]?.reply?.content);
    expect(w.fake.sentTo(openid)).toEqual([]);
  });

  it('the same MsgId 50 times at once is handled once, and answered once in all (passively or by the API)', async () => {
    const openid = 'o_dup_par';
    await w.client.event(openid, 'subscribe');
    const before = (await conversationRevision(openid)) ?? 0;
    const outboxBefore = await outboxCount(openid);
    const msgId = nextMsgId();
    const xml = textXml(openid, '帮助', msgId);
    const answers = await Promise.all(Array.from({ length: 50 }, () => w.client.post(xml, openid)));
    for (const a of answers) expect(a.status).toBe(200);
    await waitUntil(async () => (await w.app.feebot.db.selectFrom('outbox').select('id').where('status', '=', 'pending').where('lane', 'like', `%chat:wechat:${openid}`).execute()).length === 0, 10_000, 'outbox drained');
    expect(await conversationRevision(openid)).toBe(before + 1);
    // One transition's entries: the help notice and the redrawn menu.
    expect((await outboxCount(openid)) - outboxBefore).toBe(2);
    const passive = new Set(answers.flatMap((a) => (a.reply?.content ? [a.reply.content] : [])));
    const byApi = w.fake.texts(openid).filter((t) => t.includes('可用指令'));
    // The help text reached the follower exactly once: either in the (replayable) passive reply or through the API.
    expect(passive.size + byApi.length).toBe(1);
  });

  it('answers pictures with a hint and ignores VIEW and template delivery reports', async () => {
    const openid = 'o_misc';
    const image = `<xml><ToUserName><![CDATA[${TEST_WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>${nextMsgId()}</MsgId></xml>`;
    const answer = await w.client.post(image, openid);
    expect(answer.reply?.content).toContain('只支持文字消息');
    const view = await w.client.event(openid, 'VIEW', 'https://example.edu.cn');
    expect(view.body).toBe('success');
    const report = await w.client.event(openid, 'TEMPLATESENDJOBFINISH');
    expect(report.body).toBe('success');
    expect(await conversationRevision(openid)).toBeNull();
  });

  it('answers malformed XML with 400 and an oversized body with 413', async () => {
    const bad = await w.client.post('<xml><ToUserName>', 'o_bad', { mode: 'plain' });
    expect(bad.status).toBe(400);
    const huge = await w.client.post(textXml('o_big', 'x'.repeat(70_000)), 'o_big', { mode: 'plain' });
    expect(huge.status).toBe(413);
  });

  it('created the custom menu at start', async () => {
    await waitUntil(() => w.fake.menus.length > 0, 5_000, 'menu/create');
    const menu = w.fake.menus[0] as { button: { name: string }[] };
    expect(menu.button.map((b) => b.name)).toEqual(['网上缴费', '缴费查询', '我的']);
  });
});
