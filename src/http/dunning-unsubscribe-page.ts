import type { Hono } from 'hono';
import type { Db } from '../db/database.js';
import { verifyUnsubscribeToken } from '../dunning/unsubscribe-token.js';
import { setOptOut } from '../dunning/opt-out.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage } from './simple-page.js';

// The reminder e-mail's unsubscribe link: GET asks, POST (the button, or a mail client's RFC 8058
// one-click) opts the student out of all reminders. A forged or broken link changes nothing.

const PATH = '/dunning/unsubscribe';

export function mountDunningUnsubscribeRoutes(app: Hono, deps: { db: Db; secret: string; clock: () => number }): void {
  const page = (body: string, status: 200 | 400 = 200) => new Response(renderSimplePage('zh-CN', '退订缴费提醒', body), { status, headers: { 'content-type': 'text/html; charset=utf-8', ...PRIVATE_PAGE_HEADERS } });
  const bad = () => page('<h1>链接无效</h1><p class="en">This link is not valid.</p>', 400);

  app.get(PATH, (c) => {
    const token = c.req.query('t') ?? '';
    if (!verifyUnsubscribeToken(deps.secret, token)) return bad();
    return page(`<h1>退订缴费提醒</h1><p class="en">Unsubscribe from fee reminders</p>
<form method="post" action="${PATH}?t=${escapeHtml(encodeURIComponent(token))}"><button type="submit">确认退订 / Unsubscribe</button></form>`);
  });

  app.post(PATH, async (c) => {
    const studentId = verifyUnsubscribeToken(deps.secret, c.req.query('t') ?? '');
    if (!studentId) return bad();
    await setOptOut(deps.db, { studentId, scope: 'all', optedOut: true, via: { channel: 'email', chatId: '-' }, now: deps.clock() });
    return page('<h1>已退订</h1><p class="ok">您将不再收到缴费提醒。You will receive no more fee reminders.</p>');
  });
}
