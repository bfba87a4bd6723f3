import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createFeebot } from '../src/main.js';

// `npm run screenshots`: the phone (390×844) pictures in the README, taken from the demo in real
// Chromium — the pay card in the web chat, then the receipt after paying at the sandbox gateway.
// Writes docs/screenshots/pay-card.png and docs/screenshots/receipt.png.
// CHROMIUM_PATH overrides /usr/bin/chromium; SCREENSHOT_DIR overrides docs/screenshots.

const OUT = resolve(process.env.SCREENSHOT_DIR ?? 'docs/screenshots');
const STUDENT = { id: '2023010101', password: 'Demo@2026' };
const PHONE = { width: 390, height: 844 };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`screenshots: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lastBubble = (page: Page) => page.locator('.bubble.bot').last();
const button = (page: Page, name: string | RegExp) => lastBubble(page).getByRole('button', { name }).first();

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('输入消息').fill(text);
  await page.getByLabel('输入消息').press('Enter');
}

/** Without a Chinese font Chromium draws every 汉字 as a box: refuse instead of writing such pictures. */
function requireChineseFont(): void {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  } catch {
    // No fontconfig to ask: go on and let the pictures show it.
    return;
  }
  if (fonts.trim() === '') throw new Error('screenshots: no Chinese font installed (Debian: apt-get install fonts-wqy-microhei, or fonts-noto-cjk)');
}

async function main(): Promise<void> {
  requireChineseFont();
  const dir = mkdtempSync(join(tmpdir(), 'feebot-screenshots-'));
  const port = await freePort();
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    DEMO_DATABASE_URL: join(dir, 'demo.db'),
    AGREEMENT_SECONDS: '1',
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
  };
  const feebot = await createFeebot(loadConfig(env), { demo: true, env, logger: createLogger('warn') });
  const { url } = await feebot.start();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    mkdirSync(OUT, { recursive: true });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const chat = await context.newPage();
    await chat.goto(url);
    await waitFor('the 学号 prompt', async () => ((await lastBubble(chat).textContent()) ?? '').includes('学号'));
    await send(chat, STUDENT.id);
    await waitFor('the password prompt', async () => (await chat.getByLabel('输入消息').getAttribute('type')) === 'password');
    await send(chat, STUDENT.password);
    await waitFor('the home menu', async () => ((await lastBubble(chat).textContent()) ?? '').includes('欠费总额'));

    await button(chat, '网上缴费').click();
    await button(chat, /^[✓☐] 2025-2026 学费/).click();
    await button(chat, /^[✓☐] 2025-2026 住宿费/).click();
    await button(chat, '下一步').click();
    await waitFor('the agreement to unlock', async () => (await button(chat, /同意/).getAttribute('aria-disabled')) === null);
    await button(chat, /同意/).click();
    await waitFor('the confirmation', async () => ((await lastBubble(chat).textContent()) ?? '').includes('合计'));
    await button(chat, '确认').click();
    await waitFor('the pay card', async () => (await chat.locator('.bubble.bot').getByRole('link', { name: /去支付/ }).count()) > 0);
    const payLink = chat.locator('.bubble.bot').getByRole('link', { name: /去支付/ }).last();
    await payLink.scrollIntoViewIfNeeded();
    await chat.waitForTimeout(300);
    await chat.screenshot({ path: join(OUT, 'pay-card.png') });

    const gateway = await context.newPage();
    await gateway.goto((await payLink.getAttribute('href'))!);
    await gateway.locator('#phone').fill('13800138000');
    await gateway.locator('#send-code').click();
    await gateway.locator('#sms-code').fill(((await gateway.locator('#sandbox-sms-code').textContent()) ?? '').trim());
    await gateway.locator('#verify-code').click();
    await gateway.locator('input[name="method"][value="wechat"]').check();
    await gateway.locator('#agree').check();
    await gateway.locator('#next').click();
    await gateway.locator('#bank-pay').click();
    await waitFor('the gateway to confirm', async () => ((await gateway.locator('#pay-result').textContent()) ?? '').includes('成功'));
    await gateway.close();

    const paid = chat.locator('.bubble.bot', { hasText: '缴费成功' });
    await waitFor('缴费成功 in the chat', async () => (await paid.count()) > 0);
    const receiptUrl = await paid.last().getByRole('link', { name: /电子票据/ }).getAttribute('href');
    const receipt = await context.newPage();
    await receipt.goto(receiptUrl!);
    await receipt.locator('#receipt-no').waitFor();
    await receipt.screenshot({ path: join(OUT, 'receipt.png'), fullPage: true });
    console.log(`screenshots written to ${OUT}: pay-card.png, receipt.png`);
  } finally {
    await browser.close();
    await feebot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
