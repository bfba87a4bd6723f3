import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import { listWebMessagesAfter } from '../../src/db/repositories/web-message.repository.js';
import type { Lang } from '../../src/engine/state.js';
import { setBodyLimit } from '../../src/http/body-limit.js';
import { clientAddress } from '../../src/http/client-address.js';
import type { Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';
import type { WebConfig } from './web-config.js';
import type { WebTransport } from './web-transport.js';

// The browser keeps a random token; only its hash is the chat id, so ids stored in the DB
// (orders, conversations) cannot be replayed to read someone's chat.
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;
const RECHECK_MS = 2_000;
/** The largest valid message (2,000 characters, each JSON-escaped to six bytes at worst) fits. */
export const SEND_BODY_LIMIT_BYTES = 16 * 1024;

const sendSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  kind: z.enum(['start', 'text', 'action']),
  text: z.string().max(2000).optional(),
  code: z.string().max(64).optional(),
  payload: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  lang: z.enum(['zh-CN', 'en']).optional(),
});

export function chatIdForToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 32);
}

/** Pure inbound parse: a posted chat message → its id, language hint and engine event, or why not. */
export function parseWebSend(
  body: unknown,
): { ok: true; id: string; lang?: Lang; event: InboundUpdate['event'] } | { ok: false; error: string } {
  const parsed = sendSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: 'malformed message' };
  const m = parsed.data;
  const event =
    m.kind === 'text' && m.text !== undefined
      ? { kind: 'text' as const, text: m.text }
      : m.kind === 'action' && m.code !== undefined
        ? { kind: 'action' as const, code: m.code }
        : m.kind === 'start'
          ? { kind: 'start' as const, ...(m.payload ? { payload: m.payload } : {}) }
          : null;
  if (!event) return { ok: false, error: 'text or code missing' };
  return { ok: true, id: m.id, lang: m.lang, event };
}

function chatIdOf(c: Context): string | null {
  const token = c.req.header('x-chat-token') ?? '';
  return TOKEN.test(token) ? chatIdForToken(token) : null;
}

export function mountWebInbound(app: Hono, deps: { db: Db; dispatcher: Dispatcher; transport: WebTransport; config: WebConfig }): void {
  setBodyLimit(app, '/api/chat/send', SEND_BODY_LIMIT_BYTES);
  app.post('/api/chat/send', async (c) => {
    const chatId = chatIdOf(c);
    if (!chatId) return c.json({ error: 'missing or malformed x-chat-token' }, 401);
    const parsed = parseWebSend(await c.req.json().catch(() => null));
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const { id, event, lang } = parsed;
    const outcome = await deps.dispatcher.dispatch({ channel: 'web', chatId, updateId: `${chatId}:${id}`, event, languageHint: lang, source: `ip:${clientAddress(c)}` });
    return c.json({ acks: outcome.acks, duplicate: outcome.duplicate });
  });

  // Long poll: answers as soon as there is something after `after`, or empty after the timeout.
  app.get('/api/chat/messages', async (c) => {
    const chatId = chatIdOf(c);
    if (!chatId) return c.json({ error: 'missing or malformed x-chat-token' }, 401);
    const after = Number(c.req.query('after') ?? '0');
    if (!Number.isSafeInteger(after) || after < 0) return c.json({ error: 'bad after' }, 400);
    const wait = c.req.query('wait') !== '0';
    const deadline = Date.now() + deps.config.WEB_LONG_POLL_MS;
    for (;;) {
      const messages = await listWebMessagesAfter(deps.db, chatId, after);
      if (messages.length > 0 || !wait || Date.now() >= deadline || c.req.raw.signal.aborted) return c.json({ messages });
      await deps.transport.waitForMessage(chatId, Math.min(RECHECK_MS, deadline - Date.now()), c.req.raw.signal);
    }
  });
}
