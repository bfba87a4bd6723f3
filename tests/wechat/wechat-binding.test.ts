import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTCHA_ALPHABET } from '../../src/accounts/captcha-font.js';
import { renderCaptchaPng } from '../../src/accounts/captcha.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { createChatDriver } from './wechat-chat-driver.js';
import { bindLinkIn, bindThroughPage, startWechatFeebot, waitUntil, type WechatFeebot } from './wechat-feebot.js';

// The binding page and the binding's life: the same login guard as every chat (captcha after 3
// failures, lockout), no initial password, and a binding that ends on 退出, a password reset
// elsewhere, or unsubscribe (which deletes the follower's data).

const captchaAnswers: string[] = [];
let w: WechatFeebot;

beforeAll(async () => {
  w = await startWechatFeebot(
    {},
    {
      captchaGenerator: () => {
        const n = captchaAnswers.length;
        const answer = [0, 1, 2, 3].map((k) => CAPTCHA_ALPHABET[(n * 4 + k) % CAPTCHA_ALPHABET.length]).join('');
        captchaAnswers.push(answer);
        return { answer, png: renderCaptchaPng(answer) };
      },
    },
  );
}, 60_000);
afterAll(async () => {
  await w?.stop();
});

async function studentOf(openid: string): Promise<string | null | undefined> {
  const row = await w.app.feebot.db.selectFrom('conversations').select('student_id').where('channel', '=', 'wechat').where('chat_id', '=', openid).executeTakeFirst();
  return row?.student_id;
}

async function subscribed(openid: string) {
  const chat = createChatDriver(w.client, w.fake, openid);
  const welcome = await chat.event('subscribe');
  return { chat, bindUrl: bindLinkIn(welcome.reply?.content) };
}

describe('WeChat binding page', () => {
  it('refuses a forged or expired link and changes nothing', async () => {
    const { bindUrl } = await subscribed('o_bind_forged');
    const forged = bindUrl.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const page = await fetch(forged);
    expect(page.status).toBe(403);
    const post = await fetch(new URL('/wechat/bind', bindUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ t: 'x.y.z', studentId: '2024020201', password: DEMO_PASSWORD }) });
    expect(post.status).toBe(403);
    expect(await studentOf('o_bind_forged')).toBeNull();
  });

  it('wrong passwords: an error, then after 3 failures a captcha, then binding with the captcha solved', async () => {
    const { chat, bindUrl } = await subscribed('o_bind_guard');
    for (let i = 0; i < 2; i++) {
      const wrong = await bindThroughPage(bindUrl, '2023010101', 'wrong-password');
      expect(wrong.html).toContain('学号或密码错误');
      expect(wrong.html).not.toContain('wrong-password');
    }
    const third = await bindThroughPage(bindUrl, '2023010101', 'wrong-password');
    expect(third.html).toContain('name="captcha"');
    expect(third.html).toContain('data:image/png;base64,');
    // Right password, no captcha: still asked for the captcha; the password is not even checked.
    const noCaptcha = await bindThroughPage(bindUrl, '2023010101', DEMO_PASSWORD);
    expect(noCaptcha.html).toContain('name="captcha"');
    const wrongCaptcha = await bindThroughPage(bindUrl, '2023010101', DEMO_PASSWORD, { captcha: 'ZZZZ' });
    expect(wrongCaptcha.html).toContain('验证码错误');
    const bound = await bindThroughPage(bindUrl, '2023010101', DEMO_PASSWORD, { captcha: captchaAnswers.at(-1)! });
    expect(bound.html).toContain('绑定成功');
    await chat.waitFor(/欠费总额/);
    expect(await studentOf('o_bind_guard')).toBe('2023010101');
    const audit = await w.app.feebot.db.selectFrom('audit_log').select('event').where('chat_id', '=', 'o_bind_guard').execute();
    expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['login.failed', 'login.ok']));
  });

  it('an initial password is not bound (its forced change would need passwords in the chat)', async () => {
    const { bindUrl } = await subscribed('o_bind_initial');
    const page = await bindThroughPage(bindUrl, '2023010103', '123456');
    expect(page.html).toContain('初始密码');
    expect(await studentOf('o_bind_initial')).toBeNull();
  });

  it('修改密码 in WeChat shows the web link, never a password prompt', async () => {
    const { chat, bindUrl } = await subscribed('o_bind_pwd');
    await bindThroughPage(bindUrl, '2025030301', DEMO_PASSWORD);
    await chat.waitFor(/欠费总额/);
    const answer = await chat.send(chat.option('修改密码'));
    expect(answer.reply?.content).toContain('修改密码请在网页版中进行');
    expect(answer.reply?.content).not.toContain('请输入旧密码');
    const typed = await chat.send('OldPassw0rd!');
    expect(typed.reply?.content).toContain('请不要在微信中发送密码');
    expect(typed.reply?.content).not.toContain('OldPassw0rd!');
  });

  it('the binding lasts until 退出; after it the chat needs a new binding', async () => {
    const { chat, bindUrl } = await subscribed('o_bind_logout');
    await bindThroughPage(bindUrl, '2024020201', DEMO_PASSWORD);
    await chat.waitFor(/欠费总额/);
    await chat.click('FEEBOT_LOGOUT');
    await waitUntil(async () => (await studentOf('o_bind_logout')) === null, 5_000, 'logged out');
    const again = await chat.send('菜单');
    const text = [again.reply?.content ?? '', ...w.fake.texts('o_bind_logout').slice(-2)].join('\n');
    expect(text).toContain('/wechat/bind?t=');
  });

  it('a password reset elsewhere ends the binding', async () => {
    const { chat, bindUrl } = await subscribed('o_bind_reset');
    await bindThroughPage(bindUrl, '2023010102', DEMO_PASSWORD);
    await chat.waitFor(/欠费总额/);
    const feebot = w.app.feebot;
    await feebot.resets.request('2023010102', 'zh-CN', { channel: 'web', chatId: 'test' });
    await feebot.resets.idle();
    const mail = feebot.mailer.devMailbox!.messages().at(-1)!;
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]!;
    const result = await feebot.resets.consume(token, 'Brand-new-pass-2026', 'Brand-new-pass-2026');
    expect(result).toMatchObject({ ok: true });
    await chat.waitFor(/您的密码已在其他地方修改/, 10_000);
    expect(await studentOf('o_bind_reset')).toBeNull();
  });

  it('unsubscribe forgets the binding and the follower’s WeChat data', async () => {
    const { chat, bindUrl } = await subscribed('o_bind_unsub');
    await bindThroughPage(bindUrl, '2024020201', DEMO_PASSWORD);
    await chat.waitFor(/欠费总额/);
    const answer = await chat.event('unsubscribe');
    expect(answer.body).toBe('success');
    const db = w.app.feebot.db;
    expect(await db.selectFrom('conversations').select('chat_id').where('chat_id', '=', 'o_bind_unsub').execute()).toEqual([]);
    expect(await db.selectFrom('channel_chats').select('chat_id').where('chat_id', '=', 'o_bind_unsub').execute()).toEqual([]);
    expect(await db.selectFrom('wechat_users').select('openid').where('openid', '=', 'o_bind_unsub').execute()).toEqual([]);
    expect(await db.selectFrom('wechat_passive_replies').select('openid').where('openid', '=', 'o_bind_unsub').execute()).toEqual([]);
    expect(await db.selectFrom('outbox').select('id').where('status', '=', 'pending').where('lane', 'like', '%o_bind_unsub').execute()).toEqual([]);
  });
});
