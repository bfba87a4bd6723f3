import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type SmtpServerFixture } from '../accounts-email/fixture.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';

// A real feebot (demo data) with a real SMTP server: the reminder reaches a web chat and a mailbox,
// its 网上缴费 lands on the pay flow, 退订 and the mail's unsubscribe link stop further reminders.

let app: TestFeebot;
let smtp: SmtpServerFixture;
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  smtp = await startSmtpServer();
  const dir = mkdtempSync(join(tmpdir(), 'dunning-policy-'));
  // No quiet hours here: the test must not depend on the hour it runs at (cadence.test covers them).
  writeFileSync(join(dir, 'policy.yaml'), 'quietHours: { start: "00:00", end: "00:00" }\nsendRatePerSec: 30\n');
  app = await startTestFeebot({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    DUNNING_POLICY_FILE: join(dir, 'policy.yaml'),
    DUNNING_LINK_SECRET: 'dunning-test-secret-0123456789',
  });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

describe('reminders through real channels', () => {
  it('reach the web chat (pay button opens 网上缴费) and, for a student without a chat, e-mail with List-Unsubscribe', async () => {
    const { db } = app.feebot;
    await db.updateTable('fee_items').set({ due_date: today() }).where('student_id', 'in', ['2023010101', '2024020201']).execute();
    await db.updateTable('students').set({ recovery_email: 'zhao@example.edu.cn' }).where('student_id', '=', '2024020201').execute();
    const chat = createWebChatClient(app.baseUrl);
    await login(chat, '2023010101');

    const fired = await app.feebot.dunning.service.runNow();
    expect(fired?.result.planned).toBeGreaterThanOrEqual(2);
    app.feebot.outbox.kick();
    const reminder = await chat.waitFor((m) => m.payload.text.includes('【缴费提醒】'));
    expect(reminder.payload.text).toContain('张三同学');
    expect(reminder.payload.text).toMatch(/合计：¥[\d,]+\.\d\d/);
    const payUrl = chat.buttonUrl(reminder, '网上缴费');
    expect(payUrl).toMatch(new RegExp(`^${app.baseUrl}/\\?paylink=[\\w-]+\\.[0-9a-z]+\\.[\\w-]+\\.[\\w-]{32}$`));
    const stopButton = chat.buttonUrl(reminder, '退订提醒');
    expect(stopButton).toMatch(/\/dunning\/unsubscribe\?t=[\w-]+\.[\w-]+&c=web$/);
    // The page opens with ?paylink=…, which it posts: this chat is logged in as 张三, so straight to the items to pay.
    const opened = await fetch(`${app.baseUrl}/api/chat/pay-link`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-token': chat.token }, body: JSON.stringify({ token: new URL(payUrl).searchParams.get('paylink') }) });
    expect(await opened.json()).toEqual({ ok: true });
    await chat.waitFor((m) => m.payload.text.startsWith('网上缴费\n请勾选本次要缴费的项目') && m.id > reminder.id);
    // 申请缓缴: the web chat with ?start=defer, which opens the deferral's item list for this student.
    const deferUrl = chat.buttonUrl(reminder, '申请缓缴');
    expect(deferUrl).toBe(`${app.baseUrl}/?start=defer`);
    const before = (await chat.latest())!.id;
    await chat.start(new URL(deferUrl).searchParams.get('start')!);
    await chat.waitFor((m) => m.id > before && m.payload.text.startsWith('申请缓缴（绿色通道）'));

    // 王五 (no chat, a recovery e-mail in the demo data) gets one too.
    const mail = (await smtp.waitFor(2)).find((m) => m.to.includes('zhao@example.edu.cn'));
    expect(mail!.mail.subject).toContain('缴费提醒');
    expect(mail!.mail.text).toContain('赵六同学');
    expect(mail!.mail.html).toContain('网上缴费');
    expect(mail!.mail.text).toMatch(/网上缴费: http:\/\/[^\s]+\/\?paylink=[\w.-]+/);
    expect(mail!.mail.text).toMatch(/申请缓缴: http:\/\/[^\s]+\/\?start=defer/);
    const header = (name: string) => mail!.mail.headerLines.find((h) => h.key === name)?.line ?? '';
    const link = /<(http[^>]+)>/.exec(header('list-unsubscribe'))?.[1] ?? '';
    expect(link).toMatch(/\/dunning\/unsubscribe\?t=/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // One-click unsubscribe (what a mail client posts); a forged token changes nothing.
    expect((await fetch(`${link}x`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    // The chat's 退订提醒 button: a page that asks, then stops reminders on that channel.
    const ask = await fetch(stopButton);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('网页聊天');
    expect((await fetch(stopButton.replace('&c=web', '&c=sms'), { method: 'POST' })).status).toBe(400);
    expect((await fetch(stopButton, { method: 'POST' })).status).toBe(200);
    // 退订 in the chat.
    await chat.text('退订');
    await chat.waitFor((m) => m.payload.text.includes('已为您退订缴费提醒'));
    const optouts = await db.selectFrom('dunning_optouts').select(['student_id', 'channel', 'opted_out']).orderBy('student_id').orderBy('channel').execute();
    expect(optouts).toEqual([
      { student_id: '2023010101', channel: 'all', opted_out: 1 },
      { student_id: '2023010101', channel: 'web', opted_out: 1 },
      { student_id: '2024020201', channel: 'all', opted_out: 1 },
    ]);
    const audit = await db.selectFrom('audit_log').select(['student_id', 'event']).where('event', '=', 'dunning.optout').orderBy('student_id').execute();
    expect(audit.map((a) => a.student_id)).toEqual(['2023010101', '2023010101', '2024020201']);
  });
});
