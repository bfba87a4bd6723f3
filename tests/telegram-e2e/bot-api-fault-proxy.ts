import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeFailure } from '../telegram/fake-bot-api.js';

// Sits between feebot and a Bot API server and fails chosen calls for chosen chats (the fake Bot
// API's own failNext is per method only). Everything else is passed through unchanged.

export interface ProxiedCall {
  method: string;
  /** chat_id of the call, when it has one (JSON bodies; multipart bodies are not read). */
  chatId: string | null;
  /** 1-based count of calls of this method for this chat, failed ones included. */
  n: number;
  /** HTTP status answered (injected or upstream). */
  status: number;
  text: string | null;
  at: number;
}

/** Returns the failure to answer with, or null to pass the call through. */
export type FaultRule = (call: { method: string; chatId: string | null; n: number }) => FakeFailure | null;

export interface BotApiFaultProxy {
  /** Use as TELEGRAM_API_ROOT. */
  apiRoot: string;
  calls: ProxiedCall[];
  /** Rules are asked in order; the first failure returned wins. */
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Calls of `method` addressed to `chatId`. */
  callsTo(chatId: number | string, method?: string): ProxiedCall[];
  close(): Promise<void>;
}

export async function startBotApiFaultProxy(upstreamRoot: string): Promise<BotApiFaultProxy> {
  const calls: ProxiedCall[] = [];
  let rules: FaultRule[] = [];
  const counts = new Map<string, number>();

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = /\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1] ?? '';
    const params = readJson(req, body);
    const chatId = params?.chat_id === undefined ? null : String(params.chat_id);
    const key = `${method}:${chatId}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const text = typeof params?.text === 'string' ? params.text : null;
    const record = (status: number) => calls.push({ method, chatId, n, status, text, at: performance.now() });

    const failure = rules.map((rule) => rule({ method, chatId, n })).find((f) => f !== null);
    if (failure) {
      const retryAfter = failure.retryAfter ?? 1;
      const description =
        failure.description ??
        (failure.code === 429 ? `Too Many Requests: retry after ${retryAfter}` : failure.code === 403 ? 'Forbidden: bot was blocked by the user' : 'Error');
      const answer: Record<string, unknown> = { ok: false, error_code: failure.code, description };
      if (failure.code === 429) answer.parameters = { retry_after: retryAfter };
      record(failure.code);
      res.writeHead(failure.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      return;
    }

    // A long poll left by the client must not stay open upstream.
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    try {
      const upstream = await fetch(`${upstreamRoot}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers: req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {},
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        signal: abort.signal,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      record(upstream.status);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(answer);
    } catch (error) {
      if (res.writableEnded || abort.signal.aborted) return;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 502, description: `proxy: ${String(error)}` }));
    }
  }

  const server: Server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    addRule: (rule) => void rules.push(rule),
    clearRules: () => {
      rules = [];
    },
    callsTo: (chatId, method) => calls.filter((c) => c.chatId === String(chatId) && (method === undefined || c.method === method)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readJson(req: IncomingMessage, body: Buffer): Record<string, unknown> | null {
  if (body.length === 0 || !(req.headers['content-type'] ?? '').includes('application/json')) return null;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
