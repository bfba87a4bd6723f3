import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitFor } from '../telegram/telegram-test-helpers.js';
import { callbackData, fakeApiChat, pressButton, waitForBotMessage, withButton, withText, type BotMessage, type TelegramChat } from './telegram-chat-driver.js';
import { payAtSandbox } from './sandbox-payer.js';
import { startFeebotOnFakeBotApi } from './telegram-feebot.js';

// Issue 14, "a conversation that reads in order", on Telegram against a real feebot and the fake Bot
// API: one live keyboard at any time, progress notices replaced by their outcome, every typed answer
// answered below it, one message per typed mistake.

const PASSWORD = 'Demo@2026';
const SANDBOX_SECRET = 'telegram-order-sandbox-secret-0123';
let fake: FakeBotApi;
let stop = async (): Promise<void> => undefined;

beforeAll(async () => {
  ({ fake, stop } = await startFeebotOnFakeBotApi('8181:e2e-order-token', { AGREEMENT_SECONDS: '1', SANDBOX_GATEWAY_SECRET: SANDBOX_SECRET }));
});
afterAll(() => stop());

/** Bot messages that still carry a pressable (callback) button. */
const liveKeyboards = (chat: TelegramChat): BotMessage[] =>
  chat.botMessages().filter((m) => m.buttons.flat().some((b) => 'callback_data' in b));

