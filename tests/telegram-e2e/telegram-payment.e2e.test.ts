// The package's default export is typed as an ES default but is module.exports; import the class directly.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALLBACK_DATA_BYTES } from '../../adapters/telegram/telegram-render.js';
import { freePort } from '../support/free-port.js';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitFor } from '../telegram/telegram-test-helpers.js';
import {
  callbackData,
  fakeApiChat,
  keyboardOf,
  pressButton,
  testApiChat,
  waitForBotMessage,
  withButton,
  withText,
  type BotMessage,
  type TelegramChat,
} from './telegram-chat-driver.js';
import { leakedSecrets, startTelegramFeebot, type TelegramFeebot, startFeebotOnFakeBotApi } from './telegram-feebot.js';
import { payAtSandbox } from './sandbox-payer.js';

// A student pays through Telegram against a real feebot (long polling, real SQLite, real outbox).
//
// Two Bot API peers: telegram-test-api (the npm emulator) has no sendPhoto — the pay message is a
// QR photo, which it answers with a 500, so the transport keeps retrying and the pay message never
// arrives there. The journey up to 确认 therefore runs against telegram-test-api, and the FULL
// journey (确认 → QR photo → sandbox gateway → receipt) against the project's fake Bot API
// (tests/telegram/fake-bot-api.ts), which implements sendPhoto.

const PASSWORD = 'Demo@2026';
const SANDBOX_SECRET = 'telegram-e2e-sandbox-secret-0123';
const baseEnv = { AGREEMENT_SECONDS: '2', SANDBOX_GATEWAY_SECRET: SANDBOX_SECRET };

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** /start → 学号 → password → home. Returns the ids of the two messages the student typed. */
async function login(
  chat: TelegramChat,
  studentId: string,
  start = '/start',
  landing: (m: BotMessage) => boolean = withText('欠费总额'),
): Promise<{ studentIdMessage: number; passwordMessage: number; home: BotMessage }> {
  await chat.sendText(start);
  await waitForBotMessage(chat, withText('请输入学号'));
  const studentIdMessage = await chat.sendText(studentId);
  await waitForBotMessage(chat, withText(`学号：${studentId}\n请输入密码`));
  const passwordMessage = await chat.sendText(PASSWORD);
  const home = await waitForBotMessage(chat, landing, 10_000, 'the first menu after login');
  return { studentIdMessage, passwordMessage, home };
}

/** Home → 网上缴费 → tick 2025-2026 学费 → 分期 → amount → 下一步. Returns the select menu and the agreement. */
async function chooseInstallment(chat: TelegramChat, amount: string, shown: string): Promise<{ select: BotMessage; agreement: BotMessage }> {
  await pressButton(chat, '网上缴费');
  const select = await waitForBotMessage(chat, withButton(/^☐ 2025-2026 学费/));
  await chat.press(select, callbackData(select, /^☐ 2025-2026 学费/));
  await waitForBotMessage(chat, withButton(/^✓ 2025-2026 学费/));
  await pressButton(chat, /^分期：2025-2026 学费/);
  await waitForBotMessage(chat, withText('请输入本次分期缴费的金额'));
  await chat.sendText(amount);
  await waitForBotMessage(chat, withButton(new RegExp(`^分期：2025-2026 学费（${shown}）`)));
  await pressButton(chat, '下一步');
  const agreement = await waitForBotMessage(chat, withButton(/^同意（\d+秒）$/), 10_000, 'the locked agreement');
  return { select, agreement };
}

