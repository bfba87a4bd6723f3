import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bubbleButton as button, lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// 代付 in real Chromium: the student shares the pay card's order; a parent opens the link in a
// browser of their own (a phone), sees only the masked name, the items and the total, pays at the
// gateway; the student's card turns 已开票 by itself; and the link is dead from then on.


const e2e = useFeebotInChromium({ AGREEMENT_SECONDS: '1' });


async function studentAtPayCard(context: BrowserContext, studentId: string, item: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(e2e.app.baseUrl);
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
  await page.locator('#input').fill(studentId);
  await page.locator('#input').press('Enter');
  await expect.poll(() => page.locator('#input').getAttribute('type')).toBe('password');
  await page.locator('#input').fill('Demo@2026');
  await page.locator('#input').press('Enter');
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');
  await button(page, '网上缴费').click();
  await button(page, new RegExp(`^☐ ${item}`)).click();
  await expect.poll(() => button(page, new RegExp(`^✓ ${item}`)).count()).toBe(1);
  await button(page, '下一步').click();
  await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled'), { timeout: 10_000 }).toBeNull();
  await button(page, /同意/).click();
  await expect.poll(() => button(page, '确认').count()).toBe(1);
  await button(page, '确认').click();
  await expect.poll(() => lastBubble(page).locator('img').count(), { timeout: 15_000 }).toBe(1);
  return page;
}

describe('代付 (a parent pays)', () => {
  it('shows the parent nothing but the masked name, items and total; pays; tells the student; then dies', async () => {
    const student = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await studentAtPayCard(student, '2023010101', '2025-2026 住宿费');
    const card = lastBubble(page);
    await card.getByRole('button', { name: '分享给家长代付' }).click();
    const shareLink = page.locator('.bubble.bot').last().getByRole('link', { name: '打开代付页' });
    await expect.poll(() => shareLink.count(), { timeout: 10_000 }).toBe(1);
    const url = (await shareLink.getAttribute('href'))!;
    expect(url).toMatch(/\/pay-for\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);

    // The parent: another browser, a phone, nothing of the student's session.
    const parent = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const pp = await parent.newPage();
    const res = await pp.goto(url);
    expect(res?.status()).toBe(200);
    const shown = (await pp.locator('body').textContent())!;
    expect(await pp.locator('#payer').textContent()).toBe('张*');
    expect(await pp.locator('#total').textContent()).toBe('¥1,200.00');
    expect(await pp.locator('#items').textContent()).toContain('2025-2026 住宿费');
    // Nothing else about the student: no 学号, full name, college, class, e-mail, phone or other fees.
    for (const secret of ['2023010101', '张三', '计算机', 'zhangsan', '13800000101', '学费', '欠费']) expect(shown).not.toContain(secret);

    // The parent pays at the gateway from the page's own button.
    await pp.locator('#pay').click();
    // The gateway's page names the payer masked too: the 学号 and full name stay out of the parent's hands.
    const gatewayText = (await pp.locator('body').textContent()) ?? '';
    for (const secret of ['2023010101', '张三']) expect(gatewayText).not.toContain(secret);
    await pp.locator('#phone').fill('13900000000');
    await pp.locator('#send-code').click();
    const code = (await pp.locator('#sandbox-sms-code').textContent())!.trim();
    await pp.locator('#sms-code').fill(code);
    await pp.locator('#verify-code').click();
    await pp.locator('input[name="method"][value="wechat"]').check();
    await pp.locator('#agree').check();
    await pp.locator('#next').click();
    await pp.locator('#bank-pay').click();
    await expect.poll(() => pp.locator('#pay-result').textContent()).toContain('成功');

    // The student is told, without doing anything.
    await expect.poll(() => page.locator('.bubble.bot', { hasText: '状态：已开票' }).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // The link died with its order; a forged one never lived.
    const again = await pp.goto(url);
    expect(again?.status()).toBe(410);
    expect(await pp.locator('#gone').count()).toBe(1);
    expect(await pp.locator('body').textContent()).not.toContain('¥1,200.00');
    const forged = await pp.goto(url.replace(/\.[A-Za-z0-9_-]{22}$/, `.${'A'.repeat(22)}`));
    expect(forged?.status()).toBe(410);
    await Promise.all([student.close(), parent.close()]);
  }, 90_000);
});
