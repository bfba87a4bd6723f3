import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeferral } from '../../src/db/repositories/deferral.repository.js';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';
import { STAFF_CHANNEL, startSlackTestEnv, textValue, waitUntil, type SlackTestEnv } from './slack-harness.js';

// 缓缴 end to end: a student asks in the web chat (设置 → 申请缓缴), the approval card appears in
// Slack, an officer approves (the student is told, the items show 已缓缴至, a reminder skips them);
// another request is rejected with a reason, which the student receives.

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv();
}, 30_000);
afterAll(async () => env?.stop());

const hasButton = (label: string) => (m: { payload: { buttons: { label: string }[][] } }) => m.payload.buttons.flat().some((b) => b.label.includes(label));
const card = (id: number) => env.slack.messages.find((m) => m.channel === STAFF_CHANNEL && m.text.startsWith(`缓缴申请 #${id}`));
const inAYear = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

async function requestDeferral(chat: WebChatClient, labels: string[], reason: string): Promise<void> {
  await chat.text('设置');
  let menu = await chat.waitFor(hasButton('申请缓缴'));
  await chat.action(chat.buttonCode(menu, '申请缓缴'));
  for (const label of labels) {
    menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label.startsWith('☐') && b.label.includes(label)));
    const code = (menu.payload.buttons.flat().find((b) => b.label.startsWith('☐') && b.label.includes(label)) as { code: string }).code;
    await chat.action(code);
    // The menu is redrawn with the item ticked (and a new revision): press 下一步 on that one.
    menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label.startsWith('✓') && b.label.includes(label)));
  }
  await chat.action(chat.buttonCode(menu, '下一步'));
  await chat.waitFor((m) => m.payload.text.includes('请输入缓缴至的日期'));
  await chat.text(inAYear);
  await chat.waitFor((m) => m.payload.text.includes('请简要说明申请原因'));
  await chat.text(reason);
  await chat.waitFor((m) => m.payload.text.includes('缓缴申请已提交'));
}

