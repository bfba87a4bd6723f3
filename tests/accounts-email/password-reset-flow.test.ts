import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { mountResetPasswordRoutes } from '../../src/http/reset-password-page.js';
import { securityHeaders } from '../../src/http/security-headers.js';
import { dbWithStudents, OLD_PASSWORD, passwordMatches, PUBLIC_BASE_URL, resetsHarness, smtpSuite, tokenFrom } from './fixture.js';

// The whole 【忘记密码】 path through real parts: a real SMTP server receives the mail,
// mailparser reads it, the link's page is fetched from the hono app and its form posted.

const CTX = { channel: 'telegram', chatId: '777' };
const NEW_PASSWORD = 'Brand-New#Pass9';
const COOKIE = '__Host-feebot_reset_csrf';

describe('password reset through SMTP and the reset page', () => {
  const smtp = smtpSuite();
  let db: Db;
  let h: ReturnType<typeof resetsHarness>;
  let app: Hono;

  beforeEach(async () => {
    db = await dbWithStudents(['2023010101', 'li.lei@example.edu.cn']);
    h = resetsHarness(db, smtp.mailer);
    app = new Hono();
    // As in createHttpApp: the no-referrer, no-framing headers come from the app-level middleware.
    app.use(securityHeaders());
    mountResetPasswordRoutes(app, { resets: h.resets, publicBaseUrl: PUBLIC_BASE_URL });
  });

  const requestMail = async (lang: 'zh-CN' | 'en' = 'zh-CN') => {
    await h.resets.request('2023010101', lang, CTX);
    await h.resets.idle();
    const [received] = await smtp.waitFor(1);
    if (!received) throw new Error('no mail');
    return received;
  };

  const openPage = async (token: string) => {
    const res = await app.request(`/reset-password?token=${token}`, { headers: { host: 'evil.example' } });
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = /__Host-feebot_reset_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    return { res, html, csrf, cookie };
  };

  const post = (fields: Record<string, string>, cookie?: string) =>
    app.request('/reset-password', {
      method: 'POST',
      headers: {
        host: 'evil.example',
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie === undefined ? {} : { cookie: `${COOKIE}=${cookie}` }),
      },
      body: new URLSearchParams(fields).toString(),
    });

  const passwordIs = (password: string) => passwordMatches(db, '2023010101', password);

  it('mails a link built from the public base URL; the page form sets the new password once', async () => {
    const { mail, to } = await requestMail();
    expect(to).toEqual(['li.lei@example.edu.cn']);
    expect(mail.subject).toBe('【示例大学】重置网上缴费密码');
    expect(mail.text).toContain('2023010101');
    const token = tokenFrom(mail.text ?? '');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    // The HTML part carries the same link.
    expect(mail.html || '').toContain(`${PUBLIC_BASE_URL}/reset-password?token=${token}`);

    const page = await openPage(token);
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get('cache-control')).toBe('no-store');
    expect(page.res.headers.get('referrer-policy')).toBe('no-referrer');
    // The form posts to the configured URL; the Host header of the request never shows up.
    expect(page.html).toContain(`action="${PUBLIC_BASE_URL}/reset-password"`);
    expect(page.html).not.toContain('evil.example');
    expect(page.html).not.toContain('<script');
    const setCookie = page.res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(page.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.cookie).toBe(page.csrf);

    const res = await post({ token, csrf: page.csrf, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, page.cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('密码已重置');
    expect(await passwordIs(NEW_PASSWORD)).toBe(true);
    expect(await passwordIs(OLD_PASSWORD)).toBe(false);
    expect(h.changed).toEqual(['2023010101']);

    // Replaying the link: the page and the form both refuse it, and the password stays.
    expect((await openPage(token)).res.status).toBe(410);
    const replay = await post({ token, csrf: page.csrf, password: 'Another#Pass77', confirm: 'Another#Pass77' }, page.cookie);
    expect(replay.status).toBe(410);
    expect(await passwordIs(NEW_PASSWORD)).toBe(true);
  });

  it('shows the password rules on the page and keeps the link usable after a refused password', async () => {
    const token = tokenFrom((await requestMail()).mail.text ?? '');
    const page = await openPage(token);
    const cases: Array<[string, string, string]> = [
      ['short1', 'short1', '新密码至少8位'],
      ['2023010101', '2023010101', '新密码不能与学号相同'],
      [OLD_PASSWORD, OLD_PASSWORD, '新密码不能与当前密码相同'],
      [NEW_PASSWORD, 'something-else', '新密码与确认密码要求一致'],
    ];
    for (const [password, confirm, message] of cases) {
      const res = await post({ token, csrf: page.csrf, password, confirm }, page.cookie);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      // Typed passwords are never echoed back into the page.
      for (const typed of [password, confirm]) if (typed !== '2023010101') expect(html).not.toContain(typed);
    }
    expect(await passwordIs(OLD_PASSWORD)).toBe(true);
    const ok = await post({ token, csrf: page.csrf, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, page.cookie);
    expect(ok.status).toBe(200);
    expect(await passwordIs(NEW_PASSWORD)).toBe(true);
  });

  it('refuses a post without the CSRF cookie, with a mismatched one, or without the field, and changes nothing', async () => {
    const token = tokenFrom((await requestMail('en')).mail.text ?? '');
    const page = await openPage(token);
    const other = 'A'.repeat(43);
    const attempts = [
      post({ token, csrf: page.csrf, password: NEW_PASSWORD, confirm: NEW_PASSWORD }),
      post({ token, csrf: page.csrf, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, other),
      post({ token, csrf: other, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, page.cookie),
      post({ token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, page.cookie),
      post({ token, csrf: '', password: NEW_PASSWORD, confirm: NEW_PASSWORD }, ''),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    expect(await passwordIs(OLD_PASSWORD)).toBe(true);
    expect(await h.resets.inspect(token)).toEqual({ ok: true, studentId: '2023010101' });
    expect(h.changed).toEqual([]);
  });

  it('sends the English template when asked', async () => {
    const { mail } = await requestMail('en');
    expect(mail.subject).toBe('Demo University: reset your online payment password');
    expect(mail.text).toContain('within 30 minutes');
  });

  it('refuses an unknown or malformed token on the page', async () => {
    expect((await openPage('x'.repeat(43))).res.status).toBe(410);
    expect((await openPage('<script>')).res.status).toBe(410);
    expect((await app.request('/reset-password')).status).toBe(410);
  });
});
