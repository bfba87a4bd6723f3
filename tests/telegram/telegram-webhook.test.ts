import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { secretMatches } from '../../adapters/telegram/telegram-webhook.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { createRecordingDispatcher, silentLogger, testConfig } from './telegram-test-helpers.js';

const SECRET = 'hook_Secret-0123456789';
const URL_ = 'https://bot.example.edu/webhooks/telegram';

function post(app: Hono, body: unknown, secret?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
  return app.request('/webhooks/telegram', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const update = (updateId: number, text: string) => ({
  update_id: updateId,
  message: { message_id: 10 + updateId, date: 0, text, chat: { id: 55, type: 'private' }, from: { id: 55, is_bot: false, first_name: 'Z' } },
});

describe('telegram webhook', () => {
  let fake: FakeBotApi;
  let adapter: TelegramAdapter;
  let app: Hono;
  const dispatcher = createRecordingDispatcher();

  beforeAll(async () => {
    fake = await startFakeBotApi();
    const config = testConfig(fake.apiRoot, fake.token, { webhook: { url: URL_, path: '/webhooks/telegram', secret: SECRET } });
    adapter = createTelegramAdapter({ config, logger: silentLogger });
    adapter.setDispatcher(dispatcher);
    app = new Hono();
    adapter.mount(app);
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });

  it('registers the webhook with its secret on start and does not poll', () => {
    expect(fake.webhook).toEqual({ url: URL_, secret: SECRET });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    expect(fake.callsOf('setWebhook')[0]?.params.allowed_updates).toEqual(['message', 'callback_query']);
  });

  it('processes an update once even when Telegram posts it 5 times', async () => {
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await post(app, update(700, '20230001'), SECRET));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // Each post reaches the dispatcher with the same updateId; it lets exactly one through.
    expect(dispatcher.received.filter((u) => u.updateId === '700')).toHaveLength(5);
    expect(dispatcher.processed.filter((u) => u.updateId === '700')).toEqual([
      { channel: 'telegram', chatId: '55', updateId: '700', event: { kind: 'text', text: '20230001' }, inboundMessageId: '710', source: 'telegram:55' },
    ]);
  });

  it('refuses a wrong or missing secret with 401 and dispatches nothing', async () => {
    const before = dispatcher.received.length;
    expect((await post(app, update(701, 'x'), 'wrong')).status).toBe(401);
    expect((await post(app, update(702, 'x'))).status).toBe(401);
    expect((await post(app, update(703, 'x'), `${SECRET}x`)).status).toBe(401);
    expect(dispatcher.received.length).toBe(before);
  });

  it('answers 400 to a body that is not an update', async () => {
    expect((await post(app, '{not json', SECRET)).status).toBe(400);
    expect((await post(app, { hello: 1 }, SECRET)).status).toBe(400);
  });

  it('compares secrets exactly', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches('', SECRET)).toBe(false);
    expect(secretMatches(SECRET.toLowerCase(), SECRET)).toBe(false);
  });
});
