import { describe, expect, it } from 'vitest';
import { lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// The web chat for people using a keyboard, a screen reader or a small phone, in real Chromium.


const e2e = useFeebotInChromium({ AGREEMENT_SECONDS: '30' });


describe('web chat accessibility', () => {
  it('announces messages, labels the input, masks the password, and works by keyboard on a 320 px screen', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(e2e.app.baseUrl);

    // New and edited bubbles land in a polite live region; acks go to a status region.
    const log = page.getByRole('log');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    expect(await page.getByRole('status').getAttribute('aria-live')).toBe('assertive');
    await expect.poll(() => log.locator('.bubble.bot').count()).toBeGreaterThan(0);

    const input = page.getByLabel('输入消息');
    await input.fill('2024020201');
    await input.press('Enter');
    await expect.poll(() => input.getAttribute('type')).toBe('password');
    await input.fill('Demo@2026');
    await input.press('Enter');
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');
    // The typed password is never shown: the user's bubble is dots, the log holds no plaintext.
    expect(await log.textContent()).not.toContain('Demo@2026');
    await expect.poll(() => input.getAttribute('type')).toBe('text');

    // Menu choices are real buttons, reachable and pressed with the keyboard alone.
    const payButton = lastBubble(page).getByRole('button', { name: '网上缴费' });
    expect(await payButton.evaluate((el) => el.tagName)).toBe('BUTTON');
    await payButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => lastBubble(page).getByRole('button', { name: /全选/ }).count()).toBe(1);
    await lastBubble(page).getByRole('button', { name: /全选/ }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => lastBubble(page).getByRole('button', { name: /^✓/ }).count()).toBeGreaterThan(0);
    await lastBubble(page).getByRole('button', { name: '下一步' }).click();

    // The locked Agree button says so to assistive technology, and pressing it early is answered
    // in the status region with the seconds left.
    const agree = lastBubble(page).getByRole('button', { name: /同意/ });
    await expect.poll(() => agree.getAttribute('aria-disabled')).toBe('true');
    await agree.click({ force: true }); // aria-disabled keeps it focusable and pressable on purpose
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/\d+\s*秒/);

    // Nothing scrolls sideways on a 320 px screen, and buttons are big enough to tap.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    const box = await lastBubble(page).getByRole('button').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await context.close();
  });
});

describe('web chat in English', () => {
  it('labels the page in English for an English browser', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(e2e.app.baseUrl);
    await expect.poll(() => page.locator('.bubble.bot').last().textContent()).toContain('Please enter your');
    expect(await page.getByLabel('Type a message').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });
});
