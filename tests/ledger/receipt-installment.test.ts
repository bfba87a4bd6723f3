import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxReceiptIssuer } from '../../adapters/sandbox-receipt/index.js';
import { loadBranding } from '../../src/branding.js';
import { renderReceiptPage } from '../../src/http/receipt-page.js';
import { T0, paid, setupLedger, type Fixture } from './ledger-fixture.js';

// The receipt of a 分期 payment says so; a receipt keeps the payee it was issued with; receipts from
// before the new columns still render (as sandbox, with the current name).

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => {
  await f.db.destroy();
});

async function paidOrder(lines: { itemId: number; amount: number }[]): Promise<string> {
  const r = await f.ledger.createOrder({ studentId: 'S1', lines, channel: 'web', chatId: 'c', now: T0 });
  if (!r.ok) throw new Error(r.reason);
  await f.ledger.applyPayment('sandbox', paid(r.order.id, r.order.total, `TX-${r.order.id}`), T0 + 60_000);
  return r.order.id;
}

describe('receipt: 分期 and history', () => {
  it('notes an installment with the item’s full amount, and only for the line that is one', async () => {
    const orderId = await paidOrder([{ itemId: f.ids.TUITION, amount: 150_000 }, { itemId: f.ids.DORM, amount: 120_000 }]);
    const receipt = await f.ledger.issueReceipt(orderId, createSandboxReceiptIssuer({ payeeName: '测试理工大学' }), T0 + 2 * 60_000);
    const view = (await f.ledger.getReceiptByToken(receipt.viewToken))!;
    const tuition = view.lines.find((l) => l.itemId === f.ids.TUITION)!;
    expect(tuition.amount).toBe(150_000);
    expect(tuition.due).toBeGreaterThan(150_000);
    const html = renderReceiptPage(view, { receiptUrl: 'https://fees.example/receipts/x' });
    const notes = [...html.matchAll(/<p class="installment">([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(notes).toEqual([`分期缴费：2025-2026 学费 应缴 ¥${(tuition.due / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}，本次缴纳 ¥1,500.00`]);
    expect(html).toContain('id="total-words">贰仟柒佰元整</span>');
    expect(html).toContain('<dd id="payee">测试理工大学</dd>');
    const en = renderReceiptPage(view, { lang: 'en', receiptUrl: 'https://fees.example/receipts/x' });
    expect(en).toContain('Installment: 2025-2026 学费 is');
  });

  it('keeps the payee it was issued with when UNIVERSITY_NAME changes; older receipts show the current name and count as sandbox', async () => {
    const orderId = await paidOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const receipt = await f.ledger.issueReceipt(orderId, createSandboxReceiptIssuer({ payeeName: '旧名大学' }), T0 + 2 * 60_000);
    const renamed = loadBranding({ UNIVERSITY_NAME: '新名大学' });
    let view = (await f.ledger.getReceiptByToken(receipt.viewToken))!;
    expect(renderReceiptPage(view, { branding: renamed })).toContain('<dd id="payee">旧名大学</dd>');
    // As a receipt issued before migration 202612030400 looks.
    await f.db.updateTable('receipts').set({ bill_code: null, payee_name: null, sandbox: null }).execute();
    view = (await f.ledger.getReceiptByToken(receipt.viewToken))!;
    expect(view.receipt).toMatchObject({ billCode: null, payeeName: null, sandbox: true });
    const html = renderReceiptPage(view, { branding: renamed });
    expect(html).toContain('<dd id="payee">新名大学</dd>');
    expect(html).toContain('<b id="bill-code">—</b>');
    expect(html).toContain('id="sandbox-mark"');
  });

  it('a receipt from a real issuer is not marked sandbox', async () => {
    const orderId = await paidOrder([{ itemId: f.ids.DORM, amount: 120_000 }]);
    const real = { issue: () => Promise.resolve({ receiptNo: '0012345678', checkCode: 'ABC123', billCode: '11060126', payeeName: '测试理工大学', sandbox: false }) };
    const receipt = await f.ledger.issueReceipt(orderId, real, T0 + 2 * 60_000);
    const html = renderReceiptPage((await f.ledger.getReceiptByToken(receipt.viewToken))!);
    expect(html).not.toContain('sandbox-mark');
    expect(html).not.toContain('不具法律效力');
    expect(html).not.toContain('class="watermark"');
    expect(html).toMatch(/<title>财政电子票据 0012345678 - /);
    expect(html).toContain('<b id="bill-code">11060126</b>');
  });
});
