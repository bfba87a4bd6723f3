import { afterEach, describe, expect, it } from 'vitest';
import { findSandboxOrder } from '../../src/db/repositories/sandbox-order.repository.js';
import {
  createHarness, extractSmsCode, headerRecord, orderInput, postForm, sleep, startNotifyServer, walkToBank,
  type Harness, type NotifyServer,
} from './sandbox-harness.js';

const PAY = '/sandbox-gateway/pay/ORD-0001';

describe('sandbox hosted pages', () => {
  let h: Harness | undefined;
  let server: NotifyServer | undefined;
  afterEach(async () => {
    await h?.close();
    await server?.close();
    h = undefined;
    server = undefined;
  });

  async function setup(statuses: number[] = []): Promise<Harness & { server: NotifyServer }> {
    server = await startNotifyServer(statuses);
    h = await createHarness({ notifyUrl: server.url, retryScheduleMs: [50, 50, 50] });
    return Object.assign(h, { server });
  }

  it('walks phone → wrong code → code → method + agreement → bank pay, and delivers the notification until 200', async () => {
    const t = await setup([500, 500]);
    await t.sandbox.gateway.createOrder(orderInput({ subject: '2025-2026 学费 <b>&"等"</b>' }));

    const start = await t.app.request(PAY);
    expect(start.status).toBe(200);
    const startHtml = await start.text();
    expect(startHtml).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(startHtml).toContain('E缴通 公共缴费平台（沙箱）');
    expect(startHtml).toContain('¥1,500.50');
    // The pay link may be forwarded to a parent (代付): the page names the payer masked, never the 学号 whole.
    expect(startHtml).toContain('张*（2023****01）');
    expect(startHtml).not.toContain('张三');
    expect(startHtml).not.toContain('2023010101');
    expect(startHtml).toContain('ORD-0001');
    expect(startHtml).toContain('2025-2026 学费 &#60;b&#62;&#38;&#34;等&#34;&#60;/b&#62;');
    expect(startHtml).not.toContain('<b>');
    expect(startHtml).toMatch(/<input id="phone" name="phone" type="tel"/);
    expect(startHtml).toMatch(/<button id="send-code"[^>]*>获取验证码<\/button>/);
    expect(start.headers.get('cache-control')).toBe('no-store');

    const codePage = await postForm(t.app, `${PAY}/phone`, { phone: '138 0013 8000' });
    const codeHtml = await codePage.text();
    expect(codePage.status).toBe(200);
    expect(codeHtml).toContain('沙箱验证码：<span id="sandbox-sms-code"');
    expect(codeHtml).toContain('138****8000');
    expect(codeHtml).not.toContain('13800138000');
    expect(codeHtml).toMatch(/<input id="sms-code" name="code"/);
    expect(codeHtml).toMatch(/<button id="verify-code"[^>]*>下一步<\/button>/);
    const code = extractSmsCode(codeHtml);

    // Skipping ahead is refused while the code is unverified.
    expect((await postForm(t.app, `${PAY}/method`, { method: 'bank', agree: 'on' })).status).toBe(409);
    expect((await postForm(t.app, `${PAY}/bank/pay`, {})).status).toBe(409);

    const wrong = await postForm(t.app, `${PAY}/code`, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('验证码错误');
    expect(wrongHtml).toContain('id="sms-code"');

    const methodPage = await postForm(t.app, `${PAY}/code`, { code });
    const methodHtml = await methodPage.text();
    expect(methodPage.status).toBe(200);
    for (const [value, label] of [['bank', '网银'], ['wechat', '微信'], ['alipay', '支付宝']]) {
      expect(methodHtml).toMatch(new RegExp(`<input type="radio" name="method" value="${value}"> ${label}`));
    }
    expect(methodHtml).toContain('<input type="checkbox" id="agree" name="agree"');
    expect(methodHtml).toMatch(/<button id="next"[^>]*>确认无误，下一步<\/button>/);

    const noAgree = await postForm(t.app, `${PAY}/method`, { method: 'wechat' });
    expect(noAgree.status).toBe(400);
    expect(await noAgree.text()).toContain('请阅读并勾选相关协议');
    const noMethod = await postForm(t.app, `${PAY}/method`, { agree: 'on' });
    expect(noMethod.status).toBe(400);
    expect(await noMethod.text()).toContain('请选择支付方式');
    const badMethod = await postForm(t.app, `${PAY}/method`, { method: 'cash', agree: 'on' });
    expect(badMethod.status).toBe(400);

    const bank = await postForm(t.app, `${PAY}/method`, { method: 'wechat', agree: 'on' });
    const bankHtml = await bank.text();
    expect(bank.status).toBe(200);
    expect(bankHtml).toContain('¥1,500.50');
    expect(bankHtml).toContain('微信');
    expect(bankHtml).toMatch(/<button id="bank-pay"[^>]*>支付<\/button>/);
    expect(bankHtml).toMatch(/<button id="bank-fail"[^>]*>支付失败<\/button>/);
    expect(t.server.deliveries).toHaveLength(0);

    const paid = await postForm(t.app, `${PAY}/bank/pay`, {});
    const paidHtml = await paid.text();
    expect(paid.status).toBe(200);
    expect(paidHtml).toMatch(/<p id="pay-result"[^>]*>支付成功<\/p>/);
    expect(paidHtml).toContain('返回缴费对话');

    const state = await t.sandbox.gateway.queryOrder('ORD-0001');
    expect(state).toMatchObject({ status: 'paid', amount: 150050, paidAt: t.clock.now });
    if (state.status !== 'paid') throw new Error('not paid');
    expect(state.transactionId).toMatch(/^SBX[0-9A-F]{24}$/);
    expect(paidHtml).toContain(state.transactionId);

    const deliveries = await t.server.waitFor(3);
    await sleep(200); // nothing more after the 200
    expect(deliveries).toHaveLength(3);
    const nonces = new Set<string>();
    for (const d of deliveries) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.body).toBe(deliveries[0]?.body);
      const n = t.sandbox.gateway.verifyNotification(d.body, headerRecord(d.headers), Date.now());
      expect(n).toEqual({ kind: 'payment', payment: { transactionId: state.transactionId, orderId: 'ORD-0001', amount: 150050, status: 'paid', paidAt: state.paidAt } });
      nonces.add(String(d.headers['x-sandbox-nonce']));
    }
    expect(nonces.size).toBe(3);
    expect(deliveries[1]!.receivedAt - deliveries[0]!.receivedAt).toBeGreaterThanOrEqual(40);

    // The order is done: no pay form any more, and a second click changes nothing.
    const again = await t.app.request(PAY);
    const againHtml = await again.text();
    expect(againHtml).toContain('该订单已支付');
    expect(againHtml).not.toContain('id="phone"');
    const twice = await postForm(t.app, `${PAY}/bank/pay`, {});
    expect(await twice.text()).toContain('该订单已支付');
    await sleep(100);
    expect(t.server.deliveries).toHaveLength(3);
    expect(await t.sandbox.gateway.queryOrder('ORD-0001')).toEqual(state);
  });

  it('bank fail marks the order failed, notifies failed and shows the failure page', async () => {
    const t = await setup();
    await t.sandbox.gateway.createOrder(orderInput());
    await walkToBank(t.app, 'ORD-0001', 'alipay');
    const res = await postForm(t.app, `${PAY}/bank/fail`, {});
    const html = await res.text();
    expect(html).toMatch(/<p id="pay-result"[^>]*>支付失败<\/p>/);
    expect(await t.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'failed' });
    const [d] = await t.server.waitFor(1);
    const n = t.sandbox.gateway.verifyNotification(d!.body, headerRecord(d!.headers), Date.now());
    expect(n).toMatchObject({ payment: { orderId: 'ORD-0001', amount: 150050, status: 'failed' } });
    expect((await findSandboxOrder(t.db, 'ORD-0001'))?.paid_at).toBeNull();
    const after = await (await t.app.request(PAY)).text();
    expect(after).toContain('该订单支付失败');
    expect(after).not.toContain('id="phone"');
    expect((await postForm(t.app, `${PAY}/bank/pay`, {})).status).toBe(410);
  });

  it('shows an error for an invalid phone number and stores nothing', async () => {
    const t = await setup();
    await t.sandbox.gateway.createOrder(orderInput());
    for (const phone of ['12345', '23800138000', '1380013800a', '', '<script>']) {
      const res = await postForm(t.app, `${PAY}/phone`, { phone });
      const html = await res.text();
      expect(res.status).toBe(400);
      expect(html).toContain('请输入正确的11位手机号');
      expect(html).toContain('id="phone"');
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('sandbox-sms-code');
    }
    expect((await findSandboxOrder(t.db, 'ORD-0001'))?.phone).toBeNull();
  });

  it('refuses an order past its expiry time, even one waiting on the bank page', async () => {
    const t = await setup();
    await t.sandbox.gateway.createOrder(orderInput({ orderId: 'OLD-1', expiresAt: t.clock.now - 1 }));
    const old = await t.app.request('/sandbox-gateway/pay/OLD-1');
    const oldHtml = await old.text();
    expect(old.status).toBe(410);
    expect(oldHtml).toContain('该订单已过期');
    expect(oldHtml).not.toContain('id="phone"');
    expect((await postForm(t.app, '/sandbox-gateway/pay/OLD-1/phone', { phone: '13800138000' })).status).toBe(410);
    expect((await findSandboxOrder(t.db, 'OLD-1'))?.phone).toBeNull();

    await t.sandbox.gateway.createOrder(orderInput({ expiresAt: t.clock.now + 60_000 }));
    await walkToBank(t.app, 'ORD-0001');
    t.clock.now += 60_000;
    const late = await postForm(t.app, `${PAY}/bank/pay`, {});
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('该订单已过期');
    expect(await t.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'pending' });
    await sleep(100);
    expect(t.server.deliveries).toHaveLength(0);
  });

  it('refuses a closed order, including one closed while the student is on the bank page', async () => {
    const t = await setup();
    await t.sandbox.gateway.createOrder(orderInput());
    await walkToBank(t.app, 'ORD-0001');
    await t.sandbox.gateway.closeOrder('ORD-0001');
    const res = await postForm(t.app, `${PAY}/bank/pay`, {});
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('该订单已关闭');
    expect(await (await t.app.request(PAY)).text()).not.toContain('id="phone"');
    expect(await t.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'closed' });
    expect(t.server.deliveries).toHaveLength(0);
  });

  it('answers 404 with a clear page for an unknown order, and serves the help page', async () => {
    const t = await setup();
    const res = await t.app.request('/sandbox-gateway/pay/NOPE');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('订单不存在');
    expect(html).not.toContain('id="phone"');
    const help = await t.app.request('/sandbox-gateway/help');
    expect(help.status).toBe(200);
    const helpHtml = await help.text();
    expect(helpHtml).toContain('支付流程说明');
    expect(helpHtml).toContain('【确认无误，下一步】');
  });

  it('requesting a new code restarts verification: the old code and chosen method no longer count', async () => {
    const t = await setup();
    await t.sandbox.gateway.createOrder(orderInput());
    const first = extractSmsCode(await (await postForm(t.app, `${PAY}/phone`, { phone: '13800138000' })).text());
    let second = first;
    while (second === first) {
      second = extractSmsCode(await (await postForm(t.app, `${PAY}/phone`, { phone: '13900139000' })).text());
    }
    expect((await postForm(t.app, `${PAY}/code`, { code: first })).status).toBe(400);
    expect((await postForm(t.app, `${PAY}/code`, { code: second })).status).toBe(200);
    expect((await postForm(t.app, `${PAY}/method`, { method: 'bank', agree: 'on' })).status).toBe(200);
    await postForm(t.app, `${PAY}/phone`, { phone: '13800138000' });
    expect((await postForm(t.app, `${PAY}/bank/pay`, {})).status).toBe(409);
    expect(await t.sandbox.gateway.queryOrder('ORD-0001')).toEqual({ status: 'pending' });
  });
});
