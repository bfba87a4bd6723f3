import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { brandChatPage } from '../../adapters/web/index.js';
import { DEMO_BRANDING, financeOfficeLine, loadBranding, LOGO_MAX_BYTES } from '../../src/branding.js';
import { loadConfig } from '../../src/config.js';
import { mountLogoRoute } from '../../src/http/logo-route.js';
import { resetPasswordMail } from '../../src/mail/mail-templates.js';

const dir = mkdtempSync(join(tmpdir(), 'feebot-branding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('branding settings', () => {
  it('defaults to the obviously fictional demo university', () => {
    expect(loadBranding({})).toEqual(DEMO_BRANDING);
    expect(loadConfig({}).branding.universityName).toEqual({ 'zh-CN': '示例大学', en: 'Demo University' });
    expect(financeOfficeLine(DEMO_BRANDING, 'zh-CN')).toBe('示例大学财务处（电话 010-0000-0000；邮箱 finance@university.example；办公时间 周一至周五 8:30–17:00；地点 行政楼 101 室）');
  });

  it('uses UNIVERSITY_NAME for both languages unless UNIVERSITY_NAME_EN is given', () => {
    expect(loadBranding({ UNIVERSITY_NAME: '测试理工大学' }).universityName).toEqual({ 'zh-CN': '测试理工大学', en: '测试理工大学' });
    expect(loadBranding({ UNIVERSITY_NAME: '测试理工大学', UNIVERSITY_NAME_EN: 'Test Tech' }).universityName).toEqual({ 'zh-CN': '测试理工大学', en: 'Test Tech' });
  });

  it.each([
    [{ FINANCE_OFFICE_EMAIL: 'not-an-address' }, /FINANCE_OFFICE_EMAIL/],
    [{ FINANCE_OFFICE_PHONE: 'call us' }, /FINANCE_OFFICE_PHONE/],
    [{ UNIVERSITY_NAME: 'Evil\nSubject: x' }, /UNIVERSITY_NAME: must not contain control characters/],
    [{ UNIVERSITY_NAME: 'x'.repeat(61) }, /UNIVERSITY_NAME/],
    [{ FINANCE_OFFICE_HOURS: '' }, /FINANCE_OFFICE_HOURS/],
    [{ WECHAT_OA_URL: 'javascript:alert(1)' }, /WECHAT_OA_URL/],
  ])('refuses %j at start', (env, problem) => {
    expect(() => loadBranding(env)).toThrow(problem);
    expect(() => loadConfig(env)).toThrow(problem);
  });

  it('refuses a logo that is missing, of another type, empty or too large', () => {
    const big = join(dir, 'big.png');
    writeFileSync(big, Buffer.alloc(LOGO_MAX_BYTES + 1));
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    const gif = join(dir, 'logo.gif');
    writeFileSync(gif, 'GIF89a');
    expect(() => loadBranding({ UNIVERSITY_LOGO_FILE: join(dir, 'nope.png') })).toThrow(/cannot be read/);
    expect(() => loadBranding({ UNIVERSITY_LOGO_FILE: gif })).toThrow(/\.png, \.jpg, \.webp or \.svg/);
    expect(() => loadBranding({ UNIVERSITY_LOGO_FILE: empty })).toThrow(/1 byte to 256 KiB/);
    expect(() => loadBranding({ UNIVERSITY_LOGO_FILE: big })).toThrow(/1 byte to 256 KiB/);
  });

  it('serves the logo from memory with its type, and the chat page shows it', async () => {
    const file = join(dir, 'logo.png');
    writeFileSync(file, PNG);
    const branding = loadBranding({ UNIVERSITY_NAME: '测试理工大学', UNIVERSITY_LOGO_FILE: file });
    const app = new Hono();
    mountLogoRoute(app, branding);
    const res = await app.request('/branding/logo');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    const without = new Hono();
    mountLogoRoute(without, loadBranding({}));
    expect((await without.request('/branding/logo')).status).toBe(404);

    const page = brandChatPage('<title>feebot 网上缴费</title><header class="bar"><h1>feebot · 网上缴费</h1></header>', branding);
    expect(page).toBe('<title>测试理工大学 网上缴费</title><header class="bar"><img class="logo" src="/branding/logo" alt="" height="28"><h1>测试理工大学 · 网上缴费</h1></header>');
    expect(brandChatPage('<title>feebot</title>', loadBranding({ UNIVERSITY_NAME: 'A&B <大学>' }))).toBe('<title>A&#38;B &#60;大学&#62;</title>');
  });

  it('puts the university in mail subjects and the finance office in the signature', () => {
    const branding = loadBranding({ UNIVERSITY_NAME: '测试理工大学', UNIVERSITY_NAME_EN: 'Test Tech University', FINANCE_OFFICE_EMAIL: 'cwc@tech.example' });
    const values = { name: '张三', studentId: '2023010101', link: 'https://fees.example/reset-password?token=x', ttlMinutes: 30 };
    const zh = resetPasswordMail('zh-CN', values, branding);
    expect(zh.subject).toBe('【测试理工大学】重置网上缴费密码');
    expect(zh.text).toContain('— 测试理工大学 网上缴费（系统邮件，请勿回复）。联系：测试理工大学财务处（电话 010-0000-0000；邮箱 cwc@tech.example；');
    expect(zh.html).toContain('测试理工大学财务处');
    const en = resetPasswordMail('en', values, branding);
    expect(en.subject).toBe('Test Tech University: reset your online payment password');
    expect(en.text).toContain('Contact: the Finance Office of Test Tech University (phone 010-0000-0000; e-mail cwc@tech.example;');
  });
});
