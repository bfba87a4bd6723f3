import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bubbleButton as button, lastBubble, useFeebotInChromium } from '../support/chromium-app.js';

// The whole student journey in real headless Chromium: the web chat page, the hosted sandbox
// gateway pages, the receipt page. Nothing here talks to feebot except through the e2e.browser.


const e2e = useFeebotInChromium({ AGREEMENT_SECONDS: '3' });


/** Chromium's console reports of anything a page's Content-Security-Policy refused, on any page. */
const cspViolations: string[] = [];
function watchCsp(context: BrowserContext): BrowserContext {
  context.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(`${msg.location().url}: ${msg.text()}`);
  });
  return context;
}

async function openChat(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(e2e.app.baseUrl);
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 10_000 }).toContain('学号');
  return page;
}

async function login(page: Page, studentId: string, password: string): Promise<void> {
  await page.getByLabel('输入消息').fill(studentId);
  await page.getByLabel('输入消息').press('Enter');
  await expect.poll(() => page.getByLabel('输入消息').getAttribute('type')).toBe('password');
  await page.getByLabel('输入消息').fill(password);
  await page.getByLabel('输入消息').press('Enter');
  await expect.poll(() => lastBubble(page).textContent(), { timeout: 15_000 }).toContain('欠费总额');
  expect(await lastBubble(page).textContent()).toContain(studentId);
}

/** Pays an open order in the hosted sandbox pages in a second tab. */
async function payAtGateway(context: BrowserContext, payUrl: string, phone: string): Promise<void> {
  const gw = await context.newPage();
  await gw.goto(payUrl);
  await gw.locator('#phone').fill(phone);
  await gw.locator('#send-code').click();
  const code = (await gw.locator('#sandbox-sms-code').textContent())!.trim();
  await gw.locator('#sms-code').fill(code);
  await gw.locator('#verify-code').click();
  await gw.locator('input[name="method"][value="wechat"]').check();
  await gw.locator('#agree').check();
  await gw.locator('#next').click();
  await gw.locator('#bank-pay').click();
  await expect.poll(() => gw.locator('#pay-result').textContent()).toContain('成功');
  await gw.close();
}

/** From the home menu: select items (one in full, one as an installment), agree, confirm. */
const toggle = (label: string) => new RegExp(`^[✓☐] ${label}`);

async function orderItems(page: Page, full: string, installment: { item: string; amount: string } | null): Promise<string> {
  await button(page, '网上缴费').click();
  await button(page, toggle(full)).click();
  await expect.poll(() => button(page, toggle(full)).textContent()).toMatch(/^✓/);
  if (installment) {
    await button(page, toggle(installment.item)).click();
    await button(page, /^分期/).first().click();
    await page.getByLabel('输入消息').fill('12.345');
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => page.locator('.bubble.bot', { hasText: '金额格式不正确' }).count()).toBe(1);
    await page.getByLabel('输入消息').fill(installment.amount);
    await page.getByLabel('输入消息').press('Enter');
    await expect.poll(() => lastBubble(page).getByRole('button', { name: /^分期/ }).first().textContent()).toContain('1,000.50');
  }
  await button(page, '下一步').click();
  // Early press: the engine refuses and says how long to wait.
  await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled')).toBe('true');
  // force: Playwright would otherwise wait for an aria-disabled button to become enabled.
  await button(page, /同意/).click({ force: true });
  await expect.poll(() => page.locator('#toast').textContent()).toMatch(/秒/);
  // The agreement bubble is edited in place when the countdown ends.
  await expect.poll(() => button(page, /同意/).getAttribute('aria-disabled'), { timeout: 10_000 }).toBeNull();
  await button(page, /同意/).click();
  await expect.poll(() => lastBubble(page).textContent()).toContain('合计');
  await button(page, '确认').click();
  await expect.poll(() => lastBubble(page).locator('img').count(), { timeout: 15_000 }).toBe(1);
  const link = lastBubble(page).getByRole('link', { name: /去支付/ });
  return (await link.getAttribute('href'))!;
}

interface ExpectedReceipt {
  payer: string;
  /** [fee period, item name, amount] in the receipt's order (newest period first). */
  lines: [string, string, string][];
  total: string;
}

