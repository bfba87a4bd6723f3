import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCaptchaPng } from '../../src/accounts/captcha.js';
import { startSmtpServer } from '../accounts-email/fixture.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type ChatMessage, type WebChatClient } from '../support/web-chat-client.js';

// The accounts rules end to end: the web chat, the real dispatcher and services, mail through a
// real SMTP server, the reset page over HTTP, and a clock the test can move.

const CAPTCHA = 'K7PX';
let app: TestFeebot;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let offset = 0;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestFeebot(
    { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'feebot <fees@example.edu.cn>' },
    { clock: () => Date.now() + offset, captchaGenerator: () => ({ answer: CAPTCHA, png: renderCaptchaPng(CAPTCHA) }) },
  );
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

async function newChat(): Promise<WebChatClient> {
  const chat = createWebChatClient(app.baseUrl);
  await chat.start();
  await chat.waitFor((m) => m.payload.text.includes('请输入学号'));
  return chat;
}

/** The last answer per chat: a wrong password asks for the password again, so 换学号 comes first. */
const lastAnswers = new WeakMap<WebChatClient, ChatMessage>();

/** Types 学号 and password; returns the first bubble that answers the password. */
async function tryLogin(chat: WebChatClient, studentId: string, password: string) {
  const last = lastAnswers.get(chat);
  if (last?.payload.input === 'password' && last.payload.text.includes('学号或密码有误')) {
    chat.forget();
    await chat.action(chat.buttonCode(last, '换学号'));
    await chat.waitFor((m) => m.payload.text.includes('请输入学号'));
  }
  chat.forget();
  await chat.text(studentId);
  await chat.waitFor((m) => m.payload.input === 'password');
  chat.forget();
  await chat.text(password);
  const answer = await chat.waitFor((m) => /欠费总额|学号或密码有误|验证码|锁定|分钟/.test(m.payload.text));
  lastAnswers.set(chat, answer);
  return answer;
}

describe('login protection', () => {
  it('answers an unknown 学号 exactly like a wrong password', async () => {
    const chat = await newChat();
    const unknown = await tryLogin(chat, '2099999999', 'whatever-1');
    const wrong = await tryLogin(chat, '2023010101', 'whatever-1');
    expect(unknown.payload.text).toContain('学号或密码有误');
    // Word for word the same, but for the 学号 each one typed (kept for the next try).
    expect(wrong.payload.text.replace('2023010101', 'X')).toBe(unknown.payload.text.replace('2099999999', 'X'));
    expect(wrong.payload.buttons.flat().map((b) => b.label)).toEqual(unknown.payload.buttons.flat().map((b) => b.label));
  });

  it('asks for a captcha picture after 3 failures, refuses a wrong answer, then lets the password through', async () => {
    const chat = await newChat();
    for (let i = 0; i < 2; i++) expect((await tryLogin(chat, '2024020201', 'wrong-pass-1')).payload.text).toContain('学号或密码有误');
    await tryLogin(chat, '2024020201', 'wrong-pass-1');
    const challenge = await chat.waitFor((m) => m.payload.imageDataUrl?.startsWith('data:image/png;base64,') === true);
    expect(Buffer.from(challenge.payload.imageDataUrl!.split(',')[1]!, 'base64').subarray(1, 4).toString()).toBe('PNG');

    // Another chat trying the same 学号 must solve a captcha before any password is checked.
    const other = await newChat();
    const gate = await tryLogin(other, '2024020201', 'Demo@2026');
    expect(gate.payload.text).toContain('验证码');
    expect(gate.payload.text).not.toContain('欠费总额');

    chat.forget();
    await chat.text('WRONG');
    await chat.waitFor((m) => m.payload.text.includes('验证码错误'));
    await chat.waitFor((m) => m.payload.imageDataUrl !== undefined);
    chat.forget();
    await chat.text(CAPTCHA.toLowerCase());
    await chat.waitFor((m) => m.payload.input === 'password');
    chat.forget();
    await chat.text('Demo@2026');
    await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
  });

  it('locks the 学号 after 5 failures for 15 minutes, but not in a chat the student used before', async () => {
    const own = await newChat();
    expect((await tryLogin(own, '2025030301', 'Demo@2026')).payload.text).toContain('欠费总额');
    own.forget();
    await own.text('logout');
    await own.waitFor((m) => m.payload.text.includes('请输入学号'));

    // An attacker in another chat: 3 failures, then a captcha before each further try.
    const attacker = await newChat();
    let answer = await tryLogin(attacker, '2025030301', 'guess-0001');
    for (let i = 2; i <= 5; i++) {
      if (i > 3) {
        attacker.forget();
        await attacker.text(CAPTCHA);
        await attacker.waitFor((m) => m.payload.input === 'password');
        attacker.forget();
        await attacker.text(`guess-000${i}`);
        answer = await attacker.waitFor((m) => /学号或密码有误|锁定|分钟/.test(m.payload.text));
      } else answer = await tryLogin(attacker, '2025030301', `guess-000${i}`);
    }
    expect(answer.payload.text).toMatch(/15/);
    // Even the right password is refused in a chat the student never used…
    const fresh = await newChat();
    expect((await tryLogin(fresh, '2025030301', 'Demo@2026')).payload.text).toMatch(/分钟/);
    // …but the student's own chat still works.
    expect((await tryLogin(own, '2025030301', 'Demo@2026')).payload.text).toContain('欠费总额');
    // And the lockout ends after 15 minutes.
    offset += 16 * 60_000;
    const later = await newChat();
    expect((await tryLogin(later, '2025030301', 'Demo@2026')).payload.text).toContain('欠费总额');
  });
});

