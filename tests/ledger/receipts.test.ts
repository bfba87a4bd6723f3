import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxReceiptIssuer, SANDBOX_BILL_CODE } from '../../adapters/sandbox-receipt/index.js';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import { mountReceiptRoutes, renderReceiptPage } from '../../src/http/receipt-page.js';
import type { ReceiptRequest } from '../../src/ports/receipt.port.js';
import { T0, paid, setupLedger, type Fixture } from './ledger-fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => {
  await f.db.destroy();
});

async function paidOrder(studentId = 'S1', itemId = f.ids.DORM, amount = 120_000): Promise<string> {
  const r = await f.ledger.createOrder({ studentId, lines: [{ itemId, amount }], channel: 'web', chatId: 'c', now: T0 });
  if (!r.ok) throw new Error(r.reason);
  await f.ledger.applyPayment('sandbox', paid(r.order.id, amount, `TX-${r.order.id}`), T0 + 60_000);
  return r.order.id;
}

describe('sandbox receipt issuer', () => {
  const request = (orderId: string): ReceiptRequest => ({ orderId, studentId: 'S1', payerName: 'x', total: 1, lines: [], paidAt: T0 });

  it('gives the same number and check code for the same order, different ones for others', async () => {
    const issuer = createSandboxReceiptIssuer();
    const a = await issuer.issue(request('FB1'));
    expect(a.receiptNo).toMatch(/^SB\d{10}$/);
    expect(a.checkCode).toMatch(/^[A-Z2-9]{6}$/);
    expect(await createSandboxReceiptIssuer().issue(request('FB1'))).toEqual(a);
    expect((await issuer.issue(request('FB2'))).receiptNo).not.toBe(a.receiptNo);
  });
});

describe('issueReceipt', () => {
  it('is idempotent and stores an unguessable view token', async () => {
    const orderId = await paidOrder();
    let calls = 0;
    const inner = createSandboxReceiptIssuer();
    const issuer = { issue: (r: ReceiptRequest) => ((calls += 1), inner.issue(r)) };
    const first = await f.ledger.issueReceipt(orderId, issuer, T0 + 70_000);
    expect(first).toMatchObject({ orderId, payerName: '李雷', total: 120_000, issuedAt: T0 + 70_000 });
    expect(first.receiptNo).toMatch(/^SB\d{10}$/);
    expect(first.viewToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await f.ledger.issueReceipt(orderId, issuer, T0 + 99_000);
    expect(again).toEqual(first);
    expect(calls).toBe(1);
    expect(await f.db.selectFrom('receipts').select('receipt_no').execute()).toHaveLength(1);
  });

  it('lists only what a late payment credited: an item another order paid meanwhile is not receipted twice', async () => {
    // Order A: 学费 ¥2,000 (installment), expires unpaid. Order B: 学费 ¥4,000, paid. Then A's
    // money arrives late: only ¥1,000 of 学费 was still owed, the other ¥1,000 is a flagged credit.
    const a = await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.TUITION, amount: 200_000 }, { itemId: f.ids.BOOKS, amount: 30_000 }], channel: 'web', chatId: 'c', now: T0 });
    if (!a.ok) throw new Error(a.reason);
    expect(await f.ledger.markOrder(a.order.id, 'expired', T0 + 31 * 60_000)).toBe(true);
    const b = await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.TUITION, amount: 400_000 }], channel: 'web', chatId: 'c', now: T0 + 32 * 60_000 });
    if (!b.ok) throw new Error(b.reason);
    await f.ledger.applyPayment('sandbox', paid(b.order.id, 400_000, 'TX-B'), T0 + 33 * 60_000);
    const late = await f.ledger.applyPayment('sandbox', paid(a.order.id, 230_000, 'TX-A'), T0 + 34 * 60_000);
    expect(late).toMatchObject({ kind: 'late', creditedToItems: 130_000, flaggedCredit: 100_000 });

    const receipt = await f.ledger.issueReceipt(a.order.id, createSandboxReceiptIssuer(), T0 + 35 * 60_000);
    expect(receipt.total).toBe(130_000);
    const view = await f.ledger.getReceiptByToken(receipt.viewToken);
    expect(view!.lines.map((l) => [l.name, l.amount])).toEqual([
      ['学费', 100_000],
      ['教材费', 30_000],
    ]);
    // B's receipt is untouched: its full ¥4,000.
    expect((await f.ledger.issueReceipt(b.order.id, createSandboxReceiptIssuer(), T0 + 36 * 60_000)).total).toBe(400_000);
  });

  it('keeps one receipt when issued concurrently', async () => {
    const orderId = await paidOrder();
    const issuer = createSandboxReceiptIssuer();
    const results = await Promise.all([1, 2, 3].map((i) => f.ledger.issueReceipt(orderId, issuer, T0 + i)));
    expect(new Set(results.map((r) => r.viewToken)).size).toBe(1);
    expect(await f.db.selectFrom('receipts').select('receipt_no').execute()).toHaveLength(1);
  });

  it('refuses to issue for an unpaid order', async () => {
    const r = await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.DORM, amount: 1 }], channel: 'web', chatId: 'c', now: T0 });
    if (!r.ok) throw new Error(r.reason);
    await expect(f.ledger.issueReceipt(r.order.id, createSandboxReceiptIssuer(), T0)).rejects.toThrow(/pending/);
  });
});

