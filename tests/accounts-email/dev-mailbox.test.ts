import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createEmailChanges } from '../../src/accounts/email-change.service.js';
import { createAudit } from '../../src/accounts/audit.service.js';
import { mountDevMailboxRoutes } from '../../src/http/dev-mailbox-page.js';
import { mountResetPasswordRoutes } from '../../src/http/reset-password-page.js';
import { redactSecrets } from '../../src/mail/dev-mailbox.js';
import { loadMailConfig } from '../../src/mail/mail-config.js';
import { createMailer } from '../../src/mail/mailer.js';
import { capturedLogger, dbWithStudents, resetsHarness, tokenFrom } from './fixture.js';

describe('dev mailbox (no SMTP_URL)', () => {
  it('keeps the reset mail for /dev/mailbox and logs it with the link redacted', async () => {
    const db = await dbWithStudents(['2023010101', 'li.lei@example.edu.cn']);
    const log = capturedLogger();
    const mailer = createMailer({ from: 'feebot <no-reply@localhost>', logger: log.logger });
    expect(mailer.devMailbox).toBeDefined();
    const h = resetsHarness(db, mailer);
    await h.resets.request('2023010101', 'zh-CN', { channel: 'web', chatId: 'c1' });
    await h.resets.idle();

    const [mail] = mailer.devMailbox?.messages() ?? [];
    expect(mail?.to).toBe('li.lei@example.edu.cn');
    const token = tokenFrom(mail?.text ?? '');

    const text = log.text() + h.log.text();
    expect(text).toContain('mail kept in the dev mailbox');
    expect(text).toContain('[link redacted]');
    expect(text).toContain('l***@example.edu.cn');
    expect(text).not.toContain(token);
    expect(text).not.toContain('li.lei@');

    // The page lists it with a clickable link that the reset page accepts.
    const app = new Hono();
    mountDevMailboxRoutes(app, mailer.devMailbox!);
    mountResetPasswordRoutes(app, { resets: h.resets, publicBaseUrl: 'https://fees.example.edu' });
    const page = await app.request('/dev/mailbox');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<a href="https://fees.example.edu/reset-password?token=${token}">`);
    expect(html).toContain('【示例大学】重置网上缴费密码');
    expect((await app.request(`/reset-password?token=${token}`)).status).toBe(200);
    const htmlPart = await app.request(`/dev/mailbox/${mail?.id}/html`);
    expect(await htmlPart.text()).toContain(`href="https://fees.example.edu/reset-password?token=${token}"`);
    expect(htmlPart.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('never logs an e-mail change code', async () => {
    const db = await dbWithStudents(['2023010101', 'old@example.edu.cn']);
    const log = capturedLogger();
    const mailer = createMailer({ from: 'feebot <no-reply@localhost>', logger: log.logger });
    const changes = createEmailChanges({ db, mailer, audit: createAudit({ db }), logger: log.logger });
    await changes.request('2023010101', 'new@example.com', 'en');
    const code = /\b(\d{6})\b/.exec(mailer.devMailbox?.messages()[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(log.text()).toContain('[code redacted]');
    expect(log.text()).not.toContain(code);
  });

  it('keeps the newest 50 messages, newest first', async () => {
    const mailer = createMailer({ from: 'x <x@localhost>', logger: capturedLogger().logger });
    for (let i = 1; i <= 55; i += 1) await mailer.send({ to: `s${i}@example.com`, subject: `m${i}`, text: 't', html: '<p>t</p>' });
    const kept = mailer.devMailbox?.messages() ?? [];
    expect(kept).toHaveLength(50);
    expect(kept[0]?.subject).toBe('m55');
    expect(kept[49]?.subject).toBe('m6');
  });

  it('escapes mail content on the page and links only http(s) URLs', async () => {
    const mailer = createMailer({ from: 'x <x@localhost>', logger: capturedLogger().logger });
    await mailer.send({ to: 'a@example.com', subject: '<b>hi</b>', text: 'see javascript:alert(1) and <i>x</i> https://a.example/p?q=1&r=2', html: '' });
    const app = new Hono();
    mountDevMailboxRoutes(app, mailer.devMailbox!);
    const html = await (await app.request('/dev/mailbox')).text();
    expect(html).toContain('&#60;b&#62;hi&#60;/b&#62;');
    expect(html).not.toContain('<i>x</i>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<a href="https://a.example/p?q=1&#38;r=2">');
  });

  it('redacts links, 6-digit codes and token-like strings, but not student IDs', () => {
    expect(redactSecrets('go to https://x.example/reset?token=abc now')).toBe('go to [link redacted] now');
    expect(redactSecrets('code: 123456.')).toBe('code: [code redacted].');
    expect(redactSecrets('学号 2023010101')).toBe('学号 2023010101');
    expect(redactSecrets(`t=${'a'.repeat(43)}`)).toBe('t=[redacted]');
  });
});

describe('mail config', () => {
  it('defaults MAIL_FROM and leaves SMTP_URL unset', () => {
    expect(loadMailConfig({})).toEqual({ from: 'feebot <no-reply@localhost>' });
    expect(loadMailConfig({ SMTP_URL: '  ', MAIL_FROM: '' })).toEqual({ from: 'feebot <no-reply@localhost>' });
  });

  it('accepts smtp and smtps URLs and refuses others without echoing the secret', () => {
    expect(loadMailConfig({ SMTP_URL: 'smtps://u:p@mail.example.edu:465', MAIL_FROM: 'Fees <fees@example.edu>' })).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.edu:465',
      from: 'Fees <fees@example.edu>',
    });
    expect(() => loadMailConfig({ SMTP_URL: 'http://user:hunter2@mail.example.edu' })).toThrow(/SMTP_URL/);
    try {
      loadMailConfig({ SMTP_URL: 'http://user:hunter2@mail.example.edu' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
