import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitFor } from '../telegram/telegram-test-helpers.js';
import { leakedSecrets, startTelegramFeebot, type TelegramFeebot } from './telegram-feebot.js';
import { callbackUpdate, postUpdate, settle, textUpdate } from './telegram-update-builder.js';

// Webhook mode against a real feebot: registration with the secret token, redelivered updates
// answered once, requests without the right secret refused before anything happens.

const SECRET = 'e2e_Webhook-secret_0042';
let fake: FakeBotApi;
let bot: TelegramFeebot;
let webhookUrl: string;

beforeAll(async () => {
  fake = await startFakeBotApi('8888:e2e-webhook-token');
  bot = await startTelegramFeebot((baseUrl) => ({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${baseUrl}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  }));
  webhookUrl = `${bot.baseUrl}/webhooks/telegram`;
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const sentTo = (chatId: number) => fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId));

describe('Telegram webhook, end to end', () => {
  it('registers the webhook with its secret token at startup and does not long-poll', () => {
    expect(fake.webhook).toEqual({ url: webhookUrl, secret: SECRET });
    const [registration] = fake.callsOf('setWebhook');
    expect(registration?.params).toMatchObject({ url: webhookUrl, secret_token: SECRET });
    expect(registration?.params.allowed_updates).toEqual(['message', 'callback_query']);
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(0);
    expect([...fake.commands.keys()].sort()).toEqual(['', 'zh']);
  });

  it('answers an update delivered five times exactly once', async () => {
    const update = textUpdate(9001, 501, '/start');
    const answers = await Promise.all(Array.from({ length: 5 }, () => postUpdate(webhookUrl, update, SECRET)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    for (const answer of answers) expect(await answer.json()).toEqual({ ok: true });

    await waitFor(() => sentTo(501).length > 0);
    await settle(bot.app.feebot.outbox);
    expect(sentTo(501)).toHaveLength(1);
    expect(String(sentTo(501)[0]?.params.text)).toContain('请输入学号');

    // A button press through the webhook: answered, and the menu is edited in place.
    const menu = [...fake.messages.values()].find((m) => m.chat_id === '501')!;
    const keyboard = menu.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const english = keyboard.inline_keyboard.flat().find((b) => b.text === 'English')!;
    const press = await postUpdate(webhookUrl, callbackUpdate(9003, 501, menu.message_id, english.callback_data, 'cb-lang'), SECRET);
    expect(press.status).toBe(200);
    await waitFor(() => fake.messages.get(menu.message_id)?.text?.includes('Please enter your student ID') === true);
    expect(fake.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toContain('cb-lang');
    await settle(bot.app.feebot.outbox);
    expect(sentTo(501)).toHaveLength(1);
  });

  it('refuses a wrong or missing secret with 401 and sends nothing', async () => {
    const update = textUpdate(9002, 502, '/start');
    const refused = [
      await postUpdate(webhookUrl, update, 'e2e_Webhook-secret_0043'),
      await postUpdate(webhookUrl, update, SECRET.slice(0, -1)),
      await postUpdate(webhookUrl, update, ''),
      await postUpdate(webhookUrl, update, null),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    await settle(bot.app.feebot.outbox, 400);
    expect(sentTo(502)).toHaveLength(0);
    expect([...fake.messages.values()].filter((m) => m.chat_id === '502')).toHaveLength(0);

    // The refused requests did not mark the update as seen: Telegram's genuine delivery still counts.
    expect((await postUpdate(webhookUrl, update, SECRET)).status).toBe(200);
    await waitFor(() => sentTo(502).length > 0);
    await settle(bot.app.feebot.outbox);
    expect(sentTo(502)).toHaveLength(1);
    expect(leakedSecrets(bot.app.logLines, [SECRET, fake.token])).toEqual([]);
  });
});
