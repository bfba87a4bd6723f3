import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { payAtSandbox } from '../telegram-e2e/sandbox-payer.js';
import { createChatDriver } from './wechat-chat-driver.js';
import { startWechatFeebot, waitUntil, type WechatFeebot } from './wechat-feebot.js';

// One student pays a fee entirely through WeChat, in safe mode, against a real feebot: subscribe →
// bind on the H5 page (a real form post) → 网上缴费 → 分期 → 同意 after the unlock → 确认 → pay at
// the sandbox gateway → the payment message (customer-service API inside the 48-hour window;
// a template message once WeChat refuses with 45015).

const STUDENT = '2024020201';
const OPENID = 'o_e2e_student_0001';
const PAY_TEMPLATE = 'TPL_PAYMENT_OK_0001';

let w: WechatFeebot;

beforeAll(async () => {
  w = await startWechatFeebot({ AGREEMENT_SECONDS: '1', WECHAT_TEMPLATE_PAYMENT_ID: PAY_TEMPLATE });
}, 60_000);
afterAll(async () => {
  await w?.stop();
});

async function bind(bindUrl: string): Promise<string> {
  const form = await fetch(bindUrl);
  expect(form.status).toBe(200);
  const html = await form.text();
  expect(html).toContain('name="password"');
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
  const t = /name="t" value="([^"]+)"/.exec(html)![1]!;
  const posted = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t, studentId: STUDENT, password: DEMO_PASSWORD }),
  });
  expect(posted.status).toBe(200);
  return posted.text();
}

async function payOnce(chat: ReturnType<typeof createChatDriver>, itemLabel: string, amount: string): Promise<{ payUrl: string }> {
  // Each wait looks only at what arrived after the step's own request.
  const step = async (send: () => Promise<unknown>, expected: RegExp) => {
    const since = chat.mark();
    await send();
    return chat.waitFor(expected, 15_000, since);
  };
  await step(() => chat.click('FEEBOT_PAY'), /回复 \d+ .*下一步/);
  await step(() => chat.send(chat.option(itemLabel)), /回复 \d+ 分期/);
  await step(() => chat.send(chat.option('分期')), /请输入本次分期缴费的金额/);
  await step(() => chat.send(amount), /回复 \d+ 下一步/);
  // 同意 is numbered from the start (disabled until the unlock); the unlock redraw comes through the API.
  await step(() => chat.send(chat.option('下一步')), /回复 \d+ 同意$/m);
  await step(() => chat.send(chat.option('同意')), /回复 \d+ 确认/);
  const pay = await step(() => chat.send(chat.option('确认')), /<a href="[^"]*\/sandbox-gateway\/pay\//);
  return { payUrl: chat.links(pay).find((l) => l.url.includes('/sandbox-gateway/pay/'))!.url };
}

describe('WeChat e2e: a whole payment in safe mode', () => {
  it('subscribe → bind → 分期 → agree → confirm → pay → receipt by customer-service; then a template outside the window', async () => {
    const chat = createChatDriver(w.client, w.fake, OPENID);
    const welcome = await chat.event('subscribe');
    expect(welcome.reply?.content).toContain('请输入学号');
    const bindUrl = chat.links(welcome.reply!.content!).find((l) => l.label === '绑定学号')!.url;

    // A password typed into the chat is never used nor echoed.
    await chat.send(STUDENT);
    const refused = await chat.send('my-secret-pass');
    expect(refused.reply?.content).toContain('请不要在微信中发送密码');
    expect(chat.transcript.join('\n')).not.toContain('my-secret-pass');

    const page = await bind(bindUrl);
    expect(page).toContain('绑定成功');
    await chat.waitFor(/欠费总额/);
    // The same link cannot bind again.
    expect(await (await fetch(bindUrl)).text()).toContain('已绑定');

    const first = await payOnce(chat, '2025-2026 学费', '4000');
    // The QR code follows the link as a picture (uploaded as temporary media), for paying from another phone.
    await waitUntil(() => w.fake.sentTo(OPENID).some((s) => s.kind === 'custom' && s.msgtype === 'image'), 10_000, 'the QR picture');
    const qr = w.fake.sentTo(OPENID).find((s) => s.kind === 'custom' && s.msgtype === 'image');
    expect(qr?.kind === 'custom' && qr.image?.subarray(1, 4).toString('latin1')).toBe('PNG');
    const paid = await payAtSandbox(first.payUrl, '13800138000');
    expect(paid.transactionId).not.toBe('');
    const receipt = await chat.waitFor(/电子票据号/, 20_000);
    expect(receipt).toContain('¥4,000.00');
    expect(chat.links(receipt).some((l) => l.label === '查看电子票据')).toBe(true);
    expect(w.fake.sentTo(OPENID).some((s) => s.kind === 'template')).toBe(false);

    // The follower's 48 hours are over as far as WeChat is concerned: 45015 → a template message.
    const second = await payOnce(chat, '2025-2026 学费', '4000');
    w.fake.windowClosed.add(OPENID);
    await payAtSandbox(second.payUrl, '13800138000');
    await waitUntil(() => w.fake.sentTo(OPENID).some((s) => s.kind === 'template'), 20_000, 'the payment template message');
    const template = w.fake.sentTo(OPENID).find((s) => s.kind === 'template');
    if (template?.kind !== 'template') throw new Error('no template');
    expect(template.templateId).toBe(PAY_TEMPLATE);
    expect(template.data.thing1?.value).toBe('网上缴费成功');
    expect(template.data.amount3?.value).toBe('¥4000.00');
    expect(template.data.character_string2?.value).toMatch(/\S/);
    expect(template.url).toMatch(/\/receipts\//);
    expect(template.clientMsgId).toMatch(/^payment\.confirmed:/);
  }, 120_000);
});