describe('【忘记密码】 by e-mail', () => {
  it('mails a single-use link (real SMTP) that sets a new password, then logs in with it', async () => {
    const before = smtp.received.length;
    const chat = await newChat();
    let menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '忘记密码'));
    await chat.action(chat.buttonCode(menu, '忘记密码'));
    await chat.waitFor((m) => m.payload.text.includes('学号'));
    chat.forget();
    await chat.text('2023010101');
    menu = await chat.waitFor((m) => m.payload.text.includes('是否确认发送'));
    expect(menu.payload.text).toContain('z***@example.edu.cn');
    await chat.action(chat.buttonCode(menu, '发送'));
    await chat.waitFor((m) => m.payload.text.includes('30分钟'));

    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual(['zhangsan@example.edu.cn']);
    const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(mail!.mail.text ?? '')![0];
    expect(link.startsWith(`${app.baseUrl}/reset-password?token=`)).toBe(true);
    expect(app.logLines.some((l) => l.includes(link.split('token=')[1]!))).toBe(false);

    const page = await fetch(link);
    const html = await page.text();
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
    const form = new URLSearchParams({ token, csrf, password: 'Fresh#Start26', confirm: 'Fresh#Start26' });
    const done = await fetch(`${app.baseUrl}/reset-password`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(done.status).toBe(200);
    // Single use: the same link again is refused.
    expect((await (await fetch(link)).text())).not.toContain('name="csrf"');

    expect((await tryLogin(await newChat(), '2023010101', 'Fresh#Start26')).payload.text).toContain('欠费总额');
    const trail = await app.feebot.audit.trail('2023010101');
    expect(trail).toMatch(/reset\.requested/);
    expect(trail).toMatch(/reset\.used/);
    expect(trail).not.toContain('Fresh#Start26');
  });
});

describe('【修改邮箱】 and sessions', () => {
  it('changes the recovery e-mail only after the 6-digit code mailed to the new address; the old one gets a notice', async () => {
    const chat = await newChat();
    const menu = await tryLogin(chat, '2023010102', 'Demo@2026');
    await chat.action(chat.buttonCode(menu, '修改邮箱'));
    // The current password first (masked); a wrong one is said and asked again.
    const ask = await chat.waitFor((m) => m.payload.text.includes('请先输入当前密码'));
    expect(ask.payload.input).toBe('password');
    chat.forget();
    await chat.text('Not#MyPassword1');
    await chat.waitFor((m) => m.payload.text.includes('旧密码不正确'));
    chat.forget();
    await chat.text('Demo@2026');
    await chat.waitFor((m) => m.payload.text.includes('请输入新的密保邮箱'));
    const before = smtp.received.length;
    chat.forget();
    await chat.text('lisi.new@example.edu.cn');
    await chat.waitFor((m) => m.payload.text.includes('6位验证码'));
    const [codeMail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(codeMail!.to).toEqual(['lisi.new@example.edu.cn']);
    const code = /\b(\d{6})\b/.exec(codeMail!.mail.text ?? '')![1]!;
    expect((await app.feebot.ledger.loadFacts('2023010102', Date.now())).student?.recoveryEmailMasked).toBe('l***@example.edu.cn');

    chat.forget();
    await chat.text(code === '000000' ? '111111' : '000000');
    await chat.waitFor((m) => m.payload.text.includes('验证码错误'));
    chat.forget();
    await chat.text(code);
    await chat.waitFor((m) => m.payload.text.includes('密保邮箱已更新为 lisi.new@example.edu.cn'));
    const notices = (await smtp.waitFor(before + 2)).slice(before + 1);
    expect(notices.map((n) => n.to[0])).toContain('lisi@example.edu.cn');
    expect(await app.feebot.audit.trail('2023010102')).toMatch(/password\.wrongOld/);
  });

  it('a reset by e-mail ends every open session of the student', async () => {
    const chat = await newChat();
    await tryLogin(chat, '2024020201', 'Demo@2026');
    const before = smtp.received.length;
    await app.feebot.resets.request('2024020201', 'zh-CN', { channel: 'test', chatId: 'test' });
    await app.feebot.resets.idle();
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail!.mail.text ?? '')![1]!;
    expect(await app.feebot.resets.consume(token, 'Reset#Works26', 'Reset#Works26')).toMatchObject({ ok: true });
    await chat.waitFor((m) => m.payload.text.includes('请重新登录'));
  });
});

