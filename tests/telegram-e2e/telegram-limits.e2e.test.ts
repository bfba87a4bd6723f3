import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChannelChat } from '../../src/db/repositories/channel-chat.repository.js';
import { startFakeBotApi, type FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitFor } from '../telegram/telegram-test-helpers.js';
import { startBotApiFaultProxy, type BotApiFaultProxy } from './bot-api-fault-proxy.js';
import { leakedSecrets, startTelegramFeebot, waitUntil, type TelegramFeebot } from './telegram-feebot.js';
import { postUpdate, settle, textUpdate } from './telegram-update-builder.js';

// Telegram's limits against a real feebot: a 429 (retry_after) in one chat delays that chat only
// and loses or repeats nothing; a 403 (bot blocked) marks the chat inactive and stops sending to it.
// Updates arrive by webhook; Bot API calls go through a proxy that fails chosen calls per chat.

const SECRET = 'e2e_limits_secret';
// The demo's university (UNIVERSITY_NAME default) leads the prompt.
const PROMPT = '示例大学 学生网上缴费平台\n请输入学号';
const HELP_START = '可用指令：';

let fake: FakeBotApi;
let proxy: BotApiFaultProxy;
let bot: TelegramFeebot;
let webhookUrl: string;
let nextUpdateId = 20_000;

beforeAll(async () => {
  fake = await startFakeBotApi('9999:e2e-limits-token');
  proxy = await startBotApiFaultProxy(fake.apiRoot);
  bot = await startTelegramFeebot((baseUrl) => ({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: proxy.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${baseUrl}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  }));
  webhookUrl = `${bot.baseUrl}/webhooks/telegram`;
});
afterEach(() => proxy.clearRules());
afterAll(async () => {
  await bot?.stop();
  await proxy?.close();
  await fake?.close();
});

/** The student types `text` (one update, answered by the webhook before the next is sent). */
async function say(chatId: number, text: string): Promise<void> {
  const res = await postUpdate(webhookUrl, textUpdate(nextUpdateId++, chatId, text), SECRET);
  expect(res.status).toBe(200);
}

/** Texts the bot got through to the chat, in arrival order at the Bot API. */
const delivered = (chatId: number) =>
  fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId)).map((c) => String(c.params.text));
const kind = (text: string) => (text === PROMPT ? 'prompt' : text.startsWith(HELP_START) ? 'help' : `other: ${text.slice(0, 40)}`);
const deliveredAt = (chatId: number) => fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId)).map((c) => c.at);

describe('Telegram rate limits and blocked chats, end to end', () => {
  it('waits out 429s in one chat: every message arrives once, in order, and the other chat is not held up', async () => {
    const slow = 6101;
    const quick = 6102;
    // The 1st and 3rd sendMessage to `slow` answer 429 retry_after 1.
    proxy.addRule(({ method, chatId, n }) => (method === 'sendMessage' && chatId === String(slow) && (n === 1 || n === 3) ? { code: 429, retryAfter: 1 } : null));

    await say(slow, '/start');
    await say(slow, '/help');
    await say(slow, '/help');
    await say(quick, '/start');
    await say(quick, '/help');

    const slowExpected = ['prompt', 'help', 'prompt', 'help', 'prompt'];
    const quickExpected = ['prompt', 'help', 'prompt'];
    await waitFor(() => delivered(slow).length >= slowExpected.length, 15_000);
    await settle(bot.app.feebot.outbox, 300);
    expect(delivered(slow).map(kind)).toEqual(slowExpected);
    expect(delivered(quick).map(kind)).toEqual(quickExpected);

    // Both 429s happened and were waited out (≥ 1 s each) rather than spent as failures.
    const attempts = proxy.callsTo(slow, 'sendMessage');
    expect(attempts.filter((c) => c.status === 429).map((c) => c.n)).toEqual([1, 3]);
    expect(attempts.map((c) => kind(c.text ?? ''))).toEqual(['prompt', 'prompt', 'help', 'help', 'prompt', 'help', 'prompt']);
    const firstTry = attempts[0]!.at;
    const [, retried, , helpRetried] = attempts.map((c) => c.at);
    expect(retried! - firstTry).toBeGreaterThanOrEqual(950);
    expect(helpRetried! - attempts[2]!.at).toBeGreaterThanOrEqual(950);
    // The other chat was served while `slow` waited.
    expect(Math.max(...deliveredAt(quick))).toBeLessThan(Math.min(...deliveredAt(slow)));
  });

  it('marks a chat that blocked the bot inactive and stops sending to it; other chats carry on', async () => {
    const blocked = 6201;
    const other = 6202;
    proxy.addRule(({ method, chatId }) => (chatId === String(blocked) && method !== 'answerCallbackQuery' ? { code: 403 } : null));

    // /help queues two deliveries (the help text, then the menu): the first meets the 403.
    await say(blocked, '/help');
    await say(other, '/start');
    await say(other, '/help');
    await waitUntil(async () => !(await findChannelChat(bot.app.feebot.db, 'telegram', String(blocked))).active, 10_000, 'the chat marked inactive');
    await settle(bot.app.feebot.outbox, 300);
    expect(proxy.callsTo(blocked)).toHaveLength(1);
    expect(proxy.callsTo(blocked)[0]).toMatchObject({ method: 'sendMessage', status: 403 });

    // A later, proactive delivery (a receipt) is not even attempted.
    await bot.app.feebot.dispatcher.deliverEvent('telegram', String(blocked), {
      kind: 'payment.confirmed',
      orderId: 'FB-E2E-1',
      total: 100,
      receiptNo: 'SB0000000001',
      receiptUrl: `${bot.baseUrl}/receipts/none`,
    });
    await settle(bot.app.feebot.outbox, 300);
    expect(proxy.callsTo(blocked)).toHaveLength(1);

    expect(delivered(other).map(kind)).toEqual(['prompt', 'help', 'prompt']);
    expect(leakedSecrets(bot.app.logLines, [SECRET, fake.token])).toEqual([]);
  });

  it('talks to a chat again once the student unblocks the bot and writes to it', async () => {
    const chat = 6301;
    proxy.addRule(({ chatId }) => (chatId === String(chat) ? { code: 403 } : null));
    await say(chat, '/start');
    const inactive = async () => !(await findChannelChat(bot.app.feebot.db, 'telegram', String(chat))).active;
    await waitUntil(inactive, 10_000, 'the chat marked inactive');
    proxy.clearRules();

    // Telegram lets a user message a bot only after unblocking it: a new update from the chat
    // proves it is reachable again, so it must be answered.
    await say(chat, '/start');
    await waitUntil(() => delivered(chat).length > 0, 5_000, 'an answer after unblocking').catch(() => undefined);
    await settle(bot.app.feebot.outbox, 300);
    expect(delivered(chat).map(kind)).toEqual(['prompt']);
    expect(await inactive()).toBe(false);
  });
});
