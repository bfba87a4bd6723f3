import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCaptchaPng } from '../../src/accounts/captcha.js';
import { CAPTCHA_ALPHABET } from '../../src/accounts/captcha-font.js';
import { startSmtpServer, type SmtpServerFixture } from '../accounts-email/fixture.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login as webLogin } from '../support/web-chat-flows.js';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { callbackData, fakeApiChat, pressButton, waitForBotMessage, withButton, type TelegramChat } from './telegram-chat-driver.js';
import { leakedSecrets, waitUntil, type TelegramFeebot, startFeebotOnFakeBotApi } from './telegram-feebot.js';

// More of the accounts rules on Telegram, end to end: a real feebot, the Telegram channel built
// as production builds it, Telegraf making every HTTP call to the project's fake Bot API, mail
// through a real SMTP server. The initial-password change, 修改密码 with its cross-channel logout,
// the captcha and the lockout, 退出系统 and 修改邮箱.
//
// Every wait polls the fake's call log for a bot message sent after the student's action, so
// nothing depends on timing; each test uses its own demo student and its own chat ids.

const PASSWORD = 'Demo@2026';
const WAIT_MS = 20_000;

let fake: FakeBotApi;
let bot: TelegramFeebot;
let stop = async (): Promise<void> => undefined;
let smtp: SmtpServerFixture;

/** Every captcha answer issued, oldest first: the test reads the one on screen. */
const captchaAnswers: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  ({ fake, bot, stop } = await startFeebotOnFakeBotApi(
    '7799:accounts-more-token',
    { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'feebot <fees@example.edu.cn>' },
    {
      // A different answer (and so a different picture) every time, known to the test.
      captchaGenerator: () => {
        const n = captchaAnswers.length;
        const answer = [0, 1, 2, 3].map((k) => CAPTCHA_ALPHABET[(n * 4 + k) % CAPTCHA_ALPHABET.length]).join('');
        captchaAnswers.push(answer);
        return { answer, png: renderCaptchaPng(answer) };
      },
    },
  ));
});
afterAll(async () => {
  await stop();
  await smtp?.close();
});

// ---- What the bot sent, from the fake's call log ----------------------------------------------

interface Sent {
  method: string;
  /** Text, or a photo's caption. */
  text: string;
  photo: Buffer | null;
}

const OUTGOING = new Set(['sendMessage', 'sendPhoto', 'editMessageText']);

/** The bot's messages and edits to this chat, from call number `from` on. */
function sentTo(chatId: number, from = 0): Sent[] {
  return fake.calls
    .slice(from)
    .filter((c) => OUTGOING.has(c.method) && String(c.params.chat_id) === String(chatId))
    .map((c) => ({
      method: c.method,
      text: String(c.params.text ?? c.params.caption ?? ''),
      photo: Buffer.isBuffer(c.params.photo) ? c.params.photo : null,
    }));
}

/** The message ids the bot asked Telegram to delete in this chat. */
function deletedIn(chatId: number): number[] {
  return fake
    .callsOf('deleteMessage')
    .filter((c) => String(c.params.chat_id) === String(chatId))
    .map((c) => Number(c.params.message_id));
}

type Answer = RegExp | ((s: Sent) => boolean);
const matching = (answer: Answer) => (s: Sent) => (answer instanceof RegExp ? answer.test(s.text) : answer(s));

interface Step {
  /** The student's message id (0 for a button press). */
  id: number;
  /** The fake's call count when the student acted: what the bot sent afterwards answers it. */
  mark: number;
  /** The first bot message after `mark` that matched. */
  reply: Sent;
}

