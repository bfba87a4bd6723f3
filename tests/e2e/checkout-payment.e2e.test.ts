import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAlipay, type AlipaySetup } from '../gateway/fakes/alipay-harness.js';
import { setupWechatpay, type WechatpaySetup } from '../gateway/fakes/wechatpay-harness.js';
import { bubbleButton as button, lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// Real gateways end to end in Chromium: feebot configured with GATEWAYS=wechatpay,alipay against
// the fake WeChat Pay and Alipay servers. The chat's pay link opens our checkout page, which offers
// both; the fake WeChat Pay "pays" the Native QR and notifies; the chat says 缴费成功 with the
// receipt. A second payment of the same order through Alipay (paid in the same moment) is held for
// a refund, and refunded.

let wx: WechatpaySetup;
let ali: AlipaySetup;

beforeAll(async () => {
  // The fakes send notifications to the notify_url feebot gives with each order.
  wx = await setupWechatpay({ mode: 'certificate', clock: Date.now, publicBaseUrl: 'http://unused.test', retryScheduleMs: [200, 500] });
  ali = await setupAlipay({ clock: Date.now, publicBaseUrl: 'http://unused.test', retryScheduleMs: [200, 500] });
});

afterAll(async () => {
  await wx?.close();
  await ali?.close();
});

// Started after the fakes above (its env carries their addresses), stopped before them.
const e2e = useFeebotInChromium(() => ({
  AGREEMENT_SECONDS: '1', GATEWAYS: 'wechatpay,alipay', CHECKOUT_SECRET: 'checkout-secret-for-the-e2e-test',
  CHECKOUT_UNIVERSITY_NAME: '示例大学', ...wx.env, ...ali.env,
}));

describe('checkout page with WeChat Pay and Alipay, end to end in Chromium', () => {
  it('offers both methods, shows a Native QR, the fake WeChat Pay pays, the chat gets 缴费成功 and the receipt', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(e2e.app.baseUrl);
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
    await page.getByLabel('输入消息').fill('2024020201');
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => page.getByLabel('输入消息').getAttribute('type')).toBe('password');
    await page.getByLabel('输入消息').fill('Demo@2026');
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');

    await button(page, '网上缴费').click();
    await button(page, /^[✓☐] 2025-2026 学费/).click();
    await expect.poll(() => button(page, /^[✓☐] 2025-2026 学费/).textContent()).toMatch(/^✓/);
    await button(page, '下一步').click();
    await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled'), { timeout: 10_000 }).toBeNull();
    await button(page, /同意/).click();
    await expect.poll(() => lastBubble(page).textContent()).toContain('合计');
    await button(page, '确认').click();
    await expect.poll(() => lastBubble(page).locator('img').count(), { timeout: 15_000 }).toBe(1);
    const payUrl = (await lastBubble(page).getByRole('link', { name: /去支付/ }).getAttribute('href'))!;
    expect(payUrl).toMatch(/\/checkout\/FB\d{14}[A-Z2-9]{6}\?t=/);
    const orderId = new URL(payUrl).pathname.split('/').pop()!;

    // The checkout page: university, items, total, expiry, both methods.
    const checkout = await context.newPage();
    const blocked: string[] = [];
    checkout.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await checkout.goto(payUrl);
    expect(await checkout.locator('main').textContent()).toContain('示例大学');
    expect(await checkout.locator('#items').textContent()).toContain('2025-2026 学费');
    expect(await checkout.locator('#total').textContent()).toBe('¥16,000.00');
    expect(await checkout.locator('#expires-at').textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await checkout.locator('button.method').allTextContents()).toEqual([expect.stringContaining('微信支付（扫码）'), expect.stringContaining('支付宝（扫码）')]);
    // A tampered token opens nothing.
    expect((await (await fetch(payUrl.replace(/t=[^&]+/, 't=not-the-token'))).text())).toContain('订单不存在');

    await checkout.locator('#pay-wechatpay-native').click();
    await expect.poll(() => checkout.locator('#pay-qr').getAttribute('data-payload')).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(await checkout.locator('#pay-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // The page's own CSP lets its style and the QR image through.
    expect(await checkout.locator('#pay-qr').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await checkout.locator('main').evaluate((m) => getComputedStyle(m).maxWidth)).toBe('560px');
    expect(blocked).toEqual([]);
    expect(wx.fake.orders.get(orderId)!.body.amount).toEqual({ total: 1_600_000, currency: 'CNY' });

    // The payer also opens Alipay's QR (a second method for the same order).
    await checkout.goBack();
    await checkout.locator('#pay-alipay-qr').click();
    await expect.poll(() => checkout.locator('#pay-qr').getAttribute('data-payload')).toMatch(/^https:\/\/qr\.alipay\.com\//);

    // The payer pays with both at once: Alipay takes the money first, its notification still on the way…
    const alipayNotification = ali.fake.pay(orderId);
    // …while WeChat Pay takes it too and notifies feebot (signed, encrypted, over HTTP).
    const delivery = await wx.fake.payAndNotify(orderId);
    expect(delivery.answerStatus).toBe(204);
    await expect.poll(() => page.locator('.bubble.bot', { hasText: '缴费成功' }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const receiptHref = await page.locator('.bubble.bot', { hasText: '缴费成功' }).last().getByRole('link', { name: /电子票据/ }).getAttribute('href');
    const receipt = await context.newPage();
    await receipt.goto(receiptHref!);
    expect(await receipt.locator('#total').textContent()).toBe('¥16,000.00');
    await checkout.goto(payUrl);
    expect(await checkout.locator('#status').textContent()).toBe('该订单已支付');

    // Alipay's notification arrives: a second payment, held for the finance office, refunded through Alipay.
    const second = await ali.fake.notify(orderId, alipayNotification.rawBody);
    expect(second.answerBody).toBe('success');
    const held = await e2e.app.feebot.ledger.heldCredits.listHeldCredits({ open: true });
    expect(held).toEqual([expect.objectContaining({ orderId, gateway: 'alipay', amount: 1_600_000, reason: 'duplicatePayment' })]);
    const refund = await e2e.app.feebot.ledger.heldCredits.refundHeldCredit({ creditId: held[0]!.id, note: '重复缴费退回', actor: 'e2e', now: Date.now() });
    expect(refund.status).toBe('succeeded');
    expect([...ali.fake.trades.get(orderId)!.refunds.values()]).toEqual([1_600_000]);
    await context.close();
  });
});
