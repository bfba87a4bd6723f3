import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { listHeldCreditRows, sumMoneyTotals } from '../../src/db/repositories/refund.repository.js';
import { saveSandboxMethod, saveSandboxPhone, settleSandboxOrder, verifySandboxCode } from '../../src/db/repositories/sandbox-order.repository.js';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { STAFF_CHANNEL, startSlackTestEnv, textValue, waitUntil, type SlackTestEnv } from './slack-harness.js';

// Flagged money end to end: a payment whose amount does not match its order is held; its card
// appears in the staff channel; one held credit is refunded and one offset onto an unpaid item from
// Slack; the ledger balance Σ payments = Σ credited + Σ held + Σ refunded holds after each step.

const SANDBOX_SECRET = 'slack-flagged-money-secret-0123';
let env: SlackTestEnv;
let orderId: string;

beforeAll(async () => {
  env = await startSlackTestEnv({ AGREEMENT_SECONDS: '0', SANDBOX_GATEWAY_SECRET: SANDBOX_SECRET });
  const chat = createWebChatClient(env.app.baseUrl);
  await login(chat, '2023010101');
  orderId = await placeOrder(chat);
  baseline = await sumMoneyTotals(env.app.feebot.db);
}, 30_000);
afterAll(async () => env?.stop());

