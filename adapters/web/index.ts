import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { LOGO_PATH, type Branding } from '../../src/branding.js';
import type { Db } from '../../src/db/database.js';
import { pruneIdleWebChats, pruneOldWebMessages } from '../../src/db/repositories/web-chat-cleanup.repository.js';
import type { ChannelAdapter } from '../../src/ports/channel.port.js';
import type { Dispatcher } from '../../src/runtime/inbound.js';
import type { WebConfig } from './web-config.js';
import { mountWebInbound } from './web-inbound.js';
import { mountWebPayLink, prunePayLinks } from './web-pay-link.js';
import { createWebTransport } from './web-transport.js';
import { drawWebIcon, FAVICON_SVG, webManifest } from './web-icons.js';

export { loadWebConfig } from './web-config.js';

/** The static page names feebot; a deployment shows its university (and logo) instead. */
export function brandChatPage(html: string, branding: Branding): string {
  const name = branding.universityName['zh-CN'].replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const logo = branding.logo ? `<img class="logo" src="${LOGO_PATH}" alt="" height="28">` : '';
  return html.replace(/feebot/g, name).replace('<header class="bar">', `<header class="bar">${logo}`);
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/web/chat.js': 'chat.js',
  '/web/chat.css': 'chat.css',
};
/** The chat page loads its own script and stylesheet, QR codes and captchas as data: images, and talks only to feebot. */
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src data: 'self'; manifest-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The embedded web chat: static page (no build step) + send and long-poll endpoints. */
const HOUR = 60 * 60_000;

export function createWebAdapter(deps: {
  db: Db;
  config: WebConfig;
  clock: () => number;
  dispatcher: () => Dispatcher;
  /** IDLE_TIMEOUT_MINUTES in ms: a conversation is never pruned while its session could still be alive. */
  idleTimeoutMs: number;
  /** The university's name (and logo) in the page's title and header instead of "feebot". */
  branding?: Branding;
  /** Verifies reminders' signed 网上缴费 links (DUNNING_LINK_SECRET); without it they are not served. */
  payLinkSecret?: string;
}): ChannelAdapter {
  const web = createWebTransport(deps.db, deps.clock);
  const files = Object.fromEntries(Object.entries(ASSETS).map(([route, file]) => [route, readFileSync(join(PUBLIC_DIR, file), 'utf8')]));
  if (deps.branding) files['/'] = brandChatPage(files['/']!, deps.branding);
  return {
    channel: 'web',
    transport: web.transport,
    // Anyone can start a chat with a fresh token, so idle chats and old bubbles must not pile up.
    async purgeExpired(now: number) {
      const idleMs = Math.max(deps.config.WEB_CHAT_IDLE_HOURS * HOUR, deps.idleTimeoutMs);
      await pruneIdleWebChats(deps.db, now - idleMs);
      await pruneOldWebMessages(deps.db, now - deps.config.WEB_MESSAGE_RETENTION_DAYS * 24 * HOUR);
      await prunePayLinks(deps.db, now);
    },
    mount(app: Hono) {
      for (const [route, body] of Object.entries(files)) {
        const type = TYPES[ASSETS[route]!.split('.').pop()!]!;
        const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache' };
        if (route === '/') headers['content-security-policy'] = deps.branding?.logo ? PAGE_CSP.replace('img-src data:', "img-src data: 'self'") : PAGE_CSP;
        app.get(route, (c) => c.body(body, 200, headers));
      }
      // Add to home screen: favicon, manifest and icons (drawn once, cached for a day).
      const icon192 = drawWebIcon(192);
      const icon512 = drawWebIcon(512);
      const day = { 'cache-control': 'public, max-age=86400' };
      app.get('/favicon.svg', (c) => c.body(FAVICON_SVG, 200, { 'content-type': 'image/svg+xml', ...day }));
      app.get('/favicon.ico', (c) => c.body(new Uint8Array(icon192), 200, { 'content-type': 'image/png', ...day }));
      app.get('/web/icon-192.png', (c) => c.body(new Uint8Array(icon192), 200, { 'content-type': 'image/png', ...day }));
      app.get('/web/icon-512.png', (c) => c.body(new Uint8Array(icon512), 200, { 'content-type': 'image/png', ...day }));
      app.get('/manifest.webmanifest', (c) => c.body(webManifest('网上缴费'), 200, { 'content-type': 'application/manifest+json', ...day }));
      // The dispatcher is created after the adapters (it needs their transports), hence the getter.
      mountWebInbound(app, {
        db: deps.db,
        dispatcher: { dispatch: (update) => deps.dispatcher().dispatch(update) },
        transport: web,
        config: deps.config,
        clock: deps.clock,
      });
      const dispatcher = { dispatch: (update: Parameters<Dispatcher['dispatch']>[0]) => deps.dispatcher().dispatch(update) };
      if (deps.payLinkSecret) mountWebPayLink(app, { db: deps.db, dispatcher, transport: web, secret: deps.payLinkSecret, clock: deps.clock });
    },
  };
}