/** A student's private chat with the bot; each action waits for the bot's answer to it. */
function student(chatId: number) {
  const chat: TelegramChat = fakeApiChat(fake, chatId);
  async function answered(answer: Answer, mark: number, what = String(answer)): Promise<Sent> {
    let found: Sent | undefined;
    try {
      await waitUntil(() => (found = sentTo(chatId, mark).find(matching(answer))) !== undefined, WAIT_MS, what);
    } catch (error) {
      const seen = sentTo(chatId, mark).map((s) => `${s.method}: ${s.text.slice(0, 80)}`);
      throw new Error(`${(error as Error).message} in chat ${chatId}; since the action the bot sent:\n${seen.join('\n')}`);
    }
    return found!;
  }
  return {
    chat,
    chatId,
    answered,
    /** What the bot sent since `mark`. */
    since: (mark: number) => sentTo(chatId, mark),
    async say(text: string, answer: Answer): Promise<Step> {
      const mark = fake.calls.length;
      const id = await chat.sendText(text);
      return { id, mark, reply: await answered(answer, mark, `an answer to ${JSON.stringify(text)} matching ${String(answer)}`) };
    },
    async press(label: string, answer: Answer): Promise<Step> {
      await waitForBotMessage(chat, withButton(label), WAIT_MS, `button ${label}`);
      const mark = fake.calls.length;
      await pressButton(chat, label);
      return { id: 0, mark, reply: await answered(answer, mark, `an answer to 【${label}】 matching ${String(answer)}`) };
    },
  };
}
type Student = ReturnType<typeof student>;

async function loginOnTelegram(s: Student, studentId: string, password = PASSWORD): Promise<Sent> {
  await s.say('/start', /请输入学号/);
  await s.say(studentId, /请输入密码/);
  return (await s.say(password, /欠费总额/)).reply;
}

const texts = (sent: Sent[]) => sent.map((s) => s.text);

/** Every password message was deleted from the chat, and none is shown back by the bot. */
async function expectPasswordsGone(s: Student, steps: Step[], secrets: string[]): Promise<void> {
  const ids = steps.map((step) => step.id);
  await waitUntil(() => ids.every((id) => deletedIn(s.chatId).includes(id)), WAIT_MS, `deleteMessage for ${ids.join(', ')}`);
  for (const id of ids) expect(s.chat.userMessagePresent(id)).toBe(false);
  const echoed = sentTo(s.chatId).filter((m) => secrets.some((secret) => m.text.includes(secret)));
  expect(echoed).toEqual([]);
  expect(leakedSecrets(bot.app.logLines, secrets)).toEqual([]);
}

