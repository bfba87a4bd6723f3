import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bubbleButton as button, lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// Issue 14, "a pay card that lives", in real Chromium: the agreement's countdown (also after a
// reload), the pay card on screen on a phone, updated in place when the order is paid or fails at
// the gateway, and the page's own words following the conversation's language; a message typed
// while offline is kept and sent when the connection is back.

const AGREEMENT_SECONDS = 8;

const e2e = useFeebotInChromium({ AGREEMENT_SECONDS: String(AGREEMENT_SECONDS) });

const toggle = (label: string) => new RegExp(`^[✓☐] ${label}`);

async function openChat(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(e2e.app.baseUrl);
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
  return page;
}

async function typeAndSend(page: Page, text: string): Promise<void> {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

async function login(page: Page, studentId: string): Promise<void> {
  await typeAndSend(page, studentId);
  await expect.poll(() => page.locator('#input').getAttribute('type')).toBe('password');
  await typeAndSend(page, 'Demo@2026');
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');
}

/** The seconds shown on 同意（N秒）. */
async function agreeSeconds(page: Page): Promise<number> {
  const label = (await button(page, /同意/).textContent()) ?? '';
  return Number(/(\d+)/.exec(label)?.[1] ?? NaN);
}

/** Home → 网上缴费 → one item → 下一步 → (wait) 同意 → 确认: the pay card. Returns its 去支付 URL. */
async function toPayCard(page: Page, item: string): Promise<string> {
  await button(page, '网上缴费').click();
  await button(page, toggle(item)).click();
  await expect.poll(() => button(page, toggle(item)).textContent()).toMatch(/^✓/);
  await button(page, '下一步').click();
  await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled'), { timeout: 20_000 }).toBeNull();
  await button(page, /同意/).click();
  await expect.poll(() => lastBubble(page).textContent()).toContain('合计');
  await button(page, '确认').click();
  await expect.poll(() => lastBubble(page).locator('img').count(), { timeout: 15_000 }).toBe(1);
  return (await lastBubble(page).getByRole('link', { name: /去支付/ }).getAttribute('href'))!;
}

async function gateway(context: BrowserContext, payUrl: string, outcome: 'pay' | 'fail'): Promise<void> {
  const gw = await context.newPage();
  await gw.goto(payUrl);
  await gw.locator('#phone').fill('13800138000');
  await gw.locator('#send-code').click();
  const code = (await gw.locator('#sandbox-sms-code').textContent())!.trim();
  await gw.locator('#sms-code').fill(code);
  await gw.locator('#verify-code').click();
  await gw.locator('input[name="method"][value="wechat"]').check();
  await gw.locator('#agree').check();
  await gw.locator('#next').click();
  await gw.locator(outcome === 'pay' ? '#bank-pay' : '#bank-fail').click();
  await expect.poll(() => gw.locator('#pay-result').textContent()).toMatch(outcome === 'pay' ? /成功/ : /失败/);
  await gw.close();
}

describe('the pay card, in Chromium', () => {
  it('counts 同意 down from the server’s unlock time, right after a reload too (phone)', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await openChat(context);
    await login(page, '2025030301');
    await button(page, '网上缴费').click();
    await button(page, toggle('2025-2026 住宿费')).click();
    await expect.poll(() => button(page, toggle('2025-2026 住宿费')).textContent()).toMatch(/^✓/);
    await button(page, '下一步').click();
    await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled')).toBe('true');
    const first = await agreeSeconds(page);
    expect(first).toBeLessThanOrEqual(AGREEMENT_SECONDS);
    // The label counts down on its own, with no message from the server.
    await expect.poll(() => agreeSeconds(page), { timeout: 5_000 }).toBeLessThan(first);
    await page.waitForTimeout(1_500);
    const beforeReload = await agreeSeconds(page);
    await page.reload();
    await expect.poll(() => button(page, /同意/).count(), { timeout: 10_000 }).toBe(1);
    // Not the full reading time again: what is left of it (the bubble was drawn with the original 8).
    const afterReload = await agreeSeconds(page);
    expect(afterReload).toBeLessThanOrEqual(beforeReload);
    expect(afterReload).toBeLessThan(AGREEMENT_SECONDS);
    expect((await button(page, /同意/).getAttribute('data-label'))).toContain(String(AGREEMENT_SECONDS));
    // Still enforced by the server: enabled only when its timer redraws the menu.
    await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled'), { timeout: 15_000 }).toBeNull();
    await context.close();
  }, 60_000);

  it('shows 去支付 on a phone, and turns the same card 已开票 when paid, without 付款已成功', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await openChat(context);
    await login(page, '2024020201');
    const payUrl = await toPayCard(page, '2025-2026 住宿费');
    const card = lastBubble(page);
    expect(await card.textContent()).toContain('状态：待支付');
    expect(await card.textContent()).toMatch(/支付截止：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // The main action is on screen once the QR code has loaded.
    await expect.poll(() => card.getByRole('link', { name: /去支付/ }).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    })).toBe(true);
    const bubbles = await page.locator('.bubble.bot').count();

    await gateway(context, payUrl, 'pay');
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('状态：已开票');
    // The same bubble, updated in place: no new card, no QR, no pay link, no 付款已成功.
    expect(await page.locator('.bubble.bot').count()).toBe(bubbles);
    expect(await card.locator('img').count()).toBe(0);
    expect(await card.getByRole('button', { name: '付款已成功' }).count()).toBe(0);
    expect(await card.getByRole('link', { name: /去支付/ }).count()).toBe(0);
    expect(await card.getByRole('link', { name: '查看电子票据' }).getAttribute('href')).toMatch(/\/receipts\//);
    await card.getByRole('button', { name: '返回主菜单' }).click();
    await expect.poll(() => lastBubble(page).textContent()).toContain('欠费总额');
    await context.close();
  }, 90_000);

  it('pushes a payment that failed at the gateway to the card, with 重新支付 (desktop)', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await openChat(context);
    await login(page, '2023010101');
    const payUrl = await toPayCard(page, '2025-2026 学费');
    await gateway(context, payUrl, 'fail');
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 20_000 }).toContain('状态：支付未成功');
    expect(await button(page, '付款已成功').count()).toBe(0);
    await button(page, '重新支付').click();
    await expect.poll(() => button(page, toggle('2025-2026 学费')).textContent()).toMatch(/^✓/);
    await context.close();
  }, 90_000);

  it('follows a language switch with the page’s own words, and keeps a message typed offline', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await openChat(context);
    expect(await page.locator('#send').textContent()).toBe('发送');
    await button(page, 'English').click();
    await expect.poll(() => page.locator('#send').textContent()).toBe('Send');
    expect(await page.locator('#input').getAttribute('placeholder')).toBe('Type a message…');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.title()).not.toContain('网上缴费');

    await context.setOffline(true);
    await typeAndSend(page, '2024020201');
    const typed = page.locator('.bubble.user').last();
    await expect.poll(() => typed.getAttribute('class')).toContain('unsent');
    await page.waitForTimeout(1_000);
    expect(await typed.getAttribute('class')).toContain('unsent');
    await context.setOffline(false);
    // Sent by itself once back online, and answered.
    await expect.poll(() => typed.getAttribute('class'), { timeout: 15_000 }).not.toContain('unsent');
    await expect.poll(() => page.locator('#input').getAttribute('type'), { timeout: 15_000 }).toBe('password');
    expect(await lastBubble(page).textContent()).toContain('2024020201');
    await context.close();
  }, 60_000);
});