describe('Telegram journey against telegram-test-api (login, menus, agreement timer)', () => {
  const TOKEN = '5555:e2e-test-api-token';
  let server: TelegramServer;
  let bot: TelegramFeebot;
  let edits = 0;
  const seenCallbackData = new Set<string>();

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    const collect = () => {
      for (const u of server.storage.botMessages) {
        for (const b of keyboardOf(u.message.reply_markup).flat()) if ('callback_data' in b) seenCallbackData.add(b.callback_data);
      }
    };
    server.on('AddedBotMessage', collect);
    server.on('EditedMessageText', () => {
      edits += 1;
      collect();
    });
    bot = await startTelegramFeebot(() => ({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL }), baseEnv);
  });
  afterAll(async () => {
    await bot?.stop();
    await server?.stop();
  });

  it('logs in (password message deleted), edits menus in place and unlocks 同意 by the timer', async () => {
    const chat = testApiChat(server, TOKEN, 7101);
    const { studentIdMessage, passwordMessage, home } = await login(chat, '2023010101');
    // Soft: the home menu drawn right after login must already show the student's facts.
    expect.soft(home.text).toContain('姓名：张三');
    // The password disappears from the chat; the 学号 stays.
    await waitFor(() => !chat.userMessagePresent(passwordMessage));
    expect(chat.userMessagePresent(studentIdMessage)).toBe(true);

    const { select, agreement } = await chooseInstallment(chat, '1000.50', '¥1,000.50');
    // 网上缴费 was pressed on the home menu: the select menu is that same message, edited.
    expect(select.messageId).toBe(home.messageId);
    expect(edits).toBeGreaterThan(0);

    // Too early: the engine refuses (telegram-test-api does not keep callback answers; the alert
    // text is checked against the fake Bot API below) and the menu stays the agreement.
    await chat.press(agreement, callbackData(agreement, /^同意/));
    const unlocked = await waitForBotMessage(chat, (m) => m.messageId === agreement.messageId && !!withButton('同意')(m), 8_000, 'the unlocked agreement');
    expect(unlocked.text).toContain('阅读完毕后点击「同意」');

    await chat.press(unlocked, callbackData(unlocked, '同意'));
    const confirm = await waitForBotMessage(chat, withButton('确认'));
    expect(confirm.text).toContain('合计：¥1,000.50');
    expect(confirm.text).toContain('2025-2026 学费 ¥1,000.50（分期，未缴 ¥5,000.00）');

    expect(seenCallbackData.size).toBeGreaterThan(5);
    for (const code of seenCallbackData) expect(utf8Bytes(code)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
    expect(leakedSecrets(bot.app.logLines, [PASSWORD, TOKEN])).toEqual([]);
  });
});

