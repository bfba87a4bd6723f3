import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

// A fake Slack for tests: the Web API methods feebot calls (form or JSON bodies, Bearer tokens,
// `{ ok, error }` answers, 429 with Retry-After), the files.uploadV2 upload URL, response_url
// endpoints, and a Socket Mode WebSocket handed out by apps.connections.open.

export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** Every version, oldest first (chat.update appends). */
  history: { text: string; blocks: unknown[] }[];
}

export interface FakeSlackUser {
  id: string;
  email: string;
  name: string;
}

export interface FakeSlack {
  /** Use as SLACK_API_URL. */
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  appToken: string;
  calls: FakeSlackCall[];
  messages: FakeSlackMessage[];
  uploads: { fileId: string; filename: string; bytes: Buffer; channel?: string; title?: string }[];
  responses: { id: string; body: Record<string, unknown> }[];
  views: { method: string; view: Record<string, unknown>; userId?: string; triggerId?: string }[];
  users: Map<string, FakeSlackUser>;
  addUser(user: FakeSlackUser): void;
  callsOf(method: string): FakeSlackCall[];
  /** The next `times` calls of `method` get HTTP 429 with this Retry-After (seconds). */
  rateLimitNext(method: string, retryAfterSec: number, times?: number): void;
  /** A response_url the fake records POSTs to. */
  responseUrl(id: string): string;
  /** Socket Mode: sends an envelope to the connected app and resolves with its ack. */
  sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, extra?: Record<string, unknown>): Promise<{ envelope_id: string; payload?: unknown }>;
  socketConnected(): boolean;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeValue(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

async function parseParams(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries([...new URLSearchParams(raw.toString('utf8'))].map(([k, v]) => [k, decodeValue(v)]));
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) out[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
    return out;
  }
  return {};
}

export async function startFakeSlack(options: { botToken?: string; appToken?: string } = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-test-bot-token';
  const appToken = options.appToken ?? 'xapp-1-test-app-token';
  const calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const uploads: FakeSlack['uploads'] = [];
  const responses: FakeSlack['responses'] = [];
  const views: FakeSlack['views'] = [];
  const users = new Map<string, FakeSlackUser>();
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const pendingAcks = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  let socket: WebSocket | null = null;
  let seq = 0;
  let tsCounter = 1_700_000_000;
  let baseUrl = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  function api(method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Finance', user: 'feebot', team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage': {
        if (typeof p.channel !== 'string') return { ok: false, error: 'channel_not_found' };
        const ts = `${tsCounter++}.000100`;
        const text = String(p.text ?? '');
        const blocks = (p.blocks as unknown[] | undefined) ?? [];
        messages.push({ channel: p.channel, ts, text, blocks, history: [{ text, blocks }] });
        return { ok: true, channel: p.channel, ts, message: { text, blocks, ts, type: 'message', bot_id: 'B0BOT' } };
      }
      case 'chat.update': {
        const message = messages.find((m) => m.channel === p.channel && m.ts === p.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(p.text ?? message.text);
        message.blocks = (p.blocks as unknown[] | undefined) ?? message.blocks;
        message.history.push({ text: message.text, blocks: message.blocks });
        return { ok: true, channel: p.channel, ts: p.ts, text: message.text };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update': {
        const view = p.view as Record<string, unknown> | undefined;
        if (!view) return { ok: false, error: 'invalid_arguments' };
        if (method === 'views.open' && typeof p.trigger_id !== 'string') return { ok: false, error: 'invalid_trigger_id' };
        views.push({ method, view, ...(typeof p.user_id === 'string' ? { userId: p.user_id } : {}), ...(typeof p.trigger_id === 'string' ? { triggerId: p.trigger_id } : {}) });
        return { ok: true, view: { id: `V${++seq}`, ...view } };
      }
      case 'users.info': {
        const user = users.get(String(p.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: user.id, name: user.name, real_name: user.name, profile: { email: user.email, real_name: user.name } } };
      }
      case 'users.lookupByEmail': {
        const user = [...users.values()].find((u) => u.email === p.email);
        if (!user) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: { id: user.id, name: user.name, profile: { email: user.email } } };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${++seq}`;
        uploads.push({ fileId, filename: String(p.filename), bytes: Buffer.alloc(0) });
        return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (p.files as { id: string; title?: string }[] | undefined) ?? [];
        for (const f of files) {
          const upload = uploads.find((u) => u.fileId === f.id);
          if (!upload) return { ok: false, error: 'file_not_found' };
          if (typeof p.channel_id === 'string') upload.channel = p.channel_id;
          if (f.title) upload.title = f.title;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/upload/')) {
        const upload = uploads.find((u) => u.fileId === url.pathname.slice('/upload/'.length));
        if (!upload) return send(res, 404, { ok: false });
        const params = await parseParams(req, raw);
        const file = Object.values(params).find((v) => Buffer.isBuffer(v));
        upload.bytes = Buffer.isBuffer(file) ? file : raw;
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(`OK - ${upload.bytes.length}`);
      }
      if (url.pathname.startsWith('/respond/')) {
        responses.push({ id: url.pathname.slice('/respond/'.length), body: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown> });
        return send(res, 200, { ok: true });
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const params = await parseParams(req, raw);
      calls.push({ method, params, at: performance.now() });
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times -= 1;
        return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
      }
      const auth = req.headers.authorization ?? (typeof params.token === 'string' ? `Bearer ${params.token}` : '');
      const expected = method === 'apps.connections.open' ? appToken : botToken;
      if (auth !== `Bearer ${expected}`) return send(res, 200, { ok: false, error: 'invalid_auth' });
      if (method === 'apps.connections.open') {
        return send(res, 200, { ok: true, url: `${baseUrl.replace('http', 'ws')}/link/?ticket=t${++seq}&app_id=A0FAKE` });
      }
      return send(res, 200, api(method, params));
    })().catch((error: unknown) => send(res, 500, { ok: false, error: String(error) }));
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    if (!req.url?.startsWith('/link/')) return sock.destroy();
    wss.handleUpgrade(req, sock, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
        pendingAcks.get(ack.envelope_id)?.(ack);
        pendingAcks.delete(ack.envelope_id);
      });
      ws.on('close', () => {
        if (socket === ws) socket = null;
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0FAKE' } }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    botToken,
    appToken,
    calls,
    messages,
    uploads,
    responses,
    views,
    users,
    addUser: (user) => void users.set(user.id, user),
    callsOf: (method) => calls.filter((c) => c.method === method),
    rateLimitNext: (method, retryAfter, times = 1) => void limits.set(method, { retryAfter, times }),
    responseUrl: (id) => `${baseUrl}/respond/${id}`,
    sendEnvelope(type, payload, extra = {}) {
      if (!socket) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = `env-${++seq}`;
      const acked = new Promise<{ envelope_id: string; payload?: unknown }>((resolve) => pendingAcks.set(envelopeId, resolve));
      socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
      return acked;
    },
    socketConnected: () => socket !== null,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
