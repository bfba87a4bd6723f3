import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitFor } from '../telegram/telegram-test-helpers.js';
import { callbackData, fakeApiChat, pressButton, waitForBotMessage, withButton, withText, type TelegramChat } from './telegram-chat-driver.js';
import { type TelegramFeebot, startFeebotOnFakeBotApi } from './telegram-feebot.js';

// Menus over Telegram against a real feebot and the fake Bot API: an outdated button, and the
// proactive "order expired" message (the clock is moved past the expiry, then the sweeper runs).

const PASSWORD = 'Demo@2026';
let fake: FakeBotApi;
let bot: TelegramFeebot;
let stop = async (): Promise<void> => undefined;
/** Added to the wall clock: lets the test jump past an order's expiry. */
let clockOffset = 0;

beforeAll(async () => {
  ({ fake, bot, stop } = await startFeebotOnFakeBotApi('6666:e2e-menus-token', { AGREEMENT_SECONDS: '0' },
    { clock: () => Date.now() + clockOffset }));
});
afterAll(() => stop());

const answerTo = (callbackId: string) => fake.callsOf('answerCallbackQuery').find((c) => c.params.callback_query_id === callbackId);

async function login(chat: TelegramChat, studentId: string) {
  await chat.sendText('/start');
  await waitForBotMessage(chat, withText('请输入学号'));
  await chat.sendText(studentId);
  await waitForBotMessage(chat, withText('请输入密码'));
  await chat.sendText(PASSWORD);
  return waitForBotMessage(chat, withText('欠费总额'), 10_000, 'the home menu');
}

describe('Telegram menus, end to end', () => {
  it('answers a button from an outdated menu with 此菜单已过期 and shows the current menu', async () => {
    const chat = fakeApiChat(fake, 7301);
    const home = await login(chat, '2023010101');
    const oldPay = callbackData(home, '网上缴费');
    await chat.press(home, oldPay);
    const select = await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/), 10_000, 'the select menu');

    // The home menu's button again: it belongs to a screen the student no longer sees.
    const stale = await chat.press(home, oldPay);
    await waitFor(() => answerTo(stale) !== undefined);
    expect(String(answerTo(stale)!.params.text)).toContain('此菜单已过期');
    // The current menu is there and its buttons work.
    // …drawn again below, saying so, the only menu with live buttons.
    const current = await waitForBotMessage(chat, (m) => m.text.startsWith('此菜单已过期') && !!withButton(/^☐ 2025-2026 学费/)(m), 10_000, 'the current menu');
    expect(current.messageId).toBeGreaterThan(select.messageId);
    const toggle = await chat.press(current, callbackData(current, /^☐ 2025-2026 学费/));
    await waitForBotMessage(chat, withButton(/^✓ 2025-2026 学费/), 10_000, 'the item ticked');
    expect(String(answerTo(toggle)?.params.text ?? '')).not.toContain('此菜单已过期');
  }, 30_000);

  it('tells the Telegram chat when an unpaid order expires', async () => {
    const chat = fakeApiChat(fake, 7302);
    await login(chat, '2024020201');
    await pressButton(chat, '网上缴费');
    const select = await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/));
    await chat.press(select, callbackData(select, /^☐ 2025-2026 学费/));
    await waitForBotMessage(chat, withButton(/^✓ 2025-2026 学费/));
    await pressButton(chat, '下一步');
    await pressButton(chat, '同意');
    await pressButton(chat, '确认');
    const pay = await waitForBotMessage(chat, (m) => m.photo !== null, 15_000, 'the QR pay message');
    const orderId = /订单号：(\S+)/.exec(pay.text)?.[1];
    expect(orderId).toBeDefined();
    expect(chat.botMessages().some(withText('订单已超时关闭'))).toBe(false);

    clockOffset += 31 * 60_000; // past ORDER_EXPIRY_MINUTES (30)
    const swept = await bot.app.feebot.sweeper.sweep();
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect((await bot.app.feebot.ledger.getOrder(orderId!))!.status).toBe('expired');
    // The pay card says so in place, and offers 重新支付 instead of 付款已成功.
    const expired = await waitForBotMessage(chat, (m) => m.messageId === pay.messageId && m.text.includes('状态：已过期'), 10_000, 'the card, expired');
    expect(expired.text).toContain(orderId!);
    expect(expired.buttons.flat().map((b) => b.text)).toEqual(['重新支付', '返回主菜单']);
  }, 30_000);
});
