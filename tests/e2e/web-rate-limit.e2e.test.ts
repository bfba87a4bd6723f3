import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// A student who sends too fast is told politely, in the page's language, how long to wait, and the
// refused text is given back to send again.

let app: TestFeebot;
let browser: Browser;

beforeAll(async () => {
  // 3 a minute, all at once: the start and two messages pass, the third is refused for 20 s.
  // The clock stands still, so no bucket refills however slow the machine is.
  const now = Date.now();
  app = await startTestFeebot({ WEB_SEND_PER_MINUTE: '3' }, { clock: () => now });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe.each([
  ['zh-CN', '输入消息', '学号', '操作过于频繁，请 20 秒后再试。'],
  ['en-US', 'Type a message', 'student ID', 'You are sending messages too quickly. Please wait 20 s and try again.'],
])('web chat in %s', (locale, inputLabel, prompt, slowDown) => {
  it('shows the 429 politely and gives the text back', async () => {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(app.baseUrl);
    await expect.poll(() => page.locator('.bubble.bot').last().textContent(), { timeout: 10_000 }).toContain(prompt);
    const input = page.getByLabel(inputLabel);
    // `help` keeps the chat at the 学号 prompt (any other text would be taken as the 学号).
    for (const text of ['help', 'help']) {
      await input.fill(text);
      await input.press('Enter');
      await expect.poll(() => page.locator('.bubble.user').count()).toBeGreaterThan(0);
    }
    await expect.poll(() => page.locator('.bubble.user').count()).toBe(2);
    await input.fill('help');
    await input.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toBe(slowDown);
    await expect.poll(() => input.inputValue()).toBe('help');
    expect(await page.locator('.bubble.user').allTextContents()).toEqual(['help', 'help']);
    await context.close();
  });
});
