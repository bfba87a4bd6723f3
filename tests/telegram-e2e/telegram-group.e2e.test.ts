import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBotApi } from '../telegram/fake-bot-api.js';
import { waitUntil, type TelegramFeebot, startFeebotOnFakeBotApi } from './telegram-feebot.js';
import { settle } from './telegram-update-builder.js';

// A command in a group gets the "talk to me privately" notice, sent through the outbox like every
// other message: it waits out a 429 instead of being lost, and is not repeated within a minute.

const GROUP = -100_777;
let fake: FakeBotApi;
let bot: TelegramFeebot;
let stop = async (): Promise<void> => undefined;

beforeAll(async () => {
  ({ fake, bot, stop } = await startFeebotOnFakeBotApi('8888:e2e-group-token'));
});
afterAll(() => stop());

const groupCommand = (messageId: number, text: string) => ({
  message: {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    text,
    chat: { id: GROUP, type: 'supergroup', title: 'Class 1' },
    from: { id: 8, is_bot: false, first_name: 'W', language_code: 'en' },
  },
});
const noticesInGroup = () => [...fake.messages.values()].filter((m) => m.chat_id === String(GROUP));
const sendsToGroup = () => fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(GROUP));

describe('Telegram group chats', () => {
  it('queues the private-chat notice in the outbox: a 429 delays it, nothing is lost, no repeat within a minute', async () => {
    fake.failNext('sendMessage', { code: 429, retryAfter: 1 });
    fake.pushUpdate(groupCommand(1, '/pay'));
    await waitUntil(() => noticesInGroup().length > 0, 10_000, 'the group notice');

    const [notice] = noticesInGroup();
    expect(notice!.text).toContain('private chat');
    expect(notice!.text).toContain('https://t.me/feebot_test_bot');
    // First try met the 429, the outbox retried after retry_after.
    expect(sendsToGroup()).toHaveLength(2);
    expect(sendsToGroup()[1]!.at - sendsToGroup()[0]!.at).toBeGreaterThanOrEqual(950);
    // The worker marks the entry done just after Telegram answered: wait for that, not only the send.
    const rows = () => bot.app.feebot.db.selectFrom('outbox').select(['kind', 'status']).where('lane', '=', `chat:telegram:${GROUP}`).execute();
    await expect.poll(rows, { timeout: 5_000 }).toEqual([{ kind: 'deliver', status: 'done' }]);

    // Another command within the minute: no second notice, and the group never reaches the engine.
    fake.pushUpdate(groupCommand(2, '/menu@feebot_test_bot'));
    await waitUntil(() => fake.callsOf('getUpdates').some((c) => Number(c.params.offset) > 2), 5_000, 'the second update read');
    await settle(bot.app.feebot.outbox, 300);
    expect(noticesInGroup()).toHaveLength(1);
    const conversations = await bot.app.feebot.db.selectFrom('conversations').selectAll().where('chat_id', '=', String(GROUP)).execute();
    expect(conversations).toEqual([]);
  }, 20_000);
});
