import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Db } from '../../src/db/database.js';
import type { ChannelAdapter } from '../../src/ports/channel.port.js';
import type { Dispatcher } from '../../src/runtime/inbound.js';
import type { WebConfig } from './web-config.js';
import { mountWebInbound } from './web-inbound.js';
import { createWebTransport } from './web-transport.js';

export { loadWebConfig } from './web-config.js';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/web/chat.js': 'chat.js',
  '/web/chat.css': 'chat.css',
};
/** The chat page loads its own script and stylesheet, QR codes and captchas as data: images, and talks only to feebot. */
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The embedded web chat: static page (no build step) + send and long-poll endpoints. */
export function createWebAdapter(deps: { db: Db; config: WebConfig; clock: () => number; dispatcher: () => Dispatcher }): ChannelAdapter {
  const web = createWebTransport(deps.db, deps.clock);
  const files = Object.fromEntries(Object.entries(ASSETS).map(([route, file]) => [route, readFileSync(join(PUBLIC_DIR, file), 'utf8')]));
  return {
    channel: 'web',
    transport: web.transport,
    mount(app: Hono) {
      for (const [route, body] of Object.entries(files)) {
        const type = TYPES[ASSETS[route]!.split('.').pop()!]!;
        const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache' };
        if (route === '/') headers['content-security-policy'] = PAGE_CSP;
        app.get(route, (c) => c.body(body, 200, headers));
      }
      // The dispatcher is created after the adapters (it needs their transports), hence the getter.
      mountWebInbound(app, {
        db: deps.db,
        dispatcher: { dispatch: (update) => deps.dispatcher().dispatch(update) },
        transport: web,
        config: deps.config,
      });
    },
  };
}
