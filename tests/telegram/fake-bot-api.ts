import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small Bot API server for what telegram-test-api lacks: sendPhoto (multipart), setMyCommands,
// and injected failures (429 with retry_after, 403, 5xx). Binds 127.0.0.1 on a random port.

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  /** Arrival time (ms, performance clock). */
  at: number;
}

export interface FakeMessage {
  message_id: number;
  chat_id: string;
  text?: string;
  caption?: string;
  photo?: Buffer;
  reply_markup?: unknown;
}

export interface FakeFailure {
  code: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeBotApi {
  /** Use as TELEGRAM_API_ROOT. */
  apiRoot: string;
  token: string;
  calls: FakeCall[];
  messages: Map<number, FakeMessage>;
  commands: Map<string, unknown>;
  webhook: { url: string; secret?: string } | null;
  /** The next `times` calls of `method` fail with this error (after letting `after` calls through). */
  failNext(method: string, failure: FakeFailure, times?: number, after?: number): void;
  /** Queues an update for getUpdates. */
  pushUpdate(update: Record<string, unknown>): void;
  callsOf(method: string): FakeCall[];
  close(): Promise<void>;
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  429: 'Too Many Requests: retry after',
  403: 'Forbidden: bot was blocked by the user',
  500: 'Internal Server Error',
};

export async function startFakeBotApi(token = '123456:TEST-token'): Promise<FakeBotApi> {
  const calls: FakeCall[] = [];
  const messages = new Map<number, FakeMessage>();
  const commands = new Map<string, unknown>();
  const failures = new Map<string, { failure: FakeFailure; times: number; after: number }>();
  const updates: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let nextMessageId = 100;
  let nextUpdateId = 1;

  const api: FakeBotApi = {
    apiRoot: '',
    token,
    calls,
    messages,
    commands,
    webhook: null,
    failNext(method, failure, times = 1, after = 0) {
      failures.set(method, { failure, times, after });
    },
    pushUpdate(update) {
      updates.push({ update_id: nextUpdateId++, ...update });
      for (const wake of waiters) wake();
    },
    callsOf: (method) => calls.filter((c) => c.method === method),
    close: () => new Promise((resolve) => {
      for (const wake of waiters) wake();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  const methods: Record<string, (p: Record<string, unknown>, req: IncomingMessage) => Promise<unknown> | unknown> = {
    getMe: () => ({ id: 4242, is_bot: true, first_name: 'Feebot', username: 'feebot_test_bot', can_join_groups: true }),
    sendMessage: (p) => addMessage({ chat_id: String(p.chat_id), text: String(p.text), reply_markup: json(p.reply_markup) }),
    sendPhoto: (p) => {
      const photo = p.photo;
      if (!Buffer.isBuffer(photo)) throw new BadRequest('Bad Request: there is no photo in the request');
      return addMessage({
        chat_id: String(p.chat_id),
        photo,
        caption: p.caption === undefined ? undefined : String(p.caption),
        reply_markup: json(p.reply_markup),
      });
    },
    editMessageText: (p) => {
      const message = messages.get(Number(p.message_id));
      if (!message || message.chat_id !== String(p.chat_id)) throw new BadRequest('Bad Request: message to edit not found');
      if (message.photo) throw new BadRequest('Bad Request: there is no text in the message to edit');
      const markup = json(p.reply_markup);
      if (message.text === p.text && JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
        throw new BadRequest('Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
      }
      Object.assign(message, { text: String(p.text), reply_markup: markup });
      return { ...message, photo: undefined, chat: { id: Number(p.chat_id), type: 'private' }, date: 0, edit_date: 1 };
    },
    editMessageCaption: (p) => {
      const message = messages.get(Number(p.message_id));
      if (!message || message.chat_id !== String(p.chat_id)) throw new BadRequest('Bad Request: message to edit not found');
      if (!message.photo) throw new BadRequest('Bad Request: there is no caption in the message to edit');
      const markup = json(p.reply_markup);
      const bare = (m: unknown) => m === undefined || JSON.stringify(m) === '{"inline_keyboard":[]}';
      Object.assign(message, { caption: p.caption === undefined ? undefined : String(p.caption), reply_markup: bare(markup) ? undefined : markup });
      return { ...message, photo: undefined, chat: { id: Number(p.chat_id), type: 'private' }, date: 0, edit_date: 1 };
    },
    editMessageReplyMarkup: (p) => {
      const message = messages.get(Number(p.message_id));
      if (!message || message.chat_id !== String(p.chat_id)) throw new BadRequest('Bad Request: message to edit not found');
      const markup = json(p.reply_markup);
      const bare = (m: unknown) => m === undefined || JSON.stringify(m) === '{"inline_keyboard":[]}';
      if (JSON.stringify(message.reply_markup) === JSON.stringify(markup) || (bare(message.reply_markup) && bare(markup))) {
        throw new BadRequest('Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
      }
      Object.assign(message, { reply_markup: bare(markup) ? undefined : markup });
      return { ...message, photo: undefined, chat: { id: Number(p.chat_id), type: 'private' }, date: 0, edit_date: 1 };
    },
    deleteMessage: (p) => {
      const id = Number(p.message_id);
      if (!messages.has(id)) throw new BadRequest("Bad Request: message can't be deleted for everyone");
      messages.delete(id);
      return true;
    },
    setMyCommands: (p) => {
      commands.set(String(p.language_code ?? ''), json(p.commands));
      return true;
    },
    setWebhook: (p) => {
      api.webhook = { url: String(p.url), secret: p.secret_token === undefined ? undefined : String(p.secret_token) };
      return true;
    },
    deleteWebhook: () => {
      api.webhook = null;
      return true;
    },
    answerCallbackQuery: () => true,
    getUpdates: async (p, req) => {
      const offset = Number(p.offset ?? 0);
      const pending = () => updates.filter((u) => Number(u.update_id) >= offset);
      if (pending().length === 0 && Number(p.timeout ?? 0) > 0) {
        // Long poll: hold the request until an update arrives, the timeout ends or the client leaves.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Number(p.timeout) * 1000);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            req.socket.off('close', done);
            resolve();
          }
          waiters.add(done);
          req.socket.once('close', done);
        });
      }
      return pending().slice(0, Number(p.limit ?? 100));
    },
  };

  function addMessage(fields: Omit<FakeMessage, 'message_id'>) {
    const message: FakeMessage = { message_id: nextMessageId++, ...fields };
    messages.set(message.message_id, message);
    const result: Record<string, unknown> = {
      message_id: message.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(fields.chat_id), type: 'private' },
    };
    if (fields.text !== undefined) result.text = fields.text;
    if (fields.photo) result.photo = [{ file_id: `photo-${message.message_id}`, file_unique_id: 'u', width: 480, height: 480 }];
    if (fields.caption !== undefined) result.caption = fields.caption;
    return result;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const at = performance.now();
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    if (!match || match[1] !== token) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = match[2]!;
    let params: Record<string, unknown>;
    try {
      params = await readParams(req);
    } catch {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: unreadable body' });
    }
    calls.push({ method, params, at });
    const injected = failures.get(method);
    if (injected && injected.times > 0 && injected.after-- <= 0) {
      injected.times -= 1;
      const { code, retryAfter } = injected.failure;
      const description = injected.failure.description ?? `${DEFAULT_DESCRIPTIONS[code] ?? 'Error'}${code === 429 ? ` ${retryAfter ?? 1}` : ''}`;
      const body: Record<string, unknown> = { ok: false, error_code: code, description };
      if (code === 429) body.parameters = { retry_after: retryAfter ?? 1 };
      return send(res, code, body);
    }
    const handler = methods[method];
    if (!handler) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    try {
      send(res, 200, { ok: true, result: await handler(params, req) });
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, { ok: false, error_code: 400, description: error.message });
      send(res, 500, { ok: false, error_code: 500, description: String(error) });
    }
  }

  const server: Server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** JSON, urlencoded or multipart (files come back as Buffers), via the WHATWG parsers in Node. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (body.length === 0) return query;
  if (type.includes('application/json')) return { ...query, ...(JSON.parse(body.toString('utf8')) as object) };
  const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
  const params: Record<string, unknown> = { ...query };
  for (const [key, value] of form.entries()) {
    params[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
  }
  return params;
}
