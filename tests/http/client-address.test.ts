import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../adapters/web/web-config.js';
import { mountWebInbound } from '../../adapters/web/web-inbound.js';
import { createWebTransport } from '../../adapters/web/web-transport.js';
import { loadConfig } from '../../src/config.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { clientAddressMiddleware, parseTrustedProxies, resolveClientAddress } from '../../src/http/client-address.js';
import type { InboundUpdate } from '../../src/runtime/inbound.js';
import { freePort } from '../support/free-port.js';

describe('client address (TRUSTED_PROXIES)', () => {
  const none = parseTrustedProxies('');
  const proxies = parseTrustedProxies('10.0.0.0/8, 127.0.0.1, fd00::/8');

  it('without trusted proxies the socket peer is the client, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('203.0.113.7', '198.51.100.1', none)).toBe('203.0.113.7');
    expect(resolveClientAddress('::ffff:203.0.113.7', undefined, none)).toBe('203.0.113.7');
  });

  it('behind trusted proxies the right-most untrusted X-Forwarded-For entry is the client', () => {
    // The client forged the left-most entry; the proxies appended the real one.
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4, 198.51.100.9, 10.1.2.3', proxies)).toBe('198.51.100.9');
    expect(resolveClientAddress('::ffff:10.0.0.5', '198.51.100.9', proxies)).toBe('198.51.100.9');
    expect(resolveClientAddress('fd00::1', '2001:db8::5', proxies)).toBe('2001:db8::5');
    // All hops ours: the left-most is the closest we know.
    expect(resolveClientAddress('127.0.0.1', '10.9.9.9, 10.1.1.1', proxies)).toBe('10.9.9.9');
  });

  it('X-Forwarded-For from an untrusted peer, or with garbage, is not believed', () => {
    expect(resolveClientAddress('203.0.113.7', '10.0.0.1', proxies)).toBe('203.0.113.7');
    expect(resolveClientAddress('127.0.0.1', '198.51.100.9, not-an-ip', proxies)).toBe('127.0.0.1');
  });

  it('refuses a malformed TRUSTED_PROXIES at start', () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.local' })).toThrow(/TRUSTED_PROXIES/);
    expect(loadConfig({ TRUSTED_PROXIES: '127.0.0.1,::1,10.0.0.0/8' }).TRUSTED_PROXIES).toBe('127.0.0.1,::1,10.0.0.0/8');
  });
});

describe('web chat source', () => {
  let db: Db;
  const dispatched: InboundUpdate[] = [];
  const servers: { close(cb: () => void): void }[] = [];

  async function serveWith(trusted: string): Promise<string> {
    const app = new Hono();
    app.use(clientAddressMiddleware(parseTrustedProxies(trusted)));
    mountWebInbound(app, {
      db,
      dispatcher: { dispatch: async (u) => (dispatched.push(u), { duplicate: false, acks: [] }) },
      transport: createWebTransport(db, Date.now),
      config: loadWebConfig({}),
    });
    const port = await freePort();
    await new Promise<void>((resolve) => servers.push(serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve())));
    return `http://127.0.0.1:${port}`;
  }

  const send = (base: string, xff?: string) =>
    fetch(`${base}/api/chat/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-token': 'a'.repeat(40), ...(xff ? { 'x-forwarded-for': xff } : {}) },
      body: JSON.stringify({ id: `m${dispatched.length}xxxxxx`, kind: 'start' }),
    });

  beforeAll(async () => {
    db = openDatabase(':memory:');
    await migrateToLatest(db);
  });
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    await db.destroy();
  });

  it('is ip:<socket peer> by default and ip:<forwarded client> behind a trusted proxy', async () => {
    const direct = await serveWith('');
    expect((await send(direct, '198.51.100.9')).status).toBe(200);
    expect(dispatched.at(-1)?.source).toBe('ip:127.0.0.1');

    const proxied = await serveWith('127.0.0.1');
    expect((await send(proxied, '1.2.3.4, 198.51.100.9')).status).toBe(200);
    expect(dispatched.at(-1)?.source).toBe('ip:198.51.100.9');
  });
});