async function expectReceipt(context: BrowserContext, page: Page, expected: ExpectedReceipt): Promise<void> {
  await expect.poll(() => page.locator('.bubble.bot', { hasText: '缴费成功' }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
  const receiptLink = page.locator('.bubble.bot', { hasText: '缴费成功' }).last().getByRole('link', { name: /电子票据/ });
  const receipt = await context.newPage();
  await receipt.goto((await receiptLink.getAttribute('href'))!);
  await expect.poll(() => receipt.locator('#receipt-no').textContent()).toMatch(/^SB\d{10}$/);
  await expect.poll(() => receipt.locator('#check-code').textContent()).toMatch(/\S{6}/);
  expect(await receipt.locator('#payer-name').textContent()).toBe(expected.payer);
  // Columns: 项目编码, 项目名称 (period and name), 单位, 数量, 标准, 金额 (yuan).
  const rows = await receipt.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  expect(rows.map((cells) => [cells[1], `¥${cells[5]}`])).toEqual(expected.lines.map(([period, name, amount]) => [`${period} ${name}`, amount]));
  expect(await receipt.locator('#total').textContent()).toBe(expected.total);
  // The print button's script is allowed by its CSP hash and still works.
  await receipt.evaluate(() => {
    window.print = () => void document.body.setAttribute('data-printed', 'yes');
  });
  await receipt.locator('#print').click();
  await expect.poll(() => receipt.locator('body').getAttribute('data-printed')).toBe('yes');
  await receipt.close();
}

describe('web chat, end to end in Chromium', () => {
  it('pays one item in full and one in installments, gets the receipt, sees the history', async () => {
    const context = watchCsp(await e2e.browser.newContext({ locale: 'zh-CN' }));
    const page = await openChat(context);
    await login(page, '2023010101', 'Demo@2026');

    const payUrl = await orderItems(page, '2024-2025 住宿费', { item: '2025-2026 学费', amount: '1000.50' });
    await payAtGateway(context, payUrl, '13800138000');
    await expectReceipt(context, page, {
      payer: '张三',
      lines: [
        ['2025-2026', '学费', '¥1,000.50'],
        ['2024-2025', '住宿费', '¥1,200.00'],
      ],
      total: '¥2,200.50',
    });

    // The pay card turned 已开票 in place; 返回主菜单 leads on.
    await button(page, '返回主菜单').click();
    await button(page, '收费情况明细').click();
    await button(page, '缴费历史项目').click();
    await expect.poll(() => lastBubble(page).textContent()).toContain('收费情况明细 · 缴费历史项目');
    // 张三 had 2023-2024 住宿费 paid before; the item paid here is 2024-2025 住宿费.
    const history = (await lastBubble(page).textContent())!;
    expect(history).toMatch(/2024-2025 住宿费\s*已缴 ¥1,200\.00（应缴 ¥1,200\.00）/);
    expect(history).toMatch(/2025-2026 学费\s*已缴 ¥1,000\.50（应缴 ¥5,000\.00）/);

    await button(page, /未缴清项目/).click();
    await expect.poll(() => lastBubble(page).textContent()).toContain('收费情况明细 · 未缴清项目');
    const unpaid = (await lastBubble(page).textContent())!;
    expect(unpaid).not.toContain('2024-2025 住宿费');
    expect(unpaid).toMatch(/2025-2026 学费\s*应缴 ¥5,000\.00 · 已缴 ¥1,000\.50 · 未缴 ¥3,999\.50/);
    await context.close();
    // Chat, sandbox gateway pages and receipt all worked under their CSP without a refusal.
    expect(cspViolations).toEqual([]);
  });

  it('lets two students pay at the same time', async () => {
    const [a, b] = await Promise.all([e2e.browser.newContext({ locale: 'zh-CN' }), e2e.browser.newContext({ locale: 'zh-CN' })]);
    const [pageA, pageB] = await Promise.all([openChat(a), openChat(b)]);
    await Promise.all([login(pageA, '2024020201', 'Demo@2026'), login(pageB, '2025030301', 'Demo@2026')]);
    const [urlA, urlB] = await Promise.all([orderItems(pageA, '2025-2026 学费', null), orderItems(pageB, '2025-2026 住宿费', null)]);
    expect(urlA).not.toBe(urlB);
    await Promise.all([payAtGateway(a, urlA, '13900139000'), payAtGateway(b, urlB, '13700137000')]);
    await Promise.all([
      expectReceipt(a, pageA, { payer: '赵六', lines: [['2025-2026', '学费', '¥16,000.00']], total: '¥16,000.00' }),
      expectReceipt(b, pageB, { payer: '陈晓梅', lines: [['2025-2026', '住宿费', '¥1,200.00']], total: '¥1,200.00' }),
    ]);
    await Promise.all([a.close(), b.close()]);
  });
});
