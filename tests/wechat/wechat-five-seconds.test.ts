import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { createChatDriver } from './wechat-chat-driver.js';
import { bindLinkIn, bindThroughPage, startWechatFeebot, type WechatFeebot } from './wechat-feebot.js';

// The 5-second rule with a really slow command: 修改邮箱 sends the code through an SMTP server that
// takes 6 s to accept the mail. WeChat must get `success` before its 5 s run out, and the answer
// must then arrive through the customer-service API. A quick answer goes passively instead.

const SMTP_DELAY_MS = 6_000;
let smtp: SMTPServer;
let w: WechatFeebot;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => setTimeout(() => callback(), SMTP_DELAY_MS));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  w = await startWechatFeebot({ SMTP_URL: `smtp://127.0.0.1:${port}`, WECHAT_REPLY_BUDGET_MS: '3500', AGREEMENT_SECONDS: '1' });
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('WeChat 5-second rule', () => {
  it('a quick answer is the passive reply; a slow command answers success in time and the reply comes by the customer-service API', async () => {
    const openid = 'o_five_seconds';
    const chat = createChatDriver(w.client, w.fake, openid);
    const welcome = await chat.event('subscribe');
    const bound = await bindThroughPage(bindLinkIn(welcome.reply?.content), '2025030301', DEMO_PASSWORD);
    expect(bound.html).toContain('绑定成功');
    await chat.waitFor(/欠费总额/);

    // Quick: the settings menu is ready within the budget, so it is the HTTP answer itself.
    const quick = await chat.send('设置');
    expect(quick.reply?.content).toContain('修改密码');

    // Slow: 确认 creates the order at the gateway (an outbox command), and its answer is the pay step
    // with a QR picture, which cannot ride in a passive reply: WeChat is answered within the budget
    // (with the progress notice at most) and the pay step comes through the customer-service API. (修改邮箱 used to be the slow one here,
    // through a 6 s mail server; it now asks for the current password, which WeChat students give on
    // the web page only, and the login hash happens on the binding page: no WeChat message is slow.)
    const step = async (send: () => Promise<unknown>, expected: RegExp) => {
      const since = chat.mark();
      await send();
      return chat.waitFor(expected, 15_000, since);
    };
    await step(() => chat.click('FEEBOT_PAY'), /回复 \d+ .*下一步/);
    await step(() => chat.send(chat.option('全选')), /回复 \d+ .*下一步/);
    await step(() => chat.send(chat.option('下一步')), /回复 \d+ 同意$/m);
    await step(() => chat.send(chat.option('同意')), /回复 \d+ 确认/);
    const apiBefore = w.fake.texts(openid).length;
    const started = performance.now();
    const slow = await chat.send(chat.option('确认'));
    const elapsed = performance.now() - started;
    expect(slow.status).toBe(200);
    // WeChat gives up (and shows an error to the student) at 5 s.
    expect(elapsed).toBeLessThan(5_000);
    // The HTTP answer is at most the progress notice (正在创建订单…), never the pay step itself.
    expect(slow.reply?.content ?? slow.body).not.toMatch(/sandbox-gateway\/pay/);
    const pay = await chat.waitFor(/<a href="[^"]*\/sandbox-gateway\/pay\//, 20_000);
    expect(w.fake.texts(openid).slice(apiBefore)).toContain(pay);
  }, 60_000);
});
