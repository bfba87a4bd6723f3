import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import { listWebMessagesAfter } from '../../src/db/repositories/web-message.repository.js';
import type { Lang } from '../../src/engine/state.js';
import { setBodyLimit } from '../../src/http/body-limit.js';
import { clientAddress } from '../../src/http/client-address.js';
import { createRateLimiter, type RateLimiter } from '../../src/http/rate-limiter.js';
import type { Dispatcher, InboundUpdate } from '../../src/runtime/inbound.js';
import type { WebConfig } from './web-config.js';
import type { WebTransport } from './web-transport.js';

// The browser keeps a random token; only its hash is the chat id, so ids stored in the DB
// (orders, conversations) cannot be replayed to read someone's chat.
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;
// Another instance may have written the message: the log is read again this often while waiting.
const RECHECK_MS = 1_000;
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

export function chatIdOf(c: Context): string | null {
  const token = c.req.header('x-chat-token') ?? '';
  return TOKEN.test(token) ? chatIdForToken(token) : null;
}

/** A page long-polls after every answer, so it may poll a few times for each message it sends. */
const POLLS_PER_SEND = 4;

function limiterAt(perMinute: number): RateLimiter {
  return createRateLimiter({ perMinute, burst: Math.max(3, Math.ceil(perMinute / 3)) });
}

/**
 * Per chat token and per client address: a fresh token per request cannot escape the second.
 * Answers 429 with Retry-After (seconds), or null when the request may go on.
 */
function limited(c: Context, checks: [RateLimiter, string][], now: number): Response | null {
  for (const [limiter, key] of checks) {
    const decision = limiter.take(key, now);
    if (!decision.ok) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      c.header('Retry-After', String(seconds));
      return c.json({ error: 'RATE_LIMITED', retryAfterSeconds: seconds }, 429);
    }
  }
  return null;
}

export function mountWebInbound(
  app: Hono,
  deps: { db: Db; dispatcher: Dispatcher; transport: WebTransport; config: WebConfig; clock?: () => number },
): void {
  const clock = deps.clock ?? Date.now;
  const { WEB_SEND_PER_MINUTE: perChat, WEB_SEND_PER_MINUTE_PER_ADDRESS: perAddress } = deps.config;
  const sends = { chat: limiterAt(perChat), address: limiterAt(perAddress) };
  const polls = { chat: limiterAt(perChat * POLLS_PER_SEND), address: limiterAt(perAddress * POLLS_PER_SEND) };

  setBodyLimit(app, '/api/chat/send', SEND_BODY_LIMIT_BYTES);
  app.post('/api/chat/send', async (c) => {
    const chatId = chatIdOf(c);
    if (!chatId) return c.json({ error: 'missing or malformed x-chat-token' }, 401);
    const refused = limited(c, [[sends.address, clientAddress(c)], [sends.chat, chatId]], clock());
    if (refused) return refused;
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
    const refused = limited(c, [[polls.address, clientAddress(c)], [polls.chat, chatId]], clock());
    if (refused) return refused;
    const after = Number(c.req.query('after') ?? '0');
    if (!Number.isSafeInteger(after) || after < 0) return c.json({ error: 'bad after' }, 400);
    const wait = c.req.query('wait') !== '0';
    const deadline = Date.now() + deps.config.WEB_LONG_POLL_MS;
    for (;;) {
      const messages = await listWebMessagesAfter(deps.db, chatId, after);
      // `now`: the server's clock, so the page counts down to an unlock time (同意) whatever its own says.
      if (messages.length > 0 || !wait || Date.now() >= deadline || c.req.raw.signal.aborted) return c.json({ messages, now: clock() });
      await deps.transport.waitForMessage(chatId, Math.min(RECHECK_MS, deadline - Date.now()), c.req.raw.signal);
    }
  });
}
