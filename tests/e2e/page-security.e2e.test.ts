import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { freePort } from '../support/free-port.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// The pages work in real Chromium under their Content-Security-Policy (styles applied, scripts run,
// forms submit, no violation reported), and no page can be framed by another site.

let app: TestFeebot;
let browser: Browser;
let context: BrowserContext;
let framer: Server;
let framerUrl = '';
const violations: string[] = [];

beforeAll(async () => {
  app = await startTestFeebot();
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'zh-CN' });
  // Chromium reports every CSP refusal on the console ("Refused to … because it violates …").
  context.on('console', (msg: ConsoleMessage) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(`${msg.location().url}: ${msg.text()}`);
  });
  // Another origin (another port) that tries to frame feebot's pages.
  framer = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '/';
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><iframe id="f" src="${app.baseUrl}${target}" width="400" height="400"></iframe>`);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => framer.listen(port, '127.0.0.1', () => resolve()));
  framerUrl = `http://127.0.0.1:${port}/`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (framer ? framer.close(() => resolve()) : resolve()));
  await app?.stop();
});

describe('pages under their CSP in Chromium', () => {
  it('web chat: stylesheet applied, script runs and talks to feebot, no violation', async () => {
    const page = await context.newPage();
    await page.goto(app.baseUrl);
    await expect.poll(() => page.locator('.bubble.bot').last().textContent(), { timeout: 10_000 }).toContain('学号');
    expect(await page.locator('.bar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(11, 92, 171)');
    await page.close();
    expect(violations).toEqual([]);
  });

  it('reset-password: styled, and the form posts and sets the password, no violation', async () => {
    await app.feebot.resets.request('2023010101', 'zh-CN', { channel: 'web', chatId: 'csp-test' });
    await app.feebot.resets.idle();
    const mail = app.feebot.mailer.devMailbox!.messages().at(-1)!;
    const link = /https?:\/\/\S+reset-password\?token=[\w-]+/.exec(mail.text)![0];
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(244, 244, 244)');
    await page.locator('#password').fill('Csp-Test-2026');
    await page.locator('#confirm').fill('Csp-Test-2026');
    await page.getByRole('button').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('密码已重置');
    await page.close();
    expect(violations).toEqual([]);
  });

  it('dev mailbox, receipt (not found) and sandbox help pages: styled, no violation', async () => {
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/dev/mailbox`);
    expect(await page.locator('.banner').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 248, 225)');
    await page.goto(`${app.baseUrl}/receipts/${'A'.repeat(32)}`);
    expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(160, 82, 45)');
    await page.goto(`${app.baseUrl}/sandbox-gateway/help`);
    expect(await page.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(198, 47, 47)');
    await page.close();
    expect(violations).toEqual([]);
  });

  it.each(['/', '/reset-password?token=x', `/receipts/${'A'.repeat(32)}`, '/dev/mailbox', '/sandbox-gateway/help'])(
    'another site cannot frame %s',
    async (path) => {
      const page = await browser.newPage();
      // The top page's load event waits for the frame to finish, refused or not.
      await page.goto(`${framerUrl}?src=${encodeURIComponent(path)}`, { waitUntil: 'load' });
      const frame = await (await page.locator('#f').elementHandle())!.contentFrame();
      // A refused frame is replaced by Chromium's error page: none of feebot's content is in it.
      const content = (await frame?.content()) ?? '';
      expect(content).toContain('<body');
      expect(content).not.toMatch(/feebot|name="robots"/);
      await page.close();
    },
  );
});