describe('Telegram accounts, end to end (more)', () => {
  it('王五 on the initial password proves who he is, then must change it before anything else; each secret is deleted, never echoed', async () => {
    const s = student(7401);
    await s.say('/start', /请输入学号/);
    await s.say('2023010103', /请输入密码/);
    // The fixed initial password alone is not enough: the last 6 of his ID number too.
    const initial = await s.say('123456', /请输入身份证号的后6位/);
    await s.say('000000', /验证信息不正确/);
    const proof = await s.say('030033', /请输入新密码/);
    expect(texts(s.since(proof.mark)).join('\n')).toContain('您正在使用初始密码，请先修改密码');

    // A typed /menu does not get past the forced change…
    const menu = await s.say('/menu', /您正在使用初始密码/);
    await s.answered(/请输入新密码/, menu.mark);
    // …nor does a button: the prompt offers only 退出系统, and a 首页 press forged with the
    // current menu revision (so it is not just "outdated") is turned back too.
    const prompt = await waitForBotMessage(s.chat, withButton('退出系统'), WAIT_MS);
    expect(prompt.buttons.flat().map((b) => b.text)).toEqual(['退出系统']);
    const rev = callbackData(prompt, '退出系统').split(':')[3]!;
    const pressMark = fake.calls.length;
    await s.chat.press(prompt, `v1:home::${rev}`);
    await s.answered(/您正在使用初始密码/, pressMark, 'the forced-change notice after a forged 首页 press');
    await s.answered(/请输入新密码/, pressMark);
    expect(texts(sentTo(s.chatId)).some((t) => t.includes('欠费总额'))).toBe(false);

    const fresh = await s.say('Wangwu#2026', /请再次输入新密码/);
    const confirm = await s.say('Wangwu#2026', /欠费总额/);
    expect(texts(s.since(confirm.mark)).join('\n')).toContain('密码修改成功');
    expect(confirm.reply.text).toContain('2023010103');

    await expectPasswordsGone(s, [initial, proof, fresh, confirm], ['123456', '030033', 'Wangwu#2026']);
    // The /menu the student typed is not a secret: it stays.
    expect(s.chat.userMessagePresent(menu.id)).toBe(true);
  });

  it('修改密码 from the home menu: passwords deleted, a mismatch refused, this chat stays in, the others are logged out', async () => {
    // The same student in the web chat and in a second Telegram chat.
    const web = createWebChatClient(bot.baseUrl);
    await webLogin(web, '2023010101');
    const other = student(7403);
    await loginOnTelegram(other, '2023010101');

    const s = student(7402);
    await loginOnTelegram(s, '2023010101');
    await s.press('修改密码', /请输入旧密码/);
    const old = await s.say(PASSWORD, /请输入新密码/);
    const first = await s.say('Zhang#New2026', /请再次输入新密码/);
    const typo = await s.say('Zhang#Typo2026', /请输入新密码/);
    expect(texts(s.since(typo.mark)).join('\n')).toContain('新密码与确认密码要求一致');
    expect(texts(s.since(typo.mark)).join('\n')).not.toContain('密码修改成功');
    const again = await s.say('Zhang#New2026', /请再次输入新密码/);
    const confirm = await s.say('Zhang#New2026', /欠费总额/);
    expect(texts(s.since(confirm.mark)).join('\n')).toContain('密码修改成功');
    await expectPasswordsGone(s, [old, first, typo, again, confirm], [PASSWORD, 'Zhang#New2026', 'Zhang#Typo2026']);

    // This chat is still logged in.
    const menu = await s.say('/menu', /欠费总额|请输入学号/);
    expect(menu.reply.text).toContain('欠费总额');

    // The other Telegram chat is told, and its next message asks for the 学号.
    await other.answered(/请重新登录/, 0, 'the revoked-session notice in the other Telegram chat');
    const otherNext = await other.say('/menu', /欠费总额|请输入学号/);
    expect(otherNext.reply.text).toContain('请输入学号');
    expect(texts(other.since(otherNext.mark)).join('\n')).not.toContain('欠费总额');

    // So is the web chat.
    await web.waitFor((m) => m.payload.text.includes('请重新登录'), WAIT_MS);
    web.forget();
    await web.text('menu');
    const webNext = await web.waitFor((m) => /欠费总额|请输入学号/.test(m.payload.text), WAIT_MS);
    expect(webNext.payload.text).toContain('请输入学号');

    // The new password is the one that works now.
    await loginOnTelegram(student(7406), '2023010101', 'Zhang#New2026');
  });

  it('a wrong captcha answer gets 验证码错误 and a fresh picture; 5 failures lock the 学号 but not in a chat the student used', async () => {
    const studentId = '2025030301';
    // The student's own chat: logged in before, then logged out.
    const own = student(7404);
    await loginOnTelegram(own, studentId);
    await own.press('退出系统', /请输入学号/);

    // An attacker in a chat the student never used.
    const attacker = student(7490);
    await attacker.say('/start', /请输入学号/);
    const guesses: Step[] = [];
    const isCaptcha = (s: Sent) => s.method === 'sendPhoto' && s.text.includes('请输入图片中的验证码');
    for (let i = 1; i <= 3; i++) {
      // A wrong password asks for the password again under the same 学号.
      if (i === 1) await attacker.say(studentId, /请输入密码/);
      const guess = await attacker.say(`guess-${i}-wrong`, i < 3 ? /学号或密码有误/ : isCaptcha);
      expect(texts(attacker.since(guess.mark)).join('\n')).toContain('学号或密码有误');
      guesses.push(guess);
    }
    const firstPicture = sentTo(attacker.chatId).filter(isCaptcha).at(-1)!.photo!;
    expect(firstPicture.subarray(1, 4).toString()).toBe('PNG');
    const firstAnswer = captchaAnswers.at(-1)!;

    // A wrong answer: 验证码错误, and a new picture with a new answer.
    const wrong = await attacker.say('0000000', isCaptcha);
    expect(texts(attacker.since(wrong.mark)).join('\n')).toContain('验证码错误');
    const freshPicture = wrong.reply.photo!;
    expect(freshPicture.subarray(1, 4).toString()).toBe('PNG');
    expect(freshPicture.equals(firstPicture)).toBe(false);
    expect(captchaAnswers.at(-1)).not.toBe(firstAnswer);
    // The old answer is void now.
    const stale = await attacker.say(firstAnswer, isCaptcha);
    expect(texts(attacker.since(stale.mark)).join('\n')).toContain('验证码错误');

    // Failures 4 and 5, each after solving the captcha.
    let locked: Step | undefined;
    for (let i = 4; i <= 5; i++) {
      await attacker.say(captchaAnswers.at(-1)!.toLowerCase(), /请输入密码/);
      const guess = await attacker.say(`guess-${i}-wrong`, i < 5 ? isCaptcha : /请输入学号/);
      guesses.push(guess);
      locked = guess;
    }
    const lockNotice = texts(attacker.since(locked!.mark)).find((t) => t.includes('锁定'));
    expect(lockNotice).toMatch(/请 15 分钟后再试/);
    await waitUntil(() => guesses.every((g) => deletedIn(attacker.chatId).includes(g.id)), WAIT_MS, 'the guesses deleted');

    // Even the right password is refused in another chat the student never used, and says when to retry…
    const fresh = student(7491);
    await fresh.say('/start', /请输入学号/);
    await fresh.say(studentId, /请输入密码/);
    const refused = await fresh.say(PASSWORD, /欠费总额|分钟后再试/);
    expect(refused.reply.text).toMatch(/锁定，请 1[45] 分钟后再试/);
    // …but the student's own chat still gets in.
    await own.say(studentId, /请输入密码/);
    const back = await own.say(PASSWORD, /欠费总额|分钟后再试|验证码/);
    expect(back.reply.text).toContain('欠费总额');
  });

  it('退出系统 ends the session: the next message asks for the 学号', async () => {
    const s = student(7405);
    await loginOnTelegram(s, '2024020201');
    const home = await waitForBotMessage(s.chat, withButton('网上缴费'), WAIT_MS);
    const out = await s.press('退出系统', /请输入学号/);
    expect(texts(s.since(out.mark)).join('\n')).toContain('您已退出系统');

    const next = await s.say('/menu', /欠费总额|请输入学号/);
    expect(next.reply.text).toContain('请输入学号');
    // A button of the old home menu does not bring the session back.
    const pressMark = fake.calls.length;
    await s.chat.press(home, callbackData(home, '网上缴费'));
    // Inbound is handled in order per chat: once the 学号 is answered, the press was handled too.
    await s.say('2024020201', /请输入密码/);
    expect(texts(s.since(pressMark)).join('\n')).not.toMatch(/欠费总额|全选/);
    expect(texts(sentTo(s.chatId, next.mark)).join('\n')).not.toContain('欠费总额');
  });

  it('修改邮箱: the code is mailed (real SMTP) to the new address; typing it in Telegram changes the address', async () => {
    const studentId = '2023010102';
    const facts = async () => (await bot.app.feebot.ledger.loadFacts(studentId, Date.now())).student?.recoveryEmailMasked;
    expect(await facts()).toBe('l***@example.edu.cn');

    const s = student(7407);
    await loginOnTelegram(s, studentId);
    // The current password first; it is deleted like every password.
    await s.press('修改邮箱', /请先输入当前密码/);
    const password = await s.say('Demo@2026', /请输入新的密保邮箱/);
    expect(s.chat.userMessagePresent(password.id)).toBe(false);
    const before = smtp.received.length;
    await s.say('xiaoli@example.edu.cn', /6位验证码/);
    const codeMail = (await smtp.waitFor(before + 1, WAIT_MS))[before]!;
    expect(codeMail.to).toEqual(['xiaoli@example.edu.cn']);
    const code = /\b(\d{6})\b/.exec(codeMail.mail.text ?? '')![1]!;
    // Nothing changes until the code is typed.
    expect(await facts()).toBe('l***@example.edu.cn');

    const wrong = await s.say(code === '000000' ? '111111' : '000000', /验证码错误/);
    expect(texts(s.since(wrong.mark)).join('\n')).not.toContain('密保邮箱已更新');
    expect(await facts()).toBe('l***@example.edu.cn');

    await s.say(code, /密保邮箱已更新为 xiaoli@example\.edu\.cn/);
    expect(await facts()).toBe('x***@example.edu.cn');
    const notice = (await smtp.waitFor(before + 2, WAIT_MS)).slice(before + 1);
    expect(notice.map((m) => m.to[0])).toContain('lisi@example.edu.cn');
  });
});
