import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// Issue 14, "a conversation that reads in order", in real Chromium on a phone and a desktop: every
// answer lands below what the student typed, only the newest bubble is rewritten, and the buttons
// of menus the conversation has left are visibly disabled.


const e2e = useFeebotInChromium({ AGREEMENT_SECONDS: '30' });


/** The log as the student reads it: who said what, top to bottom. */
function transcript(page: Page): Promise<{ who: 'bot' | 'user'; text: string; live: number; stale: number }[]> {
  return page.locator('#log > .bubble').evaluateAll((nodes) =>
    nodes.map((n) => ({
      who: n.classList.contains('user') ? ('user' as const) : ('bot' as const),
      text: (n.firstChild?.textContent ?? '').trim(),
      live: n.querySelectorAll('button[data-code]:not([disabled])').length,
      stale: n.querySelectorAll('button[data-code][disabled]').length,
    })),
  );
}

async function typeAndSend(page: Page, text: string): Promise<void> {
  await page.getByLabel('输入消息').fill(text);
  await page.getByLabel('输入消息').press('Enter');
}

for (const viewport of [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 800 }]) {
  describe(`web chat order (${viewport.name})`, () => {
    it('answers below what was typed, and disables the old menus’ buttons', async () => {
      const context = await e2e.browser.newContext({ locale: 'zh-CN', viewport });
      const page = await context.newPage();
      await page.goto(e2e.app.baseUrl);
      await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('请输入学号');

      // 忘记密码 → type a 学号: the dialog appears BELOW the typed 学号, the prompt above is retired.
      await lastBubble(page).getByRole('button', { name: '忘记密码' }).click();
      await expect.poll(() => lastBubble(page).textContent()).toContain('找回密码');
      await typeAndSend(page, '2023010101');
      await expect.poll(() => lastBubble(page).getByRole('button', { name: '发送' }).count(), { timeout: 10_000 }).toBe(1);
      let log = await transcript(page);
      const typedAt = log.findIndex((b) => b.who === 'user' && b.text === '2023010101');
      expect(typedAt).toBeGreaterThan(0);
      expect(log[typedAt + 1]?.text).toMatch(/密保邮箱|财务处|邮件/);
      expect(log.slice(0, typedAt).reduce((n, b) => n + b.live, 0)).toBe(0);
      expect(log.slice(0, typedAt).some((b) => b.stale > 0)).toBe(true);

      // 取消 → the 学号 prompt; a wrong password is answered below the dots, asking again, 学号 kept.
      await lastBubble(page).getByRole('button', { name: '取消' }).click();
      await expect.poll(() => lastBubble(page).textContent()).toContain('请输入学号');
      await typeAndSend(page, '2023010101');
      await expect.poll(() => page.getByLabel('输入消息').getAttribute('type')).toBe('password');
      await typeAndSend(page, 'wrong-password-1');
      await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('学号或密码有误');
      log = await transcript(page);
      expect(log.at(-2)).toMatchObject({ who: 'user', text: '••••••' });
      expect(log.at(-1)!.text).toContain('学号：2023010101');
      expect(await page.getByLabel('输入消息').getAttribute('type')).toBe('password');

      // Reading order holds everywhere: every typed bubble is followed by the bot's answer to it,
      // and only the newest menu can be pressed.
      for (const [i, b] of log.entries()) if (b.who === 'user') expect(log[i + 1]?.who).toBe('bot');
      const live = log.filter((b) => b.live > 0);
      expect(live).toHaveLength(1);
      expect(live[0]).toBe(log.at(-1));

      // A retired button looks and acts disabled: nothing is sent when it is clicked.
      const staleButton = page.locator('button[data-code][disabled]').first();
      expect(await staleButton.evaluate((el) => getComputedStyle(el).textDecorationLine)).toContain('line-through');
      const before = await page.locator('#log > .bubble').count();
      await staleButton.click({ force: true });
      await new Promise((r) => setTimeout(r, 500));
      expect(await page.locator('#log > .bubble').count()).toBe(before);
      await context.close();
    }, 60_000);
  });
}
