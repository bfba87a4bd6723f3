import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkToBank, postForm } from '../gateway/sandbox-harness.js';
import { amountInWords } from '../../src/amount-in-words.js';
import { parseYuan } from '../../src/money.js';
import { launchChromium } from '../support/browser.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';

// A configured university, end to end: the web chat page, the gateway's result page, the receipt
// (in real Chromium, phone-sized), the reset mail and the reset-done page.

const BRANDING = {
  UNIVERSITY_NAME: '测试理工大学',
  UNIVERSITY_NAME_EN: 'Test Tech University',
  FINANCE_OFFICE_PHONE: '021-5555 0101',
  FINANCE_OFFICE_EMAIL: 'cwc@tech.example',
  FINANCE_OFFICE_HOURS: '工作日 9:00–16:30',
  FINANCE_OFFICE_PLACE: '综合楼 2 楼',
};
const CONTACT = '测试理工大学财务处（电话 021-5555 0101；邮箱 cwc@tech.example；办公时间 工作日 9:00–16:30；地点 综合楼 2 楼）';

let app: TestFeebot;
let browser: Browser;
let context: BrowserContext;
const cspViolations: string[] = [];

beforeAll(async () => {
  app = await startTestFeebot({ AGREEMENT_SECONDS: '0', ...BRANDING });
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  context.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the university, not feebot', () => {
  it('names the university in the web chat page title and header', async () => {
    const page = await context.newPage();
    await page.goto(app.baseUrl);
    expect(await page.title()).toContain('测试理工大学');
    expect(await page.locator('header h1').textContent()).toContain('测试理工大学');
    expect(await page.content()).not.toContain('feebot');
    await page.close();
  });

  let receiptUrl = '';
  let orderTotal = 0;

  it('the sandbox result page names the payee and links back to the conversation', async () => {
    const chat = createWebChatClient(app.baseUrl);
    await login(chat, '2023010101');
    const orderId = decodeURIComponent(await placeOrder(chat));
    await walkToBank(app.feebot.app, orderId, 'wechat');
    const result = await postForm(app.feebot.app, `/sandbox-gateway/pay/${encodeURIComponent(orderId)}/bank/pay`, {});
    const html = await result.text();
    expect(html).toContain('id="pay-result" class="ok"');
    expect(html).toContain('<p class="payee" id="payee-header">收款单位：测试理工大学</p>');
    expect(html).toContain(`<a id="back-web" href="${app.baseUrl}/">返回网页对话`);
    const paid = await chat.waitFor((m) => m.payload.text.includes('缴费成功'), 20_000);
    receiptUrl = chat.buttonUrl(paid, '电子票据');
    const order = await app.feebot.ledger.getOrder(orderId);
    orderTotal = order!.total;
  });

  it('shows the receipt as a 财政电子票据 on a phone: every field, the QR to itself, the sandbox mark, an A4 print view', async () => {
    expect(receiptUrl).toMatch(new RegExp(`^${app.baseUrl}/receipts/[A-Za-z0-9_-]{32}$`));
    const page = await context.newPage();
    await page.goto(receiptUrl);
    expect(await page.title()).toMatch(/^财政电子票据（沙箱） SB\d{10} - 测试理工大学$/);
    expect(await page.locator('#university').textContent()).toBe('测试理工大学');
    expect(await page.locator('#bill-code').textContent()).toMatch(/^\d{8}$/);
    expect(await page.locator('#receipt-no').textContent()).toMatch(/^SB\d{10}$/);
    expect(await page.locator('#check-code').textContent()).toMatch(/^[A-Z2-9]{6}$/);
    expect(await page.locator('#payer-name').textContent()).toBe('张三');
    expect(await page.locator('#student-id').textContent()).toBe('2023010101');
    expect(await page.locator('#payee').textContent()).toBe('测试理工大学');
    expect(await page.locator('#cashier').textContent()).toBe('网上缴费');
    expect(await page.locator('#pay-method').textContent()).toBe('E缴通（沙箱）');
    expect(await page.locator('#transaction-id').textContent()).toMatch(/^SBX[0-9A-F]{24}$/);
    // Item table: 项目编码/名称/单位/数量/标准/金额, and the totals in words and figures agree.
    const headers = await page.locator('#items thead th').allTextContents();
    expect(headers).toEqual(['项目编码', '项目名称', '单位', '数量', '标准', '金额（元）']);
    const rows = await page.locator('#items tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row[0]).toMatch(/^[A-Z]+$/);
    const sum = rows.reduce((total, row) => total + parseYuan(row[5]!)!, 0);
    expect(sum).toBe(orderTotal);
    expect(await page.locator('#total-words').textContent()).toBe(amountInWords(orderTotal));
    // The verification QR: an SVG pointing at this very page.
    expect(await page.locator('#verify-qr').getAttribute('data-url')).toBe(receiptUrl);
    expect(await page.locator('#verify-qr svg path').count()).toBe(1);
    // Sandbox: marked in words and by the watermark.
    await expect.poll(() => page.locator('#sandbox-mark').isVisible()).toBe(true);
    expect(await page.locator('#sandbox-mark').textContent()).toContain('不具法律效力');
    // Fits a phone: nothing wider than the viewport but the table's own scroller.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Print: an A4 @page rule, and the buttons are not printed.
    const printCss = await page.evaluate(() =>
      [...document.styleSheets].flatMap((s) => [...s.cssRules]).filter((r) => r instanceof CSSMediaRule && r.conditionText === 'print').map((r) => r.cssText).join('\n'),
    );
    expect(printCss).toMatch(/@page\s*\{[^}]*size:\s*a4/i);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.actions').isVisible()).toBe(false);
    expect(await page.locator('#receipt').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    // 下载 PDF is the browser's print (no server-side PDF): its script runs under the page's CSP.
    await page.evaluate(() => {
      window.print = () => void document.body.setAttribute('data-printed', 'yes');
    });
    await page.locator('#download-pdf').click();
    await expect.poll(() => page.locator('body').getAttribute('data-printed')).toBe('yes');
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('the reset mail carries the university in its subject and signature; the reset-done page links back', async () => {
    const chat = createWebChatClient(app.baseUrl);
    await chat.start();
    await chat.waitFor((m) => m.payload.text.includes('学号'));
    await chat.text('忘记密码');
    const prompt = await chat.waitFor((m) => m.payload.text.includes('请输入学号以找回密码'));
    expect(prompt).toBeTruthy();
    await chat.text('2023010102');
    const confirm = await chat.waitFor((m) => m.payload.text.includes('是否确认发送'));
    expect(confirm.payload.text).toContain('学号：2023010102');
    expect(confirm.payload.text).toContain(`请联系${CONTACT}`);
    await chat.action(chat.buttonCode(confirm, '发送'));
    await expect.poll(() => app.feebot.mailer.devMailbox?.messages().length ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    const mail = app.feebot.mailer.devMailbox!.messages().at(-1)!;
    expect(mail.subject).toBe('【测试理工大学】重置网上缴费密码');
    expect(mail.text).toContain(`— 测试理工大学 网上缴费（系统邮件，请勿回复）。联系：${CONTACT}`);
    expect(mail.text).not.toContain('feebot');

    const link = /https?:\/\/\S+reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0];
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.title()).toContain('测试理工大学');
    await page.locator('#password').fill('Better#Pass2026');
    await page.locator('#confirm').fill('Better#Pass2026');
    await page.getByRole('button', { name: /设置新密码/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('密码已重置');
    expect(await page.locator('#back-web').getAttribute('href')).toBe(`${app.baseUrl}/`);
    await page.locator('#back-web').click();
    await expect.poll(() => page.url()).toBe(`${app.baseUrl}/`);
    await page.close();
  });
});
