import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';
import { STAFF_CHANNEL, startSlackTestEnv, waitUntil, type SlackTestEnv } from './slack-harness.js';

// /fees student, arrears, payments, remind and App Home against a real feebot and the fake Slack.

let env: SlackTestEnv;
beforeAll(async () => {
  env = await startSlackTestEnv();
}, 30_000);
afterAll(async () => env?.stop());

const response = (id: string) => waitUntil(() => env.slack.responses.find((r) => r.id === id)?.body, `response ${id}`);
const text = (body: unknown) => JSON.stringify(body);

describe('/fees commands', () => {
  it('student: answers at once, then the card with arrears per year, unpaid items and buttons', async () => {
    const res = await env.command('U0OFFICER', 'student 2023010101', 'stu1');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const card = await response('stu1');
    expect(card.response_type).toBe('ephemeral');
    expect(text(card)).toContain('张三');
    expect(text(card)).toContain('2023-2024');
    expect(text(card)).toContain('student.remind');
    expect(text(card)).toContain('student.orders');
    // A viewer sees the card without the buttons; a scoped officer cannot see another college.
    await env.command('U0VIEWER', 'student 2023010101', 'stu2');
    expect(text(await response('stu2'))).not.toContain('student.remind');
    await env.command('U0SCOPED', 'student 2023010101', 'stu3');
    expect(text(await response('stu3'))).toContain('您只能处理外国语学院的学生');
    await env.command('U0OFFICER', 'student 9999999999', 'stu4');
    expect(text(await response('stu4'))).toContain('未找到学号为 9999999999 的学生');
    await env.command('U0OFFICER', 'nonsense', 'stu5');
    expect(text(await response('stu5'))).toContain('/fees 用法');
  });

  it('arrears: totals per college and a CSV (UTF-8 BOM, formula cells neutralised) uploaded through files.uploadV2', async () => {
    // A class name that would be a formula in Excel.
    await env.app.feebot.db.updateTable('students').set({ class_name: '=HYPERLINK("http://x")' }).where('student_id', '=', '2025030301').execute();
    await env.command('U0OFFICER', 'arrears 2025-2026', 'arr1');
    const summary = await response('arr1');
    expect(text(summary)).toContain('欠费统计');
    expect(text(summary)).toContain('计算机科学与技术学院');
    const upload = await waitUntil(() => env.slack.uploads.find((u) => u.channel === STAFF_CHANNEL && u.filename.startsWith('arrears-')), 'the arrears CSV');
    expect(env.slack.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(env.slack.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect([...upload.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = upload.bytes.toString('utf8').slice(1);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('学号,姓名,学院,班级,收费期间,项目代码,收费项目,应缴金额,已缴金额,欠费金额,截止日期');
    expect(lines.every((l, i) => i === 0 || l.includes(',2025-2026,'))).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);

    // A scoped officer gets their own college only, and cannot ask for another.
    await env.command('U0SCOPED', 'arrears', 'arr2');
    const scoped = await response('arr2');
    expect(text(scoped)).toContain('外国语学院');
    expect(text(scoped)).not.toContain('计算机科学与技术学院');
    await env.command('U0SCOPED', 'arrears 2025-2026 计算机科学与技术学院', 'arr3');
    expect(text(await response('arr3'))).toContain('您只能处理外国语学院的学生');
  });

  it('payments: the day\'s reconciliation with a CSV; a bad date is refused', async () => {
    await env.command('U0OFFICER', 'payments', 'pay1');
    expect(text(await response('pay1'))).toContain('对账');
    await waitUntil(() => env.slack.uploads.find((u) => u.filename.startsWith('payments-')), 'the payments CSV');
    await env.command('U0OFFICER', 'payments 2026-02-30', 'pay2');
    expect(text(await response('pay2'))).toContain('YYYY-MM-DD');
  });

  it('remind: a confirmation modal with the text and channels, then the student gets it through the outbox, in each chat\'s language', async () => {
    const chat = createWebChatClient(env.app.baseUrl);
    await login(chat, '2024020201');
    // A second chat of the student's, switched to English: the reminder there is in English.
    const english = createWebChatClient(env.app.baseUrl);
    await login(english, '2024020201');
    await english.text('language');
    await english.waitFor((m) => m.payload.text.includes('Total arrears'));
    await env.command('U0OFFICER', 'remind 2024020201', 'rem1');
    const modal = await waitUntil(() => env.slack.views.find((v) => v.view.callback_id === 'student.remind'), 'the remind modal');
    expect(text(modal.view)).toContain('缴费提醒');
    expect(text(modal.view)).toContain('web');
    await env.submit('U0OFFICER', 'student.remind', '2024020201', {});
    await chat.waitFor((m) => m.payload.text.includes('【缴费提醒】赵六同学'));
    const inEnglish = await english.waitFor((m) => m.payload.text.startsWith('[Fee reminder]'));
    expect(inEnglish.payload.text).toMatch(/^\[Fee reminder\] Hello 赵六, you still have ¥[\d,]+\.\d\d in unpaid fees\. Please log in and choose Pay online/);
    const audit = await listStaffAudit(env.app.feebot.db, 50);
    expect(audit.some((a) => a.action === 'student.remind' && a.studentId === '2024020201')).toBe(true);
    // Viewers cannot send reminders.
    await env.command('U0VIEWER', 'remind 2024020201', 'rem2');
    expect(text(await response('rem2'))).toContain('查看者');
  });

  it('App Home: the dashboard for staff, a refusal for others', async () => {
    await env.event({ type: 'app_home_opened', user: 'U0OFFICER', channel: 'D1', tab: 'home', event_ts: '1' }, 'EvHOME1');
    const home = await waitUntil(() => env.slack.views.find((v) => v.method === 'views.publish' && v.userId === 'U0OFFICER'), 'the dashboard');
    expect(text(home.view)).toContain('财务处工作台');
    expect(text(home.view)).toContain('欠费总额');
    expect(text(home.view)).toContain('未解决问题单');
    await env.event({ type: 'app_home_opened', user: 'U0STRANGER', channel: 'D2', tab: 'home', event_ts: '2' }, 'EvHOME2');
    const refused = await waitUntil(() => env.slack.views.find((v) => v.method === 'views.publish' && v.userId === 'U0STRANGER'), 'the refusal');
    expect(text(refused.view)).toContain('不在财务处人员名单中');
  });
});
