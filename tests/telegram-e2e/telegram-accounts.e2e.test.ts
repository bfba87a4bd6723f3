import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { callbackData, fakeApiChat, waitForBotMessage, withButton, withText } from './telegram-chat-driver.js';
import { type TelegramFeebot, startFeebotOnFakeBotApi } from './telegram-feebot.js';

// The accounts rules on Telegram: the password message is deleted, the captcha arrives as a photo,
// and 【忘记密码】 works from the chat (the mail lands in the dev mailbox: no SMTP_URL here).

let fake: FakeBotApi;
let bot: TelegramFeebot;
let stop = async (): Promise<void> => undefined;

beforeAll(async () => {
  ({ fake, bot, stop } = await startFeebotOnFakeBotApi('7788:accounts-token'));
});
afterAll(() => stop());

describe('Telegram accounts', () => {
  it('sends the captcha as a photo after 3 failed logins and deletes every password message', async () => {
    const chat = fakeApiChat(fake, 7301);
    await chat.sendText('/start');
    await waitForBotMessage(chat, withText('请输入学号'));
    await chat.sendText('2023010101');
    for (let i = 1; i <= 3; i++) {
      await waitForBotMessage(chat, withText('请输入密码'));
      const typed = await chat.sendText(`wrong-${i}-password`);
      // Asked for the password again, the 学号 kept: one message per wrong try.
      if (i < 3) await waitForBotMessage(chat, () => chat.botMessages().filter(withText('学号或密码有误\n\n学号：2023010101\n请输入密码')).length === i);
      await expect.poll(() => chat.userMessagePresent(typed)).toBe(false);
    }
    const captcha = await waitForBotMessage(chat, (m) => m.photo !== null && m.text.includes('验证码'));
    expect(captcha.photo!.subarray(1, 4).toString()).toBe('PNG');
    expect(callbackData(captcha, '换一张')).toMatch(/^v1:captcha:/);
  });

  it('【忘记密码】 asks for the 学号, shows the masked address and sends the mail', async () => {
    const chat = fakeApiChat(fake, 7302);
    await chat.sendText('/start');
    const prompt = await waitForBotMessage(chat, withButton('忘记密码'));
    await chat.press(prompt, callbackData(prompt, '忘记密码'));
    await waitForBotMessage(chat, withText('找回密码'));
    await chat.sendText('2024020201');
    const dialog = await waitForBotMessage(chat, withText('是否确认发送'));
    expect(dialog.text).toContain('z***@example.edu.cn');
    await chat.press(dialog, callbackData(dialog, '发送'));
    await waitForBotMessage(chat, withText('30分钟'));
    await bot.app.feebot.resets.idle();
    const mails = bot.app.feebot.mailer.devMailbox!.messages();
    expect(mails.some((m) => m.to === 'zhaoliu@example.edu.cn' && /reset-password\?token=/.test(m.text))).toBe(true);
  });
});