describe('receipt page', () => {
  it('shows the receipt number, check code, items, payer and student id', async () => {
    const orderId = await paidOrder();
    const receipt = await f.ledger.issueReceipt(orderId, createSandboxReceiptIssuer(), Date.UTC(2026, 8, 1, 16, 30));
    const view = await f.ledger.getReceiptByToken(receipt.viewToken);
    if (!view) throw new Error('no view');
    expect(view.student).toEqual({ studentId: 'S1', name: '李雷', college: '信息学院' });
    expect(view.lines).toMatchObject([{ feePeriod: '2025-2026', name: '住宿费', amount: 120_000 }]);
    expect(view.payment).toMatchObject({ gateway: 'sandbox', transactionId: `TX-${orderId}` });
    expect(view.receipt).toMatchObject({ billCode: SANDBOX_BILL_CODE, payeeName: '示例大学', sandbox: true });
    const html = renderReceiptPage(view);
    expect(html).toContain(`<title>财政电子票据（沙箱） ${receipt.receiptNo} - 示例大学</title>`);
    expect(html).toContain(`<b id="receipt-no">${receipt.receiptNo}</b>`);
    expect(html).toContain(`<b id="check-code">${receipt.checkCode}</b>`);
    expect(html).toContain(`<b id="bill-code">${SANDBOX_BILL_CODE}</b>`);
    expect(html).toContain('id="total-words">壹仟贰佰元整</span>');
    expect(html).toContain('¥1,200.00');
    expect(html).toContain('李雷');
    expect(html).toContain(`<span id="transaction-id">TX-${orderId}</span>`);
    expect(html).toContain('window.print()');
    // 16:30 UTC is the next morning in Beijing.
    expect(html).toMatch(/<b id="issued-at">2026-09-02 00:30<\/b>/);
    expect(renderReceiptPage(view, 'en')).toContain('>Print<');
  });

  it('escapes every value taken from data', async () => {
    const evil = '<script>alert("x")</script>&\'';
    await upsertStudent(f.db, { student_id: 'S9', name: evil, college: evil, major: '', class_name: '', recovery_email: null, phone: null, id_number: null }, 'h', T0);
    await upsertFeeItem(f.db, { student_id: 'S9', fee_period: '<i>2026</i>', code: 'X', name: evil, amount_due: 500, installment_allowed: 0, min_installment: 0, due_date: null }, T0);
    const item = await f.db.selectFrom('fee_items').select('id').where('student_id', '=', 'S9').executeTakeFirstOrThrow();
    const orderId = await paidOrder('S9', item.id, 500);
    const receipt = await f.ledger.issueReceipt(orderId, createSandboxReceiptIssuer(), T0);
    const view = await f.ledger.getReceiptByToken(receipt.viewToken);
    if (!view) throw new Error('no view');
    const html = renderReceiptPage(view);
    expect(html).not.toContain('<script>alert'); // the page's own print script is the only <script>
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toContain('<i>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
  });

  it('serves GET /receipts/:token and a 404 page for unknown tokens', async () => {
    const orderId = await paidOrder();
    const receipt = await f.ledger.issueReceipt(orderId, createSandboxReceiptIssuer(), T0);
    const app = new Hono();
    mountReceiptRoutes(app, f.ledger);

    const ok = await app.request(`/receipts/${receipt.viewToken}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.text()).toContain(receipt.receiptNo);

    const en = await app.request(`/receipts/${receipt.viewToken}?lang=en`);
    expect(await en.text()).toContain('Receipt no.');

    for (const token of ['A'.repeat(32), 'short', '..%2F..%2Fetc']) {
      const missing = await app.request(`/receipts/${token}`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('票据不存在');
    }
    expect(await f.ledger.getReceiptByToken('nope')).toBeNull();
  });
});