describe('缓缴 deferrals through Slack', () => {
  it('requested in chat → approval card → 批准 → student told, items show 已缓缴至, reminders skip them', async () => {
    const chat = createWebChatClient(env.app.baseUrl);
    await login(chat, '2024020201');
    await requestDeferral(chat, ['2025-2026 学费'], '家庭经济困难，助学贷款下月到账');

    const approval = await waitUntil(() => card(1), 'the approval card');
    const text = JSON.stringify(approval.blocks);
    expect(text).toContain('赵六');
    expect(text).toContain(inAYear);
    expect(text).toContain('助学贷款下月到账');
    expect(text).toContain('deferral.approve');

    // A viewer cannot approve.
    await env.action('U0VIEWER', 'deferral.approve', '1', 'viewer-approve');
    await waitUntil(() => env.slack.responses.find((r) => r.id === 'viewer-approve'), 'the viewer refusal');
    expect((await findDeferral(env.app.feebot.db, 1))?.status).toBe('pending');

    await env.action('U0OFFICER', 'deferral.approve', '1');
    const told = await chat.waitFor((m) => m.payload.text.includes('已批准') && m.payload.text.includes(inAYear));
    await waitUntil(() => JSON.stringify(card(1)?.blocks).includes('✅ 已批准'), 'the card updated');
    expect(JSON.stringify(card(1)?.blocks)).not.toContain('deferral.approve');

    // The student's views say so.
    await chat.text('/menu');
    const home = await chat.waitFor((m) => m.id > told.id && hasButton('收费情况明细')(m));
    await chat.action(chat.buttonCode(home, '收费情况明细'));
    await chat.waitFor((m) => m.payload.text.includes(`已缓缴至 ${inAYear}`));

    // The reminder leaves the deferred 学费 (¥16,000) out: only the other ¥1,500 is asked for.
    await env.command('U0OFFICER', 'remind 2024020201', 'remind-deferred');
    const modal = await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'student.remind'), 'the remind modal');
    expect(JSON.stringify(modal.view)).toContain('¥1,500.00');
    expect(JSON.stringify(modal.view)).not.toContain('17,500');

    // The officer's card of the student shows it too.
    await env.command('U0OFFICER', 'student 2024020201', 'stu-deferred');
    const studentCard = await waitUntil(() => env.slack.responses.find((r) => r.id === 'stu-deferred')?.body, 'the student card');
    expect(JSON.stringify(studentCard)).toContain(`已缓缴至 ${inAYear}`);
  }, 60_000);

  it('驳回 with a reason: the student receives it; a second request while one is pending is refused', async () => {
    const chat = createWebChatClient(env.app.baseUrl);
    await login(chat, '2023010101');
    await requestDeferral(chat, ['2025-2026 住宿费'], '暂时困难');
    await waitUntil(() => card(2), 'the second card');

    // Another request while this one is under review.
    await chat.text('设置');
    let menu = await chat.waitFor(hasButton('申请缓缴'));
    await chat.action(chat.buttonCode(menu, '申请缓缴'));
    menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label.startsWith('☐')));
    await chat.action((menu.payload.buttons.flat().find((b) => b.label.startsWith('☐')) as { code: string }).code);
    menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label.startsWith('✓')));
    await chat.action(chat.buttonCode(menu, '下一步'));
    await chat.waitFor((m) => m.payload.text.includes('请输入缓缴至的日期'));
    await chat.text(inAYear);
    await chat.waitFor((m) => m.payload.text.includes('请简要说明申请原因'));
    await chat.text('再申请一次');
    await chat.waitFor((m) => m.payload.text.includes('正在审核中'));

    await env.action('U0OFFICER', 'deferral.reject', '2');
    await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'deferral.reject'), 'the reject modal');
    const empty = await env.submit('U0OFFICER', 'deferral.reject', '2', textValue(''));
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });
    await env.submit('U0OFFICER', 'deferral.reject', '2', textValue('请先申请助学贷款'));
    await chat.waitFor((m) => m.payload.text.includes('未获批准') && m.payload.text.includes('请先申请助学贷款'));
    await waitUntil(() => JSON.stringify(card(2)?.blocks).includes('⛔ 已驳回'), 'the rejected card');
    expect(await findDeferral(env.app.feebot.db, 2)).toMatchObject({ status: 'rejected', decidedBy: '钱会计', decisionNote: '请先申请助学贷款' });
    const audit = (await listStaffAudit(env.app.feebot.db, 50)).filter((a) => a.subject?.startsWith('deferral:')).map((a) => a.action);
    expect(audit.reverse()).toEqual(['deferral.approve', 'deferral.reject']);
  }, 60_000);

  it('a request whose date has passed (local day) cannot be approved, only rejected', async () => {
    const { ledger, db } = env.app.feebot;
    const item = await db.selectFrom('fee_items').select('id').where('student_id', '=', '2025030301').whereRef('amount_paid', '<', 'amount_due').executeTakeFirstOrThrow();
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10); // Beijing yesterday
    const asked = await ledger.requestDeferral({ studentId: '2025030301', itemIds: [Number(item.id)], until: yesterday, reason: '等待助学金', channel: 'web', chatId: 'late-chat', now: Date.now() });
    if (!asked.ok) throw new Error(asked.reason);
    await env.action('U0OFFICER', 'deferral.approve', String(asked.id), 'approve-late');
    const said = await waitUntil(() => env.slack.responses.find((r) => r.id === 'approve-late')?.body, 'the refusal');
    expect(JSON.stringify(said)).toContain(`申请的缓缴日期 ${yesterday} 已过`);
    expect((await findDeferral(db, asked.id))?.status).toBe('pending');
    // App Home counts it among the requests waiting for a decision.
    await env.event({ type: 'app_home_opened', user: 'U0OFFICER', channel: 'D1', tab: 'home', event_ts: '1' }, 'EvHOMEDEF');
    const home = await waitUntil(() => env.slack.views.find((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER'), 'the dashboard');
    expect(JSON.stringify(home.view)).toContain('*待审批缓缴申请*\\n1 个');
  }, 30_000);
});
