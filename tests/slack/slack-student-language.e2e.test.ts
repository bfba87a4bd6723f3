import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';
import { startSlackTestEnv, textValue, waitUntil, type SlackTestEnv } from './slack-harness.js';

// What the finance office sends a student from Slack — a ticket reply, the resolution, a deferral
// decision — is framed in the language the student last used in that chat, not always in Chinese.

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv();
}, 30_000);
afterAll(async () => env?.stop());

async function englishChat(studentId: string) {
  const chat = createWebChatClient(env.app.baseUrl);
  await login(chat, studentId);
  await chat.text('lang');
  await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '中文'));
  const row = await env.app.feebot.db.selectFrom('conversations').select('chat_id').where('channel', '=', 'web').where('student_id', '=', studentId).executeTakeFirstOrThrow();
  return { chat, chatId: row.chat_id };
}

describe('Slack replies in the student\'s language', () => {
  it('a ticket reply and its resolution reach an English-speaking student in English', async () => {
    const { chat, chatId } = await englishChat('2023010101');
    const { ledger, outbox } = env.app.feebot;
    const id = await ledger.reportProblem({ studentId: '2023010101', orderId: null, channel: 'web', chatId, description: 'Paid but not shown', now: Date.now() });
    outbox.kick();
    await waitUntil(() => env.slack.messages.find((m) => m.text.startsWith(`问题单 #${id}`)), 'the ticket card');

    await env.action('U0OFFICER', 'ticket.reply', String(id));
    await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'ticket.reply' && v.view.private_metadata === String(id)), 'the reply modal');
    await env.submit('U0OFFICER', 'ticket.reply', String(id), textValue('We found your payment.'));
    const reply = await chat.waitFor((m) => m.payload.text.includes('We found your payment.'));
    expect(reply.payload.text).toBe('[Finance office reply]\nWe found your payment.');

    await env.submit('U0OFFICER', 'ticket.resolve', String(id), textValue('Credited on 2 Sep'));
    const resolved = await chat.waitFor((m) => m.payload.text.includes('Credited on 2 Sep'));
    expect(resolved.payload.text).toBe('[Finance office] The problem you reported has been handled: Credited on 2 Sep');
    expect(resolved.payload.text).not.toMatch(/财务处/);
  }, 60_000);

  it('an announcement for all languages is framed in each chat\'s language', async () => {
    const { chat } = await englishChat('2025030301');
    const zhChat = createWebChatClient(env.app.baseUrl);
    await login(zhChat, '2023010102');
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const sel = (value: string) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } });
    await env.submit('U0OFFICER', 'announce', '', {
      title: { value: { type: 'plain_text_input', value: 'Fees / 缴费' } },
      body: { value: { type: 'plain_text_input', value: 'Due 30 Sep / 9月30日前' } },
      lang: { value: sel('all') },
      audience: { value: sel('all') },
      college: { value: { type: 'plain_text_input', value: null } },
      until: { value: { type: 'datepicker', selected_date: until } },
      send: { value: { type: 'checkboxes', selected_options: [{ value: 'yes', text: { type: 'plain_text', text: 'x' } }] } },
    });
    const en = await chat.waitFor((m) => m.payload.text.includes('Due 30 Sep'));
    expect(en.payload.text).toBe('[Notice] Fees / 缴费: Due 30 Sep / 9月30日前');
    const zh = await zhChat.waitFor((m) => m.payload.text.includes('Due 30 Sep') && m.payload.placement === 'message');
    expect(zh.payload.text).toBe('【公告】Fees / 缴费：Due 30 Sep / 9月30日前');
  }, 60_000);

  it('a deferral decision reaches an English-speaking student in English', async () => {
    const { chat, chatId } = await englishChat('2024020201');
    const { ledger, db } = env.app.feebot;
    const item = await db.selectFrom('fee_items').select('id').where('student_id', '=', '2024020201').whereRef('amount_paid', '<', 'amount_due').executeTakeFirstOrThrow();
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const asked = await ledger.requestDeferral({ studentId: '2024020201', itemIds: [Number(item.id)], until, reason: 'Loan arrives next month', channel: 'web', chatId, now: Date.now() });
    if (!asked.ok) throw new Error(asked.reason);
    await env.action('U0OFFICER', 'deferral.reject', String(asked.id));
    await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'deferral.reject'), 'the reject modal');
    await env.submit('U0OFFICER', 'deferral.reject', String(asked.id), textValue('Apply for the student loan first'));
    const told = await chat.waitFor((m) => m.payload.text.includes('Apply for the student loan first'));
    expect(told.payload.text).toMatch(/^Your deferral request \(#\d+\)/);
    expect(told.payload.text).not.toMatch(/缓缴/);
  }, 60_000);
});
