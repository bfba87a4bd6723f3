import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// On a shared campus PC the next person must not find the last student's name, 学号 or arrears in
// the chat: 退出系统 and the idle timeout clear the chat on the screen and on the server, so a
// reload brings nothing back.

let now = Date.now();

const e2e = useFeebotInChromium({ IDLE_TIMEOUT_MINUTES: '5' }, { clock: () => now });

const STUDENT = { id: '2023010101', name: '张三', password: 'Demo@2026' };
const logText = (page: Page) => page.locator('#log').innerText();

async function openAndLogin(page: Page): Promise<void> {
  await page.goto(e2e.app.baseUrl);
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
  await page.getByLabel('输入消息').fill(STUDENT.id);
  await page.getByLabel('输入消息').press('Enter');
  await expect.poll(() => page.getByLabel('输入消息').getAttribute('type')).toBe('password');
  await page.getByLabel('输入消息').fill(STUDENT.password);
  await page.getByLabel('输入消息').press('Enter');
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');
  const shown = await logText(page);
  expect(shown).toContain(STUDENT.name);
  expect(shown).toContain(STUDENT.id);
}

function expectNothingOfTheStudent(text: string): void {
  expect(text).not.toContain(STUDENT.name);
  expect(text).not.toContain(STUDENT.id);
  expect(text).not.toContain('欠费');
}

/** Everything the server still keeps for the page's chat. */
async function storedBubbles(): Promise<string> {
  const rows = await e2e.app.feebot.db.selectFrom('web_messages').select('payload_json').execute();
  return rows.map((r) => r.payload_json).join('\n');
}

describe('the web chat forgets the student when the session ends', () => {
  it('退出系统 clears the screen and the server; a reload shows nothing of the student', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await openAndLogin(page);

    await lastBubble(page).getByRole('button', { name: '退出系统' }).click();
    await expect.poll(() => logText(page)).toContain('已退出');
    await expect.poll(() => lastBubble(page).textContent()).toContain('学号');
    expectNothingOfTheStudent(await logText(page));
    expectNothingOfTheStudent(await storedBubbles());

    await page.reload();
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
    expectNothingOfTheStudent(await logText(page));
    await context.close();
  });

  it('the idle timeout clears them too, on time, with nobody touching the page', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await openAndLogin(page);

    now += 5 * 60_000 + 1_000;
    await expect.poll(() => logText(page), { timeout: 15_000 }).toContain('会话已超时');
    await expect.poll(() => lastBubble(page).textContent()).toContain('学号');
    expectNothingOfTheStudent(await logText(page));

    await page.reload();
    await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
    expectNothingOfTheStudent(await logText(page));
    expectNothingOfTheStudent(await storedBubbles());
    await context.close();
  });
});
