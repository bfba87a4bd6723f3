import { createServer } from 'node:net';
// The package's default export is typed as an ES default but is module.exports; import the class directly.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { createRecordingDispatcher, silentLogger, testConfig, waitFor } from './telegram-test-helpers.js';

// telegram-test-api treats port 0 as "use 9000", so ask the OS for a free port first.
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const TOKEN = '5555:test-api-token';

describe('telegram adapter against telegram-test-api', () => {
  let server: TelegramServer;
  let adapter: TelegramAdapter;
  const dispatcher = createRecordingDispatcher([{ text: '已选择', alert: false }]);

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    // Stands in for the outbox (telegramChannel in adapters/telegram): the group notice goes through the transport.
    const sendNotice = async (chatId: string, text: string) => {
      await adapter.transport.deliver({ channel: 'telegram', chatId, view: { placement: 'message', text, buttons: [] }, menuMessageId: null });
    };
    adapter = createTelegramAdapter({ config: testConfig(server.config.apiURL, TOKEN), dispatcher, logger: silentLogger, sendNotice });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await server.stop();
  });

  it('learns its username from getMe on start', () => {
    expect(adapter.botInfo()?.username).toBe('TestNameBot');
  });

  it('dispatches a user message and a /start deep link received by long polling', async () => {
    const client = server.getClient(TOKEN, { userId: 31, chatId: 31 });
    await client.sendMessage(client.makeMessage('20230001', { from: { language_code: 'zh-CN' } }));
    await waitFor(() => dispatcher.processed.some((u) => u.event.kind === 'text'));
    const text = dispatcher.processed.find((u) => u.event.kind === 'text')!;
    expect(text).toMatchObject({ channel: 'telegram', chatId: '31', event: { kind: 'text', text: '20230001' }, languageHint: 'zh-CN' });
    expect(text.updateId).toMatch(/^\d+$/);
    expect(text.inboundMessageId).toMatch(/^\d+$/);

    await client.sendCommand(client.makeCommand('/start pay_2025-2026'));
    await waitFor(() => dispatcher.processed.some((u) => u.event.kind === 'start'));
    expect(dispatcher.processed.find((u) => u.event.kind === 'start')?.event).toEqual({ kind: 'start', payload: 'pay_2025-2026' });
  });

  it('dispatches a button press as an action', async () => {
    const client = server.getClient(TOKEN, { userId: 31, chatId: 31 });
    await client.sendCallback(client.makeCallbackQuery('v1:home:-:1'));
    await waitFor(() => dispatcher.processed.some((u) => u.event.kind === 'action'));
    expect(dispatcher.processed.find((u) => u.event.kind === 'action')).toMatchObject({ chatId: '31', event: { kind: 'action', code: 'v1:home:-:1' } });
  });

  it('sends, edits and deletes messages through the transport', async () => {
    const client = server.getClient(TOKEN, { userId: 32, chatId: 32 });
    const view = { placement: 'menu' as const, text: '主菜单', buttons: [[{ label: '网上缴费', code: 'v1:pay:-:1' }]] };
    const sent = await adapter.transport.deliver({ channel: 'telegram', chatId: '32', view, menuMessageId: null });
    const received = await client.getUpdates();
    expect(received.result).toHaveLength(1);
    const botMessage = received.result[0]!;
    expect(String(botMessage.messageId)).toBe(sent.menuMessageId);
    expect(botMessage.message).toMatchObject({ text: '主菜单', reply_markup: { inline_keyboard: [[{ text: '网上缴费', callback_data: 'v1:pay:-:1' }]] } });

    const edited = await adapter.transport.deliver({
      channel: 'telegram',
      chatId: '32',
      view: { ...view, text: '请选择项目' },
      menuMessageId: sent.menuMessageId ?? null,
    });
    expect(edited.menuMessageId).toBe(sent.menuMessageId);
    const stored = server.storage.botMessages.find((m) => String(m.messageId) === sent.menuMessageId);
    expect(stored?.message.text).toBe('请选择项目');

    // The user's password message is deleted from the chat.
    await client.sendMessage(client.makeMessage('my-password'));
    await waitFor(() => dispatcher.processed.some((u) => u.chatId === '32'));
    const inbound = dispatcher.processed.find((u) => u.chatId === '32')!;
    const isThere = () => server.storage.userMessages.some((m) => String(m.messageId) === inbound.inboundMessageId);
    expect(isThere()).toBe(true);
    await adapter.transport.deleteMessage('32', inbound.inboundMessageId!);
    expect(isThere()).toBe(false);
  });

  it('does not dispatch group messages and answers with a link to a private chat', async () => {
    const group = server.getClient(TOKEN, { userId: 33, chatId: -4001, type: 'group', chatTitle: 'Class 1' });
    const before = dispatcher.received.length;
    await group.sendCommand(group.makeCommand('/pay'));
    const reply = await group.getUpdates();
    expect(reply.result[0]?.message.text).toContain('https://t.me/TestNameBot');
    expect(dispatcher.received.length).toBe(before);
  });
});
