import type { Hono } from 'hono';
import type { Db } from '../db/database.js';
import { verifyUnsubscribeToken } from '../dunning/unsubscribe-token.js';
import { setOptOut, type OptOutScope } from '../dunning/opt-out.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage } from './simple-page.js';

// The reminder's unsubscribe link (e-mail header and link, the chat's 退订提醒 button): GET asks, POST
// (the page's button, or a mail client's RFC 8058 one-click) opts the student out — of the channel
// named by `c` (the chat button), else of all reminders. A forged or broken link changes nothing.

const PATH = '/dunning/unsubscribe';
const CHANNEL_NAMES = { telegram: 'Telegram', web: '网页聊天', wechat: '微信', email: '邮件' } as const;

function scopeOf(c: string | undefined): OptOutScope | null {
  if (c === undefined) return 'all';
  return Object.prototype.hasOwnProperty.call(CHANNEL_NAMES, c) ? (c as OptOutScope) : null;
}

export function mountDunningUnsubscribeRoutes(app: Hono, deps: { db: Db; secret: string; clock: () => number }): void {
  const page = (body: string, status: 200 | 400 = 200) => new Response(renderSimplePage('zh-CN', '退订缴费提醒', body), { status, headers: { 'content-type': 'text/html; charset=utf-8', ...PRIVATE_PAGE_HEADERS } });
  const bad = () => page('<h1>链接无效</h1><p class="en">This link is not valid.</p>', 400);

  app.get(PATH, (c) => {
    const token = c.req.query('t') ?? '';
    const scope = scopeOf(c.req.query('c'));
    if (!verifyUnsubscribeToken(deps.secret, token) || !scope) return bad();
    const where = scope === 'all' ? '' : `（${CHANNEL_NAMES[scope]}）`;
    return page(`<h1>退订缴费提醒${escapeHtml(where)}</h1><p class="en">Unsubscribe from fee reminders</p>
<form method="post" action="${PATH}?t=${escapeHtml(encodeURIComponent(token))}${scope === 'all' ? '' : `&amp;c=${scope}`}"><button type="submit">确认退订 / Unsubscribe</button></form>`);
  });

  app.post(PATH, async (c) => {
    const studentId = verifyUnsubscribeToken(deps.secret, c.req.query('t') ?? '');
    const scope = scopeOf(c.req.query('c'));
    if (!studentId || !scope) return bad();
    await setOptOut(deps.db, { studentId, scope, optedOut: true, via: { channel: scope === 'all' ? 'email' : scope, chatId: '-' }, now: deps.clock() });
    return page('<h1>已退订</h1><p class="ok">您将不再收到缴费提醒。如需恢复，请在聊天中 设置 → 提醒设置 开启。You will receive no more fee reminders; to turn them back on, use Settings → Reminder settings in the chat.</p>');
  });
}
