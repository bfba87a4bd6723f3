import { describe, expect, it } from 'vitest';
import { emailChangeCodeMail, emailChangedNoticeMail, formatMailTime, resetPasswordMail } from '../../src/mail/mail-templates.js';
import { T0 } from './fixture.js';

const EVIL = '<script>alert("x")</script>';

describe('mail templates', () => {
  it('have zh-CN and English text and HTML parts with every value escaped in the HTML', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const mails = [
        resetPasswordMail(lang, { name: EVIL, studentId: '2023010101', link: 'https://fees.example.edu/reset-password?token=a&b="c"', ttlMinutes: 30 }),
        emailChangeCodeMail(lang, { name: EVIL, studentId: '2023010101', code: '012345', ttlMinutes: 30 }),
        emailChangedNoticeMail(lang, { name: EVIL, studentId: '2023010101', newEmailMasked: 'n***@example.com', changedAt: formatMailTime(T0, 'Asia/Shanghai') }),
      ];
      for (const mail of mails) {
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.text).toContain(EVIL); // plain text is plain
        expect(mail.html).not.toContain('<script>');
        expect(mail.html).toContain('&#60;script&#62;');
        expect(mail.html).toContain(`lang="${lang}"`);
      }
      expect(mails[0]!.html).toContain('href="https://fees.example.edu/reset-password?token=a&#38;b=&#34;c&#34;"');
      expect(mails[1]!.text).toContain('012345');
      expect(mails[2]!.text).toContain('2025-09-01 16:00 (Asia/Shanghai)');
    }
    expect(resetPasswordMail('zh-CN', { name: '李雷', studentId: '1', link: 'https://x', ttlMinutes: 30 }).text).toContain('30 分钟内');
    expect(resetPasswordMail('en', { name: 'Li Lei', studentId: '1', link: 'https://x', ttlMinutes: 30 }).text).toContain('within 30 minutes');
  });
});
