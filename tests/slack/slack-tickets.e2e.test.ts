import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProblemReport } from '../../src/db/repositories/problem-report.repository.js';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { callbackData, fakeApiChat, pressButton, waitForBotMessage, withButton, withText } from '../telegram-e2e/telegram-chat-driver.js';
import { startFakeBotApi, type FakeBotApi } from '../telegram/fake-bot-api.js';
import { STAFF_CHANNEL, startSlackTestEnv, textValue, waitUntil, type SlackTestEnv } from './slack-harness.js';

// Problem tickets end to end: a student reports a problem in the web chat and in Telegram; the
// ticket appears in the (fake) Slack staff channel; an officer claims it, replies through the
// modal (the student gets the reply in their own chat), and resolves it. The card is updated in place.

let env: SlackTestEnv;
let telegram: FakeBotApi;

beforeAll(async () => {
  telegram = await startFakeBotApi('424242:slack-e2e-token');
  env = await startSlackTestEnv({
    AGREEMENT_SECONDS: '0',
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_RATE_PER_CHAT_PER_SEC: '100',
  });
}, 30_000);
afterAll(async () => {
  await env?.stop();
  await telegram?.close();
});

const blocksText = (blocks: unknown[]) => JSON.stringify(blocks);
const ticketMessage = (id: number) => env.slack.messages.find((m) => m.channel === STAFF_CHANNEL && m.text.startsWith(`问题单 #${id}`));
const latestResponse = (id: string) => env.slack.responses.filter((r) => r.id === id).at(-1)?.body;

async function reportFromWebChat(studentId: string, words: string): Promise<ReturnType<typeof createWebChatClient>> {
  const chat = createWebChatClient(env.app.baseUrl);
  await login(chat, studentId);
  await placeOrder(chat);
  let menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '付款出现问题'));
  await chat.action(chat.buttonCode(menu, '付款出现问题'));
  menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '报告问题'));
  await chat.action(chat.buttonCode(menu, '报告问题'));
  await chat.waitFor((m) => m.payload.text.includes('请描述'));
  await chat.text(words);
  await chat.waitFor((m) => m.payload.text.includes('问题已提交'));
  return chat;
}

