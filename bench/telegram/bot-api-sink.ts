import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatBucket, TELEGRAM_LIMITS, type TelegramLimits } from './telegram-limits.js';

// A local Bot API for the benchmark: answers the methods both bots call in Telegram's JSON format,
// tells the driver when a chat got an answer, and counts sends against Telegram's limits.

/** A message-carrying call seen by the sink (sendMessage, editMessageText, sendPhoto). */
export interface SinkSend {
  method: string;
  chatId: string;
  at: number;
  text: string;
  messageId: number;
  buttons: { text: string; data: string }[];
}

export type SinkLimits = TelegramLimits;

export interface BotApiSink {
  apiRoot: string;
  token: string;
  /** Called on every message-carrying call. */
  onSend: (send: SinkSend) => void;
  violations(): { global: number; chat: number };
  /** Message-carrying calls by method since the last reset. */
  sends(): Record<string, number>;
  resetCounts(): void;
  close(): Promise<void>;
}

const SENDS = new Set(['sendMessage', 'editMessageText', 'sendPhoto', 'editMessageReplyMarkup']);

export async function startBotApiSink(limits: SinkLimits = TELEGRAM_LIMITS): Promise<BotApiSink> {
  const token = '1234567:bench-token';
  let nextMessageId = 1;
  const window: number[] = []; // send times in the last second, bot-wide
  const buckets = new Map<string, ReturnType<typeof chatBucket>>();
  let globalViolations = 0;
  let chatViolations = 0;
  let sends: Record<string, number> = {};

  function count(chatId: string, at: number): void {
    while (window.length > 0 && window[0]! <= at - 1000) window.shift();
    window.push(at);
    if (window.length > limits.globalPerSec) globalViolations++;
    let bucket = buckets.get(chatId);
    if (!bucket) buckets.set(chatId, (bucket = chatBucket(limits)));
    if (bucket.take(at)) chatViolations++;
  }

  const sink: BotApiSink = {
    apiRoot: '',
    token,
    onSend: () => undefined,
    violations: () => ({ global: globalViolations, chat: chatViolations }),
    sends: () => sends,
    resetCounts() {
      globalViolations = 0;
      chatViolations = 0;
      sends = {};
      window.length = 0;
      buckets.clear();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    void readJson(req).then((params) => {
      const method = (req.url ?? '').split('/').pop()!.split('?')[0]!;
      const result = answer(method, params);
      const body = JSON.stringify(result === undefined ? { ok: false, error_code: 404, description: 'Not Found: method not found' } : { ok: true, result });
      res.writeHead(result === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;

  function answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return { id: 1234567, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'setWebhook':
      case 'deleteWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
      case 'deleteMessage':
        return true;
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      default:
        if (!SENDS.has(method)) return undefined;
    }
    const chatId = String(p.chat_id);
    const at = Date.now();
    sends[method] = (sends[method] ?? 0) + 1;
    count(chatId, at);
    const messageId = method === 'sendMessage' || method === 'sendPhoto' ? nextMessageId++ : Number(p.message_id);
    const markup = (typeof p.reply_markup === 'string' ? JSON.parse(p.reply_markup) : p.reply_markup) as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
    const buttons = (markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data ?? '' }));
    const text = String(p.text ?? p.caption ?? '');
    sink.onSend({ method, chatId, at, text, messageId, buttons });
    return { message_id: messageId, date: Math.floor(at / 1000), chat: { id: Number(chatId), type: 'private', first_name: 'Bench' }, text };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  sink.apiRoot = `http://127.0.0.1:${port}`;
  return sink;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json') && raw) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  if (type.includes('multipart/form-data')) {
    // Only the plain fields matter here (chat_id, caption, reply_markup); the photo bytes are skipped.
    const fields: Record<string, unknown> = {};
    for (const m of raw.matchAll(/name="([^"]+)"\r\n\r\n([\s\S]*?)\r\n--/g)) fields[m[1]!] = m[2];
    return fields;
  }
  return {};
}
