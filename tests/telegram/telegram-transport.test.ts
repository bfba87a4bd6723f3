import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { ChannelError } from '../../src/errors.js';
import type { View } from '../../src/engine/views.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { createRecordingDispatcher, silentLogger, testConfig } from './telegram-test-helpers.js';

const CHAT = '777';
const menu = (text: string, over: Partial<View> = {}): View => ({ placement: 'menu', text, buttons: [[{ label: '主菜单', code: 'v1:home:-:1' }]], ...over });

describe('telegram transport against the fake Bot API', () => {
  let fake: FakeBotApi;
  let adapter: TelegramAdapter;
  const dispatcher = createRecordingDispatcher([{ text: `请等待 7 秒后再同意。${'长'.repeat(300)}`, alert: true }]);

  beforeAll(async () => {
    fake = await startFakeBotApi();
    adapter = createTelegramAdapter({ config: testConfig(fake.apiRoot, fake.token), dispatcher, logger: silentLogger, pollTimeoutSec: 1 });
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });

  const deliver = (view: View, menuMessageId: string | null = null) =>
    adapter.transport.deliver({ channel: 'telegram', chatId: CHAT, view, menuMessageId });

  it('registers the command menu in English (default) and Chinese on start', () => {
    expect(fake.callsOf('getMe')).toHaveLength(1);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    const en = fake.commands.get('') as { command: string; description: string }[];
    const zh = fake.commands.get('zh') as { command: string; description: string }[];
    expect(en.map((c) => c.command)).toEqual(['start', 'menu', 'pay', 'history', 'settings', 'logout', 'help', 'lang']);
    expect(zh.map((c) => c.command)).toEqual(en.map((c) => c.command));
    expect(zh.find((c) => c.command === 'pay')?.description).toBe('网上缴费');
    expect(en.find((c) => c.command === 'pay')?.description).toBe('Pay online');
  });

  it('sends a QR view as a PNG photo with caption and url button, and reports it as the menu', async () => {
    const result = await deliver({
      placement: 'menu',
      text: '请扫码支付 ¥800.00',
      buttons: [[{ label: '打开支付页', url: 'https://pay.example.edu/p/ord_1' }]],
      image: { kind: 'qr', payload: 'https://pay.example.edu/p/ord_1' },
    });
    const sent = fake.messages.get(Number(result.menuMessageId))!;
    expect(sent.photo!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(sent.caption).toBe('请扫码支付 ¥800.00');
    expect(sent.reply_markup).toEqual({ inline_keyboard: [[{ text: '打开支付页', url: 'https://pay.example.edu/p/ord_1' }]] });

    // The next menu cannot be edited into the photo: it arrives as a new text message.
    const next = await deliver(menu('主菜单'), result.menuMessageId);
    expect(next.menuMessageId).not.toBe(result.menuMessageId);
    expect(fake.messages.get(Number(next.menuMessageId))?.text).toBe('主菜单');
    expect(fake.messages.get(Number(result.menuMessageId))?.photo).toBeDefined();
  });

  it('sends a long-text photo without caption, then the text carrying the buttons', async () => {
    const text = '票据说明\n'.repeat(300);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    const before = fake.callsOf('sendPhoto').length;
    const result = await deliver({ placement: 'menu', text, buttons: [[{ label: '返回', code: 'v1:home:-:2' }]], image: { kind: 'png', base64: png } });
    const photoCall = fake.callsOf('sendPhoto')[before]!;
    expect(photoCall.params.caption).toBeUndefined();
    expect(photoCall.params.reply_markup).toBeUndefined();
    const last = fake.messages.get(Number(result.menuMessageId))!;
    expect(last.reply_markup).toEqual({ inline_keyboard: [[{ text: '返回', callback_data: 'v1:home:-:2' }]] });
  });

  it('edits the menu in place, treats "not modified" as done, and re-sends when the menu is gone', async () => {
    const first = await deliver(menu('第一版'));
    const edited = await deliver(menu('第二版'), first.menuMessageId);
    expect(edited.menuMessageId).toBe(first.menuMessageId);
    expect(fake.messages.get(Number(first.menuMessageId))?.text).toBe('第二版');

    const sendsBefore = fake.callsOf('sendMessage').length;
    const same = await deliver(menu('第二版'), first.menuMessageId);
    expect(same.menuMessageId).toBe(first.menuMessageId);
    expect(fake.callsOf('sendMessage').length).toBe(sendsBefore);

    const gone = await deliver(menu('第三版'), '99999');
    expect(gone.menuMessageId).not.toBe('99999');
    expect(fake.messages.get(Number(gone.menuMessageId))?.text).toBe('第三版');
  });

  it("falls back to a new message when Telegram says the menu can't be edited (too old)", async () => {
    const first = await deliver(menu('旧菜单'));
    fake.failNext('editMessageText', { code: 400, description: "Bad Request: message can't be edited" });
    const edits = fake.callsOf('editMessageText').length;
    const next = await deliver(menu('新菜单'), first.menuMessageId);
    expect(fake.callsOf('editMessageText').length).toBe(edits + 1);
    expect(next.menuMessageId).not.toBe(first.menuMessageId);
    expect(fake.messages.get(Number(next.menuMessageId))).toMatchObject({ text: '新菜单', reply_markup: { inline_keyboard: [[{ text: '主菜单', callback_data: 'v1:home:-:1' }]] } });
    expect(fake.messages.get(Number(first.menuMessageId))?.text).toBe('旧菜单');
  });

  it('sends standalone messages as new messages below the menu, which keeps its keyboard', async () => {
    const first = await deliver(menu('菜单'));
    const notice = await deliver({ placement: 'message', text: '缴费成功', buttons: [] });
    expect(notice.menuMessageId).toBeNull();
    expect(Number(notice.messageId)).toBeGreaterThan(Number(first.menuMessageId));
    expect(fake.messages.get(Number(first.menuMessageId))).toMatchObject({ text: '菜单', reply_markup: { inline_keyboard: [[{ text: '主菜单' }]] } });
    expect(fake.messages.get(Number(notice.messageId))?.text).toBe('缴费成功');
  });

  it('removes the keyboard of the menu a new menu message takes over from', async () => {
    const old = await deliver(menu('旧菜单'));
    await deliver({ placement: 'message', text: '通知', buttons: [] });
    const next = await adapter.transport.deliver({ channel: 'telegram', chatId: CHAT, view: menu('新菜单'), menuMessageId: null, replacesMenuMessageId: old.menuMessageId });
    // After the new menu is sent, behind it (the answer does not wait for the old keyboard).
    await expect.poll(() => fake.messages.get(Number(old.menuMessageId))?.reply_markup, { timeout: 5_000 }).toBeUndefined();
    expect(fake.messages.get(Number(old.menuMessageId))?.text).toBe('旧菜单');
    const bareAt = fake.callsOf('editMessageReplyMarkup').at(-1)!;
    const sentAt = fake.callsOf('sendMessage').find((c) => c.params.text === '新菜单')!;
    expect(fake.calls.indexOf(bareAt)).toBeGreaterThan(fake.calls.indexOf(sentAt));
    expect(fake.messages.get(Number(next.menuMessageId))).toMatchObject({ text: '新菜单', reply_markup: { inline_keyboard: [[{ text: '主菜单' }]] } });
    // A retry of the same take-over finds the keyboard gone already ("not modified") and carries on.
    const removals = fake.callsOf('editMessageReplyMarkup').length;
    await adapter.transport.deliver({ channel: 'telegram', chatId: CHAT, view: menu('再一版'), menuMessageId: null, replacesMenuMessageId: old.menuMessageId });
    await expect.poll(() => fake.callsOf('editMessageReplyMarkup').length, { timeout: 5_000 }).toBe(removals + 1);
    expect(fake.messages.get(Number(old.menuMessageId))?.reply_markup).toBeUndefined();
  });

  it('draws the outcome over a progress notice: edited into it, or deleted when the outcome is a photo', async () => {
    const waiting = await deliver({ placement: 'message', text: '正在提交问题…', buttons: [], progress: true });
    const outcome = await adapter.transport.deliver({
      channel: 'telegram', chatId: CHAT, view: { placement: 'message', text: '问题已提交', buttons: [] }, menuMessageId: waiting.messageId!, menuMessageIsProgress: true,
    });
    expect(outcome.messageId).toBe(waiting.messageId);
    expect(fake.messages.get(Number(waiting.messageId))?.text).toBe('问题已提交');

    const creating = await deliver({ placement: 'menu', text: '正在创建订单…', buttons: [], progress: true });
    const card = await adapter.transport.deliver({
      channel: 'telegram', chatId: CHAT, menuMessageId: creating.menuMessageId!, menuMessageIsProgress: true,
      view: { placement: 'menu', text: '订单', buttons: [[{ label: '去支付', url: 'https://pay.example.edu/p/1' }]], image: { kind: 'qr', payload: 'https://pay.example.edu/p/1' } },
    });
    expect(fake.messages.has(Number(creating.menuMessageId))).toBe(false);
    expect(fake.messages.get(Number(card.menuMessageId))?.caption).toBe('订单');
  });

  it('classifies 429, 403, 5xx and network failures as ChannelError', async () => {
    fake.failNext('sendMessage', { code: 429, retryAfter: 7 });
    const limited = await deliver(menu('x')).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ChannelError);
    expect(limited).toMatchObject({ retryAfter: 7, permanent: false });

    fake.failNext('sendMessage', { code: 403 });
    const blocked = await deliver(menu('x')).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(ChannelError);
    expect(blocked).toMatchObject({ retryAfter: undefined, permanent: true });

    fake.failNext('editMessageText', { code: 403 });
    const blockedOnEdit = await deliver(menu('y'), '100').catch((e: unknown) => e);
    expect(blockedOnEdit).toMatchObject({ permanent: true });

    fake.failNext('sendPhoto', { code: 502, description: 'Bad Gateway' });
    const flaky = await deliver(menu('x', { image: { kind: 'qr', payload: 'p' } })).catch((e: unknown) => e);
    expect(flaky).toBeInstanceOf(ChannelError);
    expect(flaky).toMatchObject({ retryAfter: undefined, permanent: false });

    const offline = createTelegramAdapter({ config: testConfig('http://127.0.0.1:9', fake.token), logger: silentLogger });
    const network = await offline.transport.deliver({ channel: 'telegram', chatId: CHAT, view: menu('x'), menuMessageId: null }).catch((e: unknown) => e);
    expect(network).toBeInstanceOf(ChannelError);
    expect(network).toMatchObject({ permanent: false, retryAfter: undefined });
    expect((network as Error).message).not.toContain(fake.token);
  });

  it('deletes inbound messages and ignores ones that cannot be deleted', async () => {
    const sent = await deliver({ placement: 'message', text: 'secret', buttons: [] });
    const id = [...fake.messages.values()].find((m) => m.text === 'secret')!.message_id;
    expect(sent.menuMessageId).toBeNull();
    await adapter.transport.deleteMessage(CHAT, String(id));
    expect(fake.messages.has(id)).toBe(false);
    await expect(adapter.transport.deleteMessage(CHAT, String(id))).resolves.toBeUndefined();
    fake.failNext('deleteMessage', { code: 429, retryAfter: 3 });
    await expect(adapter.transport.deleteMessage(CHAT, '5')).rejects.toMatchObject({ retryAfter: 3 });
  });

  it('answers a button press with the first ack (≤ 200 chars, as an alert)', async () => {
    const update = {
      update_id: 9001,
      callback_query: {
        id: 'cbq-1',
        chat_instance: 'ci',
        from: { id: 7, is_bot: false, first_name: 'Li', language_code: 'zh-hans' },
        data: 'v1:agree:-:3',
        message: { message_id: 1, date: 0, chat: { id: 7, type: 'private', first_name: 'Li' }, text: 'm' },
      },
    } as unknown as Update;
    await adapter.handleUpdate(update);
    expect(dispatcher.processed.at(-1)).toMatchObject({ chatId: '7', updateId: '9001', event: { kind: 'action', code: 'v1:agree:-:3' } });
    const answer = fake.callsOf('answerCallbackQuery').at(-1)!;
    expect(answer.params).toMatchObject({ callback_query_id: 'cbq-1', show_alert: true });
    expect(String(answer.params.text)).toHaveLength(200);
    expect(String(answer.params.text).startsWith('请等待 7 秒后再同意。')).toBe(true);
  });

  it('polls getUpdates and dispatches what arrives, in order', async () => {
    const before = dispatcher.processed.length;
    const from = { id: 7, is_bot: false, first_name: 'Li' };
    fake.pushUpdate({ message: { message_id: 61, date: 0, chat: { id: 7, type: 'private' }, from, text: '/start' } });
    fake.pushUpdate({ message: { message_id: 62, date: 0, chat: { id: 7, type: 'private' }, from, text: '20230001' } });
    const deadline = Date.now() + 5000;
    while (dispatcher.processed.length < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(dispatcher.processed.slice(before).map((u) => u.event)).toEqual([{ kind: 'start' }, { kind: 'text', text: '20230001' }]);
  });
});