/** Lets the outbox finish what it is doing (no new Bot API call for a while). */
async function settle(): Promise<void> {
  let count = -1;
  while (count !== fake.calls.length) {
    count = fake.calls.length;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function login(chat: TelegramChat, studentId: string): Promise<BotMessage> {
  await chat.sendText('/start');
  await waitForBotMessage(chat, withText('请输入学号'));
  await chat.sendText(studentId);
  await waitForBotMessage(chat, withText(`学号：${studentId}\n请输入密码`));
  await chat.sendText(PASSWORD);
  return waitForBotMessage(chat, withText('欠费总额'), 10_000, 'the home menu');
}

describe('Telegram: a conversation that reads in order', () => {
  it('leaves one live keyboard through a whole payment, and no progress notice behind', async () => {
    const chat = fakeApiChat(fake, 8101);
    await login(chat, '2024020201');
    await settle();
    expect(liveKeyboards(chat)).toHaveLength(1);

    await pressButton(chat, '网上缴费');
    const select = await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/));
    await chat.press(select, callbackData(select, /^☐ 2025-2026 学费/));
    await waitForBotMessage(chat, withButton(/^✓ 2025-2026 学费/));
    await pressButton(chat, /^分期：2025-2026 学费/);
    await waitForBotMessage(chat, withText('请输入本次分期缴费的金额'));

    // A bad amount: one message, the error and the prompt together, below what was typed.
    const before = chat.botMessages().length;
    await chat.sendText('12.345');
    const again = await waitForBotMessage(chat, withText('金额格式不正确'));
    await settle();
    expect(chat.botMessages().length).toBe(before + 1);
    expect(again.text).toContain('请输入本次分期缴费的金额');
    expect(liveKeyboards(chat).map((m) => m.messageId)).toEqual([again.messageId]);

    await chat.sendText('4000.50');
    await waitForBotMessage(chat, withButton(/^分期：2025-2026 学费（¥4,000.50）/));
    await pressButton(chat, '下一步');
    const agreement = await waitForBotMessage(chat, withButton(/^同意/));
    const unlocked = await waitForBotMessage(chat, (m) => m.messageId === agreement.messageId && !!withButton('同意')(m), 8_000, 'the unlocked agreement');
    await chat.press(unlocked, callbackData(unlocked, '同意'));
    await pressButton(chat, '确认');
    const pay = await waitForBotMessage(chat, (m) => m.photo !== null, 15_000, 'the QR pay message');
    await settle();
    // 正在创建订单… was the outcome's place holder: it is gone, not left above the pay card.
    expect(chat.botMessages().filter(withText('正在创建订单'))).toEqual([]);
    expect(liveKeyboards(chat).map((m) => m.messageId)).toEqual([pay.messageId]);

    const payUrl = /去支付: (\S+)/.exec(pay.text)?.[1];
    await payAtSandbox(payUrl!, '13800138000');
    // The pay card itself turns 已开票, in place (its caption), and its buttons change with it.
    const card = await waitForBotMessage(chat, (m) => m.messageId === pay.messageId && m.text.includes('状态：已开票'), 15_000, 'the card, receipted');
    expect(card.text).toContain('缴费成功');
    expect(card.text).toMatch(/还剩 ¥[\d,.]+/);
    expect(card.buttons.flat().map((b) => b.text)).toEqual(['继续缴费', '返回主菜单']);
    await settle();
    // Everything above the current card is bare: no dead button stays pressable.
    expect(liveKeyboards(chat).map((m) => m.messageId)).toEqual([pay.messageId]);
    expect(fake.callsOf('editMessageReplyMarkup').length).toBeGreaterThan(0);
  }, 60_000);

  it('answers the 学号 typed in 忘记密码 with a new message below it, not an edit above it', async () => {
    const chat = fakeApiChat(fake, 8102);
    await chat.sendText('/start');
    await pressButton(chat, '忘记密码');
    const prompt = await waitForBotMessage(chat, withText('请输入学号'));
    const typed = await chat.sendText('2023010101');
    const dialog = await waitForBotMessage(chat, withButton('发送'), 10_000, 'the 忘记密码 dialog');
    expect(dialog.messageId).toBeGreaterThan(prompt.messageId);
    // The prompt above the typed 学号 still reads as it did, and loses its buttons (just after the answer).
    const promptNow = () => chat.botMessages().find((m) => m.messageId === prompt.messageId);
    expect(promptNow()?.text).toContain('请输入学号');
    await expect.poll(() => promptNow()?.buttons, { timeout: 5_000 }).toEqual([]);
    expect(chat.userMessagePresent(typed)).toBe(true);

    // 发送: 正在发送… becomes the outcome; it is not left behind.
    await chat.press(dialog, callbackData(dialog, '发送'));
    await waitForBotMessage(chat, withText('请输入学号'), 10_000, 'the login prompt after sending');
    await settle();
    expect(chat.botMessages().filter(withText('正在发送'))).toEqual([]);
    expect(liveKeyboards(chat)).toHaveLength(1);
  }, 30_000);

  it('a wrong password asks for the password again under the same 学号, with 换学号', async () => {
    const chat = fakeApiChat(fake, 8103);
    await chat.sendText('/start');
    await waitForBotMessage(chat, withText('请输入学号'));
    await chat.sendText('2023010101');
    await waitForBotMessage(chat, withText('请输入密码'));
    await chat.sendText('not-the-password');
    const again = await waitForBotMessage(chat, withText('学号或密码有误'));
    expect(again.text).toContain('学号：2023010101\n请输入密码');
    expect(again.buttons.flat().map((b) => b.text)).toEqual(['忘记密码', '换学号']);
    await chat.sendText(PASSWORD);
    await waitForBotMessage(chat, withText('欠费总额'), 10_000, 'the home menu after the second try');
  }, 30_000);

  it('a stale press says 此菜单已过期 and shows the current menu below, the only live one', async () => {
    const chat = fakeApiChat(fake, 8104);
    const home = await login(chat, '2023010101');
    const oldPay = callbackData(home, '网上缴费');
    await chat.press(home, oldPay);
    const select = await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/));
    await chat.press(home, oldPay);
    const current = await waitForBotMessage(chat, withText('此菜单已过期'), 10_000, 'the current menu, redrawn');
    expect(current.messageId).toBeGreaterThan(select.messageId);
    expect(current.buttons.flat().some((b) => /^☐ 2025-2026 学费/.test(b.text))).toBe(true);
    await waitFor(() => liveKeyboards(chat).length === 1);
    expect(liveKeyboards(chat)[0]!.messageId).toBe(current.messageId);
  }, 30_000);
});
