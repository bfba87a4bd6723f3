import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { loadTelegramConfig } from '../../adapters/telegram/telegram-config.js';
import { parseTelegramUpdate, parseText } from '../../adapters/telegram/telegram-inbound.js';

const user = { id: 7, is_bot: false, first_name: 'Li', language_code: 'zh-hans' };
const privateChat = { id: 7, type: 'private' as const, first_name: 'Li' };

function textUpdate(text: string, chat: object = privateChat, from: object = user): Update {
  return { update_id: 501, message: { message_id: 33, date: 0, chat, from, text } } as unknown as Update;
}

describe('telegram inbound mapping', () => {
  it('maps a private text message, keeping the ids and the language hint', () => {
    expect(parseTelegramUpdate(textUpdate('20230001'))).toEqual({
      kind: 'dispatch',
      update: {
        channel: 'telegram',
        chatId: '7',
        updateId: '501',
        event: { kind: 'text', text: '20230001' },
        inboundMessageId: '33',
        languageHint: 'zh-CN',
        // The Telegram user: login limits count per source (issue 7, item 5).
        source: 'telegram:7',
      },
    });
    const en = parseTelegramUpdate(textUpdate('hi', privateChat, { ...user, language_code: 'en-GB' }));
    expect(en.kind === 'dispatch' && en.update.languageHint).toBe('en');
    const none = parseTelegramUpdate(textUpdate('hi', privateChat, { id: 7, is_bot: false, first_name: 'x' }));
    expect(none.kind === 'dispatch' && 'languageHint' in none.update).toBe(false);
  });

  it('passes commands as text, and /start with a valid payload as a start event', () => {
    expect(parseText('/menu')).toEqual({ kind: 'text', text: '/menu' });
    expect(parseText('/menu@feebot_bot')).toEqual({ kind: 'text', text: '/menu' });
    expect(parseText('/start')).toEqual({ kind: 'start' });
    expect(parseText('/start pay_2025-2026')).toEqual({ kind: 'start', payload: 'pay_2025-2026' });
    expect(parseText('/start@feebot_bot abc')).toEqual({ kind: 'start', payload: 'abc' });
    expect(parseText(`/start ${'a'.repeat(65)}`)).toEqual({ kind: 'start' });
    expect(parseText('/start bad!payload')).toEqual({ kind: 'start' });
    expect(parseText('/starter')).toEqual({ kind: 'text', text: '/starter' });
  });

  it('maps a callback query to an action with the callback id for answering', () => {
    const update = {
      update_id: 502,
      callback_query: { id: 'cb1', from: user, chat_instance: 'i', data: 'v1:pay:-:4', message: { message_id: 40, date: 0, chat: privateChat, text: 'menu' } },
    } as unknown as Update;
    expect(parseTelegramUpdate(update)).toEqual({
      kind: 'dispatch',
      callbackQueryId: 'cb1',
      update: { channel: 'telegram', chatId: '7', updateId: '502', event: { kind: 'action', code: 'v1:pay:-:4' }, languageHint: 'zh-CN', source: 'telegram:7' },
    });
  });

  it('keeps groups out of the dispatcher and ignores what is not for us', () => {
    const group = { id: -100123, type: 'supergroup', title: 'Class 1' };
    expect(parseTelegramUpdate(textUpdate('/pay', group))).toEqual({ kind: 'group', chatId: '-100123', lang: 'zh-CN' });
    expect(parseTelegramUpdate(textUpdate('hello all', group))).toEqual({ kind: 'ignore' });
    const sticker = { update_id: 9, message: { message_id: 1, date: 0, chat: privateChat, sticker: {} } } as unknown as Update;
    expect(parseTelegramUpdate(sticker)).toEqual({ kind: 'ignore' });
    const edited = { update_id: 10, edited_message: { message_id: 1, date: 0, chat: privateChat, text: 'x' } } as unknown as Update;
    expect(parseTelegramUpdate(edited)).toEqual({ kind: 'ignore' });
  });
});

describe('telegram config', () => {
  it('is off without a token and applies defaults with one', () => {
    expect(loadTelegramConfig({})).toBeNull();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '' })).toBeNull();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:abc' })).toEqual({
      token: '1:abc',
      apiRoot: 'https://api.telegram.org',
      webhook: null,
      ratePerChatPerSec: 1,
      rateGlobalPerSec: 30,
      handlerTimeoutMs: 9000,
    });
  });

  it('keeps a path in the API root resolvable', () => {
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' })?.apiRoot).toBe('http://127.0.0.1:8081');
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_API_ROOT: 'https://proxy.example.edu/tg' })?.apiRoot).toBe('https://proxy.example.edu/tg/');
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_RATE_GLOBAL_PER_SEC: '0' })).toThrow(/TELEGRAM_RATE_GLOBAL_PER_SEC/);
  });

  it('requires a well-formed secret in webhook mode and mounts at the URL path', () => {
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.edu/tg' })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required/,
    );
    expect(() =>
      loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.edu/tg', TELEGRAM_WEBHOOK_SECRET: 'has space' }),
    ).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    const custom = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.edu/hooks/tg', TELEGRAM_WEBHOOK_SECRET: 's3cr-et_' });
    expect(custom?.webhook).toEqual({ url: 'https://bot.example.edu/hooks/tg', path: '/hooks/tg', secret: 's3cr-et_' });
    const bare = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.edu', TELEGRAM_WEBHOOK_SECRET: 'x' });
    expect(bare?.webhook).toEqual({ url: 'https://bot.example.edu/webhooks/telegram', path: '/webhooks/telegram', secret: 'x' });
  });
});
