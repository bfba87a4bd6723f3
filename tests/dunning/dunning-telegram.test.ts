import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { fakeApiChat, findButton, waitForBotMessage, withButton, withText, type TelegramChat } from '../telegram-e2e/telegram-chat-driver.js';
import { startFeebotOnFakeBotApi, type TelegramFeebot } from '../telegram-e2e/telegram-feebot.js';

// The reminder over Telegram (the project's fake Bot API, long polling): it reaches the student's chat,
// its 网上缴费 button is the bot's start=pay deep link, which opens the pay flow; `stop` ends reminders.

let fake: FakeBotApi;
let bot: TelegramFeebot;
let stop = async (): Promise<void> => undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dunning-tg-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ quietHours: { start: '00:00', end: '00:00' } }));
  ({ fake, bot, stop } = await startFeebotOnFakeBotApi('7777:e2e-dunning-token', { DUNNING_POLICY_FILE: join(dir, 'policy.json'), TELEGRAM_BOT_USERNAME: 'feebot_test_bot' }));
});
afterAll(() => stop());

async function login(chat: TelegramChat, studentId: string) {
  await chat.sendText('/start');
  await waitForBotMessage(chat, withText('请输入学号'));
  await chat.sendText(studentId);
  await waitForBotMessage(chat, withText('请输入密码'));
  await chat.sendText('Demo@2026');
  return waitForBotMessage(chat, withText('欠费总额'), 10_000, 'the home menu');
}

describe('reminders on Telegram', () => {
  it('reach the chat with a start=pay button that opens 网上缴费; replying stop opts out', async () => {
    const { feebot } = bot.app;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await feebot.db.updateTable('fee_items').set({ due_date: today }).where('student_id', '=', '2024020201').execute();
    const chat = fakeApiChat(fake, 7401);
    await login(chat, '2024020201');

    expect((await feebot.dunning.service.runNow())?.result.planned).toBeGreaterThanOrEqual(1);
    feebot.outbox.kick();
    const reminder = await waitForBotMessage(chat, withText('【缴费提醒】'), 10_000, 'the reminder');
    expect(reminder.text).toContain('赵六同学');
    expect(reminder.text).toContain(`截止 ${today}`);
    const pay = findButton(reminder, '网上缴费');
    expect(pay && 'url' in pay ? pay.url : null).toBe('https://t.me/feebot_test_bot?start=pay');

    // Telegram turns the deep link into `/start pay` in the same chat.
    await chat.sendText('/start pay');
    await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/), 10_000, 'the items to pay');

    await chat.sendText('stop');
    await waitForBotMessage(chat, withText('已为您退订缴费提醒'), 10_000, 'the opt-out answer');
    expect(await feebot.db.selectFrom('dunning_optouts').select(['student_id', 'channel']).execute()).toEqual([{ student_id: '2024020201', channel: 'all' }]);
  }, 60_000);
});
