import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { localDate } from '../../adapters/slack/slack-time.js';
import { inTransaction } from '../../src/db/database.js';
import { enqueueStaffEvent } from '../../src/db/repositories/outbox.repository.js';
import type { DunningEscalationRecord, DunningReads, DunningRunRecord } from '../../src/ports/dunning-reads.port.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { STAFF_CHANNEL, startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// The reports the core sends the finance office become Block Kit cards in the staff channel: the
// daily reconciliation's differences (each with what to do), a reminder run's summary, and the
// students it escalated — as one list, however many.

const SANDBOX_SECRET = 'slack-staff-reports-secret-0123';
// The dunning module's records as its repositories return them (it owns the tables).
const runs = new Map<number, DunningRunRecord>();
const escalations = new Map<number, DunningEscalationRecord[]>();
const dunningReads: DunningReads = {
  findRun: async (id) => runs.get(id) ?? null,
  latestRun: async () => [...runs.values()].sort((a, b) => b.id - a.id)[0] ?? null,
  listEscalations: async (runId) => escalations.get(runId) ?? [],
};
let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv({ AGREEMENT_SECONDS: '0', SANDBOX_GATEWAY_SECRET: SANDBOX_SECRET }, { dunningReads });
}, 30_000);
afterAll(async () => env?.stop());

const staffMessages = () => env.slack.messages.filter((m) => m.channel === STAFF_CHANNEL);
const blockTexts = (blocks: unknown[]) => JSON.stringify(blocks);

const drained = () =>
  waitUntil(async () => (await env.app.feebot.db.selectFrom('outbox').select('status').where('kind', '=', 'staff').where('status', '!=', 'done').execute()).length === 0, 'the staff queue drained');

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

  it('a reminder run summary: planned, sent, skipped by reason, failed, escalated, in TIMEZONE; App Home shows the last run', async () => {
    const startedAt = Date.UTC(2026, 8, 1, 0, 0); // 08:00 Beijing
    runs.set(7, {
      id: 7, runDate: '2026-09-01', status: 'finished', startedAt, finishedAt: startedAt + 95_000,
      summary: { runId: 7, runDate: '2026-09-01', planned: 120, sent: 101, failed: 2, escalated: 3, skipped: { optedOut: 9, deferral: 4, capWeek: 3, brandNewReason: 1, liveOrder: 0 } },
    });
    await emit({ kind: 'dunning.summary', runId: 7 });
    const card = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴提醒运行 #7')), 'the summary card');
    expect(card.text).toBe('催缴提醒运行 #7：已发送 101/120，跳过 17，失败 2，转人工 3');
    const blocks = card.blocks as { type: string; fields?: { text: string }[]; text?: { text: string } }[];
    expect(blocks[1]!.fields!.map((f) => f.text)).toEqual(['*计划发送*\n120 条', '*已发送*\n101 条', '*跳过*\n17 条', '*发送失败*\n2 条', '*转人工跟进*\n3 人']);
    const text = blockTexts(card.blocks);
    expect(text).toContain('已退订：9 条');
    expect(text).toContain('已缓缴：4 条');
    expect(text).toContain('超出每周提醒上限：3 条');
    expect(text).toContain('brandNewReason：1 条'); // an unknown reason is shown as it is, not dropped
    expect(text).not.toContain('有待支付订单'); // zero counts are left out
    expect(text).toContain('2026-09-01 08:00 – 2026-09-01 08:01'); // Asia/Shanghai, not UTC
    expect(text).toContain('⚠️ 有发送失败');

    // An event for a run the module does not know (or not finished) posts nothing.
    runs.set(8, { id: 8, runDate: '2026-09-02', status: 'sending', startedAt, finishedAt: null, summary: null });
    const posts = env.slack.callsOf('chat.postMessage').length;
    await emit({ kind: 'dunning.summary', runId: 8 });
    await emit({ kind: 'dunning.summary', runId: 999 });
    await drained();
    expect(env.slack.callsOf('chat.postMessage').length).toBe(posts);

    // App Home: the last run, here the unfinished #8; then #7 once it is the latest finished one.
    await env.event({ type: 'app_home_opened', user: 'U0OFFICER', channel: 'D1', tab: 'home', event_ts: '1' }, 'EvHOMEDUN1');
    const home = await waitUntil(() => env.slack.views.find((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER'), 'the dashboard');
    expect(JSON.stringify(home.view)).toContain('最近一次催缴提醒');
    expect(JSON.stringify(home.view)).toContain('*待审批缓缴申请*\\n0 个');
    expect(JSON.stringify(home.view)).toContain('#8 2026-09-02 进行中（2026-09-01 08:00 开始）');
    runs.delete(8);
    await env.event({ type: 'app_home_opened', user: 'U0OFFICER', channel: 'D1', tab: 'home', event_ts: '2' }, 'EvHOMEDUN2');
    await waitUntil(() => env.slack.views.filter((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER').length >= 2, 'the second dashboard');
    const again = env.slack.views.filter((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER').at(-1)!;
    expect(JSON.stringify(again.view)).toContain('#7 2026-09-01 08:01：已发送 101/120，失败 2，转人工 3');
  }, 30_000);

  it('escalated students: ONE message listing all of them with names, most owed first, long lists cut with a count', async () => {
    const before = env.slack.callsOf('chat.postMessage').length;
    escalations.set(9, [
      { studentId: '2023010101', college: '计算机学院', total: 520_000, reminders: 3 },
      { studentId: '2024020201', college: '外国语学院', total: 1_200_000, reminders: 4 },
      { studentId: '<b>X</b>', college: '', total: 100, reminders: 3 },
    ]);
    await emit({ kind: 'dunning.escalated', runId: 9 });
    const card = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴转人工：3')), 'the escalation card');
    expect(card.text).toBe('催缴转人工：3 名学生，合计 ¥17,201.00');
    const text = blockTexts(card.blocks);
    expect(text.indexOf('2024020201')).toBeLessThan(text.indexOf('2023010101'));
    expect(text).toMatch(/2023010101 \S+（计算机学院） 欠 ¥5,200\.00 · 已提醒 3 次/); // the name from the students table
    expect(text).toContain('2024020201 赵六（外国语学院）');
    expect(text).toContain('&lt;b&gt;X&lt;/b&gt;'); // escaped for mrkdwn
    await drained();
    expect(env.slack.callsOf('chat.postMessage').length).toBe(before + 1);

    escalations.set(10, Array.from({ length: 130 }, (_, i) => ({ studentId: `2099${String(i).padStart(6, '0')}`, college: '外国语学院', total: 100_000 + i, reminders: 3 })));
    await emit({ kind: 'dunning.escalated', runId: 10 });
    const big = await waitUntil(() => staffMessages().find((m) => m.text.startsWith('催缴转人工：130 名')), 'the long list');
    expect(big.blocks.length).toBeLessThanOrEqual(50);
    for (const b of big.blocks as { text?: { text: string } }[]) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
    expect(blockTexts(big.blocks)).toContain('另有 30 名学生未列出');
    await drained();
    expect(env.slack.callsOf('chat.postMessage').length).toBe(before + 2);

    // A run that escalated nobody posts nothing.
    await emit({ kind: 'dunning.escalated', runId: 11 });
    await drained();
    expect(env.slack.callsOf('chat.postMessage').length).toBe(before + 2);
  }, 30_000);
});