describe('problem tickets on Slack', () => {
  it('web chat: report → ticket card → claim → reply through the modal → student gets it → resolved', async () => {
    const chat = await reportFromWebChat('2024020201', '银行卡已扣款，但页面没有显示成功');
    const card = await waitUntil(() => ticketMessage(1), 'ticket #1 in the staff channel');
    expect(blocksText(card.blocks)).toContain('银行卡已扣款，但页面没有显示成功');
    expect(blocksText(card.blocks)).toContain('赵六');
    expect(blocksText(card.blocks)).toContain('认领');

    expect((await env.action('U0OFFICER', 'ticket.claim', '1')).status).toBe(200);
    await waitUntil(() => card.history.length >= 2, 'the card updated after the claim');
    expect(blocksText(card.blocks)).toContain('处理中');
    expect(blocksText(card.blocks)).toContain('认领：钱会计');
    expect(blocksText(card.blocks)).not.toContain('"ticket.claim"');

    expect((await env.action('U0OFFICER', 'ticket.reply', '1')).status).toBe(200);
    const modal = await waitUntil(() => env.slack.views.find((v) => v.method === 'views.open' && v.view.callback_id === 'ticket.reply'), 'the reply modal');
    expect(modal.view.private_metadata).toBe('1');
    // An empty reply is refused inside the modal and sends nothing.
    const empty = await env.submit('U0OFFICER', 'ticket.reply', '1', textValue('   '));
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });
    const submitted = await env.submit('U0OFFICER', 'ticket.reply', '1', textValue('已核实到账，请刷新页面查看。'));
    expect(submitted.status).toBe(200);
    await chat.waitFor((m) => m.payload.text.includes('【财务处回复】') && m.payload.text.includes('已核实到账'));
    await waitUntil(() => blocksText(card.blocks).includes('已回复学生 1 次'), 'the card shows the reply');

    await env.action('U0OFFICER', 'ticket.resolve', '1');
    await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'ticket.resolve'), 'the resolve modal');
    await env.submit('U0OFFICER', 'ticket.resolve', '1', textValue('款项已入账'));
    await waitUntil(() => blocksText(card.blocks).includes('✅ 已解决'), 'the card resolved');
    expect(blocksText(card.blocks)).not.toContain('"actions"');
    await chat.waitFor((m) => m.payload.text.includes('款项已入账'));
    expect(await findProblemReport(env.app.feebot.db, 1)).toMatchObject({ status: 'resolved', claimed_by: '钱会计', resolved_by: '钱会计', resolution_note: '款项已入账', replies: 1 });
    // One message for the ticket, edited in place.
    expect(env.slack.messages.filter((m) => m.text.startsWith('问题单 #1'))).toHaveLength(1);

    const audit = (await listStaffAudit(env.app.feebot.db, 50)).filter((a) => a.subject === 'ticket:1').map((a) => [a.action, a.staffEmail, a.studentId]);
    expect(audit.reverse()).toEqual([
      ['ticket.claim', 'officer@uni.edu.cn', '2024020201'],
      ['ticket.reply', 'officer@uni.edu.cn', '2024020201'],
      ['ticket.resolve', 'officer@uni.edu.cn', '2024020201'],
    ]);
  }, 60_000);

  it('Telegram: report → ticket → the reply reaches the Telegram chat; a viewer, an outsider and another college are refused', async () => {
    const tg = fakeApiChat(telegram, 9101);
    await tg.sendText('/start');
    await waitForBotMessage(tg, withText('请输入学号'));
    await tg.sendText('2023010101');
    await waitForBotMessage(tg, withText('请输入密码'));
    await tg.sendText('Demo@2026');
    await waitForBotMessage(tg, withText('欠费总额'));
    await pressButton(tg, '网上缴费');
    const select = await waitForBotMessage(tg, withButton(/^☐ 2025-2026 学费/));
    await tg.press(select, callbackData(select, /^☐ 2025-2026 学费/));
    await waitForBotMessage(tg, withButton(/^✓ 2025-2026 学费/));
    await pressButton(tg, '下一步');
    await pressButton(tg, '同意');
    await pressButton(tg, '确认');
    await pressButton(tg, '付款出现问题', 15_000);
    await pressButton(tg, '报告问题');
    await waitForBotMessage(tg, withText('请描述'));
    await tg.sendText('二维码扫不出来');
    await waitForBotMessage(tg, withText('问题已提交'));

    const card = await waitUntil(() => ticketMessage(2), 'ticket #2 in the staff channel');
    expect(blocksText(card.blocks)).toContain('二维码扫不出来');
    expect(blocksText(card.blocks)).toContain('telegram');

    // A viewer may look but not act.
    await env.action('U0VIEWER', 'ticket.claim', '2', 'viewer-claim');
    await waitUntil(() => latestResponse('viewer-claim'), 'the viewer refusal');
    expect(latestResponse('viewer-claim')).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('查看者') });
    // An officer scoped to 外国语学院 cannot handle a 计算机科学与技术学院 student.
    await env.action('U0SCOPED', 'ticket.claim', '2', 'scoped-claim');
    await waitUntil(() => latestResponse('scoped-claim'), 'the college refusal');
    expect(String(latestResponse('scoped-claim')?.text)).toContain('外国语学院');
    // Someone not on the staff list.
    await env.action('U0STRANGER', 'ticket.claim', '2', 'stranger-claim');
    await waitUntil(() => latestResponse('stranger-claim'), 'the outsider refusal');
    expect(String(latestResponse('stranger-claim')?.text)).toContain('不在财务处人员名单中');
    const outsider = await env.command('U0STRANGER', 'student 2023010101');
    expect(await outsider.json()).toMatchObject({ text: expect.stringContaining('不在财务处人员名单中') });
    expect(await findProblemReport(env.app.feebot.db, 2)).toMatchObject({ status: 'open', claimed_by: null });
    expect(card.history).toHaveLength(1);

    await env.action('U0OFFICER', 'ticket.reply', '2');
    await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'ticket.reply' && v.view.private_metadata === '2'), 'the reply modal');
    await env.submit('U0OFFICER', 'ticket.reply', '2', textValue('请改用支付宝扫码。'));
    await waitForBotMessage(tg, withText('请改用支付宝扫码'));
  }, 60_000);
});
