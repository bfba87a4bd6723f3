import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';

// A reminder's 网上缴费 button opened in a browser on another device: the web chat asks that
// student for the password (学号 already entered), then shows the items to pay. Opened again, the
// link is refused and the normal start screen shows.

let app: TestFeebot;
let browser: Browser;
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dunning-policy-'));
  writeFileSync(join(dir, 'policy.yaml'), 'quietHours: { start: "00:00", end: "00:00" }\nsendRatePerSec: 30\n');
  app = await startTestFeebot({ DUNNING_POLICY_FILE: join(dir, 'policy.yaml'), DUNNING_LINK_SECRET: 'dunning-e2e-secret-0123456789' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const lastBubble = (page: Page) => page.locator('.bubble.bot').last();
const logText = (page: Page) => page.locator('#log').innerText();

describe('the reminder’s signed 网上缴费 link in the browser', () => {
  it('lands on login for that student, then the pay screen; opened again it is refused', async () => {
    await app.feebot.db.updateTable('fee_items').set({ due_date: today() }).where('student_id', '=', '2023010101').execute();
    // The reminder reaches 张三's web chat (an API client stands in for the phone that has it).
    const phone = createWebChatClient(app.baseUrl);
    await login(phone, '2023010101');
    await app.feebot.dunning.service.runNow();
    app.feebot.outbox.kick();
    const reminder = await phone.waitFor((m) => m.payload.text.includes('【缴费提醒】'));
    const payUrl = phone.buttonUrl(reminder, '网上缴费');
    expect(payUrl).toContain('/?paylink=');

    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(payUrl);
    // The token is off the address bar at once (a reload or a shared screenshot does not carry it).
    await expect.poll(() => page.url()).toBe(`${app.baseUrl}/`);
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('学号：2023010101');
    await expect.poll(() => page.getByLabel('输入消息').getAttribute('type')).toBe('password');
    await page.getByLabel('输入消息').fill('Demo@2026');
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('请勾选本次要缴费的项目');
    await context.close();

    const again = await browser.newContext({ locale: 'zh-CN' });
    const second = await again.newPage();
    await second.goto(payUrl);
    await expect.poll(() => logText(second), { timeout: 15_000 }).toContain('此缴费链接已使用过');
    await expect.poll(() => lastBubble(second).textContent(), { timeout: 15_000 }).toContain('请输入学号');
    expect(await logText(second)).not.toContain('2023010101');
    await again.close();
  });
});
