import { request } from 'node:http';
import { Readable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimits, DEFAULT_BODY_LIMIT_BYTES, setBodyLimit } from '../../src/http/body-limit.js';
import { freePort } from '../support/free-port.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

const MB = 1024 * 1024;
const HUGE = 96 * MB;
/** Well above what loopback socket buffers hold, far below the whole body. */
const MOST_SENT_BEFORE_ANSWER = 24 * MB;

interface Upload {
  status: number;
  /** Bytes the client had handed to the socket when the answer came. */
  sentBeforeAnswer: number;
  body: string;
}

/**
 * POSTs `total` bytes (chunked, or with an honest Content-Length), generated as the socket asks
 * for them, and stops sending as soon as the server answers.
 */
function upload(url: string, total: number, opts: { chunked: boolean; headers?: Record<string, string> }): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const source = new Readable({
      read() {
        if (sent >= total) return void this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) }),
        ...opts.headers,
      },
    });
    req.on('response', (res) => {
      const sentBeforeAnswer = sent;
      source.unpipe(req);
      source.destroy();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sentBeforeAnswer, body });
      });
    });
    // The server may close the connection mid-upload after answering; only a failure without an answer counts.
    req.on('error', (err) => setTimeout(() => reject(err), 2000));
    source.pipe(req);
  });
}

describe('request body limits on the running feebot', () => {
  let t: TestFeebot;
  beforeAll(async () => {
    t = await startTestFeebot();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const chat = { 'x-chat-token': 'b'.repeat(48) };

  it.each([
    ['/api/chat/send', chat],
    ['/webhooks/gateway/sandbox', {}],
    ['/sandbox-gateway/pay/nope/phone', {}],
    ['/reset-password', {}],
    ['/no-such-route', {}],
  ])('%s: a huge chunked body gets 413 before it is read', async (path, headers) => {
    const result = await upload(`${t.baseUrl}${path}`, HUGE, { chunked: true, headers });
    expect(result.status).toBe(413);
    expect(result.sentBeforeAnswer).toBeLessThan(MOST_SENT_BEFORE_ANSWER);
  });

  it('a Content-Length over the limit is refused without reading the body', async () => {
    const result = await upload(`${t.baseUrl}/api/chat/send`, HUGE, { chunked: false, headers: chat });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
    expect(result.sentBeforeAnswer).toBeLessThan(MOST_SENT_BEFORE_ANSWER);
  });

  it('chat messages are limited to a few KB, yet the longest valid message passes', async () => {
    const send = (text: string) =>
      fetch(`${t.baseUrl}/api/chat/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...chat },
        body: JSON.stringify({ id: `m${text.length}abcdef`, kind: 'text', text }),
      });
    // 2,000 characters that JSON escapes to six bytes each: the worst a valid message can be.
    expect((await send('\u0001'.repeat(2000))).status).toBe(200);
    expect((await send('x'.repeat(20_000))).status).toBe(413);
  });

  it('20 concurrent 96 MB chat messages all get 413 and the server keeps answering', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => upload(`${t.baseUrl}/api/chat/send`, HUGE, { chunked: true, headers: chat })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(413));
    const total = results.reduce((sum, r) => sum + r.sentBeforeAnswer, 0);
    expect(total).toBeLessThan(20 * MOST_SENT_BEFORE_ANSWER);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('body limit middleware', () => {
  let base = '';
  let server: { close(cb: () => void): void };
  beforeAll(async () => {
    const app = new Hono();
    app.use(bodyLimits(app));
    setBodyLimit(app, '/small', 100);
    setBodyLimit(app, '/big/*', 200 * 1024);
    // A route added with no thought for limits still gets the default.
    for (const path of ['/small', '/later', '/big/upload']) app.post(path, async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    const port = await freePort();
    await new Promise<void>((resolve) => (server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve())));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('applies the default to routes without an override, and each override to its own path', async () => {
    const post = (path: string, bytes: number) => upload(`${base}${path}`, bytes, { chunked: true });
    expect((await post('/later', 64 * 1024)).status).toBe(200);
    expect((await post('/later', DEFAULT_BODY_LIMIT_BYTES + 64 * 1024)).status).toBe(413);
    expect((await post('/small', 64 * 1024)).status).toBe(413);
    expect((await post('/big/upload', 128 * 1024)).status).toBe(200);
    expect((await post('/big/upload', 256 * 1024)).status).toBe(413);
  });
});