describe('Telegram payment, end to end against the fake Bot API (sendPhoto supported)', () => {
  let fake: FakeBotApi;
  let bot: TelegramFeebot;
  let stop = async (): Promise<void> => undefined;

  beforeAll(async () => {
    ({ fake, bot, stop } = await startFeebotOnFakeBotApi('7777:e2e-fake-token', baseEnv));
  });
  afterAll(() => stop());

  const answerTo = (callbackId: string) =>
    fake.callsOf('answerCallbackQuery').find((c) => c.params.callback_query_id === callbackId);

  it('pays an installment: QR pay message, sandbox gateway, 缴费成功 with a working receipt link', async () => {
    const chat = fakeApiChat(fake, 7201);
    const { studentIdMessage, passwordMessage, home } = await login(chat, '2024020201');
    // Soft: the home menu drawn right after login must already show the student's facts.
    expect.soft(home.text).toContain('姓名：赵六');
    await waitFor(() => fake.callsOf('deleteMessage').some((c) => Number(c.params.message_id) === passwordMessage));
    expect(chat.userMessagePresent(passwordMessage)).toBe(false);
    expect(chat.userMessagePresent(studentIdMessage)).toBe(true);
    expect(fake.callsOf('deleteMessage')).toHaveLength(1);

    const { select, agreement } = await chooseInstallment(chat, '4000.50', '¥4,000.50');
    expect(select.messageId).toBe(home.messageId);

    // 同意 pressed before the reading time is over: an alert that says how many seconds are left.
    const early = await chat.press(agreement, callbackData(agreement, /^同意/));
    await waitFor(() => answerTo(early) !== undefined);
    expect(answerTo(early)?.params).toMatchObject({ show_alert: true });
    expect(String(answerTo(early)?.params.text)).toMatch(/\d+ 秒/);

    // The timer (an outbox entry) redraws the same message with 同意 enabled.
    const unlocked = await waitForBotMessage(chat, (m) => m.messageId === agreement.messageId && !!withButton('同意')(m), 8_000, 'the unlocked agreement');
    expect(fake.callsOf('editMessageText').some((c) => Number(c.params.message_id) === agreement.messageId && String(c.params.text).includes('阅读完毕'))).toBe(true);
    const agreed = await chat.press(unlocked, callbackData(unlocked, '同意'));
    const confirm = await waitForBotMessage(chat, withButton('确认'));
    expect(confirm.text).toContain('2025-2026 学费 ¥4,000.50（分期，未缴 ¥16,000.00）');
    const confirmed = (await pressButton(chat, '确认')).callbackId;

    // The pay message: a QR code photo, its caption with the order and the pay link.
    const pay = await waitForBotMessage(chat, (m) => m.photo !== null, 15_000, 'the QR pay message');
    expect(pay.photo!.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pay.text).toContain('合计：¥4,000.50');
    expect(pay.buttons.flat().map((b) => b.text)).toEqual(['付款已成功', '付款出现问题', '分享给家长代付']);
    const orderId = /订单号：(\S+)/.exec(pay.text)?.[1];
    const payUrl = /去支付: (\S+)/.exec(pay.text)?.[1];
    expect(orderId).toBeDefined();
    expect(payUrl).toBe(`${bot.baseUrl}/sandbox-gateway/pay/${orderId}`);

    const payment = await payAtSandbox(payUrl!, '13800138000');
    expect(payment.pages[0]).toContain('¥4,000.50');

    // Proactive: the receipt reaches the Telegram chat without the student doing anything.
    // The pay card itself becomes the receipt, in place (its caption), with the receipt link.
    const receipt = await waitForBotMessage(chat, withText('缴费成功'), 15_000, 'the receipt message');
    expect(receipt.messageId).toBe(pay.messageId);
    expect(receipt.text).toContain(`订单号：${orderId}`);
    expect(receipt.text).toContain('合计：¥4,000.50');
    expect(receipt.text).toContain('状态：已开票');
    const receiptNo = /电子票据号：(\S+)/.exec(receipt.text)?.[1];
    const receiptUrl = /查看电子票据: (\S+)/.exec(receipt.text)?.[1];
    expect(receiptNo).toMatch(/^SB\d{10}$/);
    expect(receiptUrl).toMatch(new RegExp(`^${bot.baseUrl}/receipts/`));
    const page = await fetch(receiptUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`id="receipt-no">${receiptNo}<`);

    const facts = await bot.app.feebot.ledger.loadFacts('2024020201', Date.now());
    const tuition = facts.items.find((i) => i.feePeriod === '2025-2026' && i.amountDue === 1_600_000);
    expect(tuition?.amountPaid).toBe(400_050);
    await new Promise((r) => setTimeout(r, 300));
    expect(chat.botMessages().filter(withText('缴费成功'))).toHaveLength(1);

    // Every press was answered (no spinning buttons), every button fits Telegram's 64 bytes,
    // menus were edited in place, and no secret reached the logs.
    for (const id of [early, agreed, confirmed]) expect(answerTo(id)).toBeDefined();
    const markups = fake.calls.filter((c) => ['sendMessage', 'sendPhoto', 'editMessageText'].includes(c.method));
    const codes = markups.flatMap((c) => keyboardOf(c.params.reply_markup).flat()).flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) expect(utf8Bytes(code)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
    expect(fake.callsOf('editMessageText').length).toBeGreaterThan(2);
    expect(leakedSecrets(bot.app.logLines, [PASSWORD, fake.token])).toEqual([]);
  });

  it('follows a t.me deep link: /start pay lands on 网上缴费 with the payable items after login', async () => {
    const chat = fakeApiChat(fake, 7202);
    const { home: select } = await login(chat, '2025030301', '/start pay', (m) => m.text.startsWith('网上缴费\n'));
    expect(select.text).toContain('请勾选本次要缴费的项目');
    const toggles = select.buttons.flat().map((b) => b.text).filter((t) => t.startsWith('☐'));
    expect([...toggles].sort()).toEqual(
      ['☐ 2025-2026 学费 ¥5,000.00', '☐ 2025-2026 住宿费 ¥1,200.00', '☐ 2025-2026 教材费 ¥420.80', '☐ 2025-2026 城乡居民医疗保险 ¥400.00'].sort(),
    );
  });
});
