import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { startSmtpServer, type SmtpServerFixture } from '../accounts-email/fixture.js';

// Through real SMTP: without MAIL_FROM the sender is the university; the subject and signature too.

let smtp: SmtpServerFixture;
let app: TestFeebot;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestFeebot({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, UNIVERSITY_NAME: '测试理工大学', FINANCE_OFFICE_PHONE: '021-5555 0101' });
});

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

describe('mail sender', () => {
  it('comes from "<UNIVERSITY_NAME> 网上缴费" unless MAIL_FROM is set', async () => {
    await app.feebot.resets.request('2023010101', 'zh-CN', { channel: 'web', chatId: 'c1' });
    await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1);
    const mail = smtp.received[0]!.mail;
    expect(mail.from?.value[0]).toEqual({ name: '测试理工大学 网上缴费', address: 'no-reply@localhost' });
    expect(mail.subject).toBe('【测试理工大学】重置网上缴费密码');
    expect(mail.text).toContain('联系：测试理工大学财务处（电话 021-5555 0101；');
  });
});
