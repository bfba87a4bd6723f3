import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { localDate } from '../../adapters/slack/slack-time.js';
import { inTransaction } from '../../src/db/database.js';
import { enqueueStaffEvent } from '../../src/db/repositories/outbox.repository.js';
import type { EscalatedStudent } from '../../src/ports/staff.port.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { STAFF_CHANNEL, startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// The reports the core sends the finance office become Block Kit cards in the staff channel: the
// daily reconciliation's differences (each with what to do), a reminder run's summary, and the
// students it escalated — as one list, however many.

const SANDBOX_SECRET = 'slack-staff-reports-secret-0123';
let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv({ AGREEMENT_SECONDS: '0', SANDBOX_GATEWAY_SECRET: SANDBOX_SECRET });
}, 30_000);
afterAll(async () => env?.stop());

const staffMessages = () => env.slack.messages.filter((m) => m.channel === STAFF_CHANNEL);
const blockTexts = (blocks: unknown[]) => JSON.stringify(blocks);

async function emit(event: Parameters<typeof enqueueStaffEvent>[1]): Promise<void> {
  const { db, outbox } = env.app.feebot;
  await inTransaction(db, (tx) => enqueueStaffEvent(tx, event, Date.now()));
  outbox.kick();
}

describe('staff report cards on Slack', () => {
  it('reconciliation differences: one card listing each difference with what to do; a re-run updates it', async () => {
    const chat = createWebChatClient(env.app.baseUrl);
    await login(chat, '2023010101');
    const orderId = await placeOrder(chat);
    const order = await env.app.feebot.ledger.getOrder(orderId);
    // The ledger hears of a payment the sandbox never took: paid in the ledger, not at the gateway.
    const body = JSON.stringify({ transactionId: 'TXN-LEDGER-ONLY', orderId, amount: order!.total, status: 'paid', paidAt: Date.now() });
    const res = await fetch(`${env.app.baseUrl}/webhooks/gateway/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signSandboxPayload(SANDBOX_SECRET, body, Date.now()) },
      body,
    });
    expect(res.status).toBe(200);

    const date = localDate(Date.now(), 'Asia/Shanghai');
    const report = await env.app.feebot.reconciler.run(date);
    expect(report.differences.some((d) => d.kind === 'paidInLedgerOnly' && d.orderId === orderId)).toBe(true);
    env.app.feebot.outbox.kick();
    const card = await waitUntil(() => staffMessages().find((m) => m.text.startsWith(`${date} 对账发现`)), 'the reconciliation card');
    const text = blockTexts(card.blocks);
    expect(card.text).toBe(`${date} 对账发现 ${report.differences.length} 处差异`);
    expect(text).toContain('账上已入账、支付渠道未确认');
    expect(text).toContain(orderId);
    expect(text).toContain('TXN-LEDGER-ONLY');
    expect(text).toContain('➜ 请登录sandbox商户平台核对这笔交易');
    expect(text).toContain(`feebot reconcile --date ${date}`);

    // Running the same day again (e.g. from the CLI) updates the card instead of posting another.
    const updatesBefore = env.slack.callsOf('chat.update').length;
    await env.app.feebot.reconciler.run(date);
    env.app.feebot.outbox.kick();
    await waitUntil(() => env.slack.callsOf('chat.update').length > updatesBefore, 'the card updated');
    expect(staffMessages().filter((m) => m.text.startsWith(`${date} 对账发现`))).toHaveLength(1);
  }, 30_000);

  it('a reminder run summary: planned, sent, skipped by reason, failed, escalated, in TIMEZONE', async () => {
    const startedAt = Date.UTC(2026, 8, 1, 0, 0); // 08:00 Beijing
    await emit({ kind: 'dunning.summary', runId: 7, planned: 120, sent: 101, skippedByReason: { opted_out: 9, quiet_hours: 4, deferred: 3, brand_new_reason: 1, none: 0 }, failed: 2, escalated: 3, startedAt, finishedAt: startedAt + 95_000 });
    const card = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴提醒运行 #7')), 'the summary card');
    expect(card.text).toBe('催缴提醒运行 #7：已发送 101/120，跳过 17，失败 2，转人工 3');
    const blocks = card.blocks as { type: string; fields?: { text: string }[]; text?: { text: string } }[];
    expect(blocks[1]!.fields!.map((f) => f.text)).toEqual(['*计划发送*\n120 条', '*已发送*\n101 条', '*跳过*\n17 条', '*发送失败*\n2 条', '*转人工跟进*\n3 人']);
    const text = blockTexts(card.blocks);
    expect(text).toContain('已退订：9 条');
    expect(text).toContain('免打扰时段：4 条');
    expect(text).toContain('已缓缴：3 条');
    expect(text).toContain('brand_new_reason：1 条'); // an unknown reason is shown as it is, not dropped
    expect(text).not.toContain('none');
    expect(text).toContain('2026-09-01 08:00 – 2026-09-01 08:01'); // Asia/Shanghai, not UTC
    expect(text).toContain('⚠️ 有发送失败');
  }, 30_000);

  it('escalated students: ONE message listing all of them, most owed first, long lists cut with a count', async () => {
    const before = env.slack.callsOf('chat.postMessage').length;
    const students: EscalatedStudent[] = [
      { studentId: '2023010101', name: '李雷', college: '计算机学院', outstandingFen: 520_000, reminders: 3 },
      { studentId: '2023020202', name: '<b>韩梅梅</b>', college: null, outstandingFen: 1_200_000, reminders: 4 },
    ];
    await emit({ kind: 'dunning.escalated', runId: 8, students });
    const card = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴转人工')), 'the escalation card');
    expect(card.text).toBe('催缴转人工：2 名学生，合计 ¥17,200.00');
    const text = blockTexts(card.blocks);
    expect(text.indexOf('2023020202')).toBeLessThan(text.indexOf('2023010101'));
    expect(text).toContain('2023010101 李雷（计算机学院） 欠 ¥5,200.00 · 已提醒 3 次');
    expect(text).toContain('&lt;b&gt;韩梅梅&lt;/b&gt;'); // names are escaped for mrkdwn
    await waitUntil(() => env.slack.callsOf('chat.postMessage').length === before + 1, 'one post');

    const many = Array.from({ length: 130 }, (_, i): EscalatedStudent => ({ studentId: `2024${String(i).padStart(6, '0')}`, name: `学生${i}`, college: '外国语学院', outstandingFen: 100_000 + i, reminders: 3 }));
    await emit({ kind: 'dunning.escalated', runId: 9, students: many });
    const big = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴转人工：130 名')), 'the long list');
    expect(big.blocks.length).toBeLessThanOrEqual(50);
    for (const b of big.blocks as { text?: { text: string } }[]) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    expect(blockTexts(big.blocks)).toContain('另有 30 名学生未列出');
    expect(env.slack.callsOf('chat.postMessage').length).toBe(before + 2);

    // A run that escalated nobody posts nothing.
    await emit({ kind: 'dunning.escalated', runId: 10, students: [] });
    await waitUntil(async () => (await env.app.feebot.db.selectFrom('outbox').select('status').where('kind', '=', 'staff').where('status', '!=', 'done').execute()).length === 0, 'the queue drained');
    expect(env.slack.callsOf('chat.postMessage').length).toBe(before + 2);
  }, 30_000);
});