async function notifyPaid(transactionId: string, amount: number): Promise<unknown> {
  const body = JSON.stringify({ transactionId, orderId, amount, status: 'paid', paidAt: Date.now() });
  const res = await fetch(`${env.app.baseUrl}/webhooks/gateway/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signSandboxPayload(SANDBOX_SECRET, body, Date.now()) },
    body,
  });
  return res.json();
}

// The demo data seeds amounts already paid without payment rows, so the balance is checked on what
// changed since the start: Δ payments = Δ credited + Δ held + Δ refunded.
let baseline: Awaited<ReturnType<typeof sumMoneyTotals>>;
async function expectBalanced(): Promise<void> {
  const t = await sumMoneyTotals(env.app.feebot.db);
  expect(t.payments - baseline.payments).toBe(t.creditedToItems - baseline.creditedToItems + (t.heldOpen - baseline.heldOpen) + (t.refunded - baseline.refunded));
}

const creditCard = (id: number) => env.slack.messages.find((m) => m.channel === STAFF_CHANNEL && m.text.startsWith(`待处理款项 #${id}：`));
const cardText = (id: number) => JSON.stringify(creditCard(id)?.blocks ?? []);

describe('flagged money on Slack', () => {
  it('posts a card per held credit; 退款 and 抵扣 with a note resolve them; the ledger stays balanced', async () => {
    const creditedBefore = (await sumMoneyTotals(env.app.feebot.db)).creditedToItems;
    // The student paid ¥500 at the bank against this order (the sandbox keeps the transaction, so it can refund it).
    const db = env.app.feebot.db;
    expect(await saveSandboxPhone(db, orderId, '13800138000', '123456')).toBe(true);
    expect(await verifySandboxCode(db, orderId, '123456')).toBe(true);
    expect(await saveSandboxMethod(db, orderId, 'alipay')).toBe(true);
    expect(await settleSandboxOrder(db, orderId, { status: 'paid', transactionId: 'TXN-WRONG-1', at: Date.now() })).toBe(true);
    expect(await notifyPaid('TXN-WRONG-1', 50_000)).toMatchObject({ outcome: 'mismatch' });
    expect(await notifyPaid('TXN-WRONG-2', 30_000)).toMatchObject({ outcome: 'mismatch' });
    await expectBalanced();
    const [first, second] = await listHeldCreditRows(env.app.feebot.db, { studentId: '2023010101' });
    expect([first?.amount, second?.amount]).toEqual([50_000, 30_000]);

    await waitUntil(() => creditCard(first!.id) && creditCard(second!.id), 'both credit cards');
    expect(cardText(first!.id)).toContain('¥500.00');
    expect(cardText(first!.id)).toContain('金额与订单不符');
    expect(cardText(first!.id)).toContain('credit.refund');

    // A viewer cannot open the refund.
    await env.action('U0VIEWER', 'credit.refund', String(first!.id), 'viewer-refund');
    await waitUntil(() => env.slack.responses.find((r) => r.id === 'viewer-refund'), 'the viewer refusal');
    expect(env.slack.views.some((v) => v.view.callback_id === 'credit.refund')).toBe(false);

    // 退款 with a note.
    await env.action('U0OFFICER', 'credit.refund', String(first!.id));
    const refundModal = await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'credit.refund'), 'the refund modal');
    expect(JSON.stringify(refundModal.view)).toContain('¥500.00');
    const noNote = await env.submit('U0OFFICER', 'credit.refund', String(first!.id), textValue(''));
    expect(await noNote.json()).toMatchObject({ response_action: 'errors' });
    const refunded = await env.submit('U0OFFICER', 'credit.refund', String(first!.id), textValue('学生要求原路退回'));
    expect(refunded.status).toBe(200);
    expect(await refunded.text()).toBe('');
    await waitUntil(() => cardText(first!.id).includes('已处理'), 'the refunded card');
    expect(cardText(first!.id)).toMatch(/已退款 ¥500\.00|退款中 ¥500\.00/);
    expect(cardText(first!.id)).not.toContain('credit.refund');
    await expectBalanced();

    // The gateway refuses to refund a transaction it does not know: the modal says so, the money stays held.
    await env.action('U0OFFICER', 'credit.refund', String(second!.id));
    await waitUntil(() => env.slack.views.filter((v) => v.view.callback_id === 'credit.refund').length === 2, 'the second refund modal');
    const refused = await env.submit('U0OFFICER', 'credit.refund', String(second!.id), textValue('试试退款'));
    expect(await refused.json()).toMatchObject({ response_action: 'errors', errors: { input: expect.stringContaining('拒绝') } });
    expect((await listHeldCreditRows(db, { creditId: second!.id }))[0]).toMatchObject({ refunding: 0, refunded: 0, offset: 0 });
    await expectBalanced();

    // 抵扣 onto an unpaid item chosen in the modal (once the student's pending order no longer reserves it).
    expect(await env.app.feebot.ledger.markOrder(orderId, 'expired', Date.now())).toBe(true);
    await env.action('U0OFFICER', 'credit.offset', String(second!.id));
    const offsetModal = await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'credit.offset'), 'the offset modal');
    const select = (offsetModal.view.blocks as { block_id?: string; element?: { options?: { value: string; text: { text: string } }[] } }[]).find((b) => b.block_id === 'item');
    const option = select?.element?.options?.find((o) => o.text.text.includes('2023-2024'));
    expect(option).toBeDefined();
    const offset = await env.submit('U0OFFICER', 'credit.offset', String(second!.id), {
      ...textValue('抵扣 2023-2024 欠费'),
      item: { item: { type: 'static_select', selected_option: { value: option!.value, text: { type: 'plain_text', text: option!.text.text } } } },
    });
    expect(offset.status).toBe(200);
    expect(await offset.text()).toBe('');
    await waitUntil(() => cardText(second!.id).includes('已处理'), 'the offset card');
    expect(cardText(second!.id)).toContain('已抵扣 ¥300.00');
    expect((await sumMoneyTotals(env.app.feebot.db)).creditedToItems).toBe(creditedBefore + 30_000);
    await expectBalanced();

    // Each card is one message, updated in place; both actions are audited with the note.
    expect(env.slack.messages.filter((m) => m.text.startsWith('待处理款项'))).toHaveLength(2);
    const audit = (await listStaffAudit(env.app.feebot.db, 20)).filter((a) => a.subject?.startsWith('credit:'));
    expect(audit.map((a) => [a.action, a.detail]).reverse()).toEqual([
      ['credit.refund', '学生要求原路退回'],
      ['credit.refundFailed', '试试退款'],
      ['credit.offset', '抵扣 2023-2024 欠费'],
    ]);

    // A second refund of a handled credit changes nothing.
    await env.action('U0OFFICER', 'credit.refund', String(first!.id), 'again');
    await waitUntil(() => env.slack.responses.find((r) => r.id === 'again'), 'the refusal');
    expect(String(env.slack.responses.find((r) => r.id === 'again')?.body.text)).toContain('已处理');
    await expectBalanced();
  }, 60_000);
});
