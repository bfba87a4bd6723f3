import { maskName } from '../display-mask.js';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Env, Hono, Schema } from 'hono';
import type { Db } from '../db/database.js';
import { getOrCreateSetting } from '../db/repositories/settings.repository.js';
import { findStudentById } from '../db/repositories/student.repository.js';
import { formatDateTime } from '../display-time.js';
import type { OrderRecord } from '../ledger/ledger.types.js';
import { formatMoney } from '../money.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from './simple-page.js';

// 代付: a link for ONE order that a parent opens on their own phone. It shows only the masked name,
// the items and the total (no 学号, nothing else about the student), leads to the gateway's pay page
// for that order, and dies with the order (paid, closed or expired: the page says the link is over).
// The link is the order id and an HMAC of it under a key kept in the database (one for all
// instances); there is nothing to store per link.

const KEY_SETTING = 'parent_pay_link_key';
const SIG_CHARS = 22;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{6,64})\.([A-Za-z0-9_-]{22})$/;

export interface ParentPayLinks {
  /** The link for this order (absolute URL). */
  urlFor(orderId: string): Promise<string>;
  /** The order id a token was signed for, or null. */
  verify(token: string): Promise<string | null>;
}

export function createParentPayLinks(db: Db, publicBaseUrl: string): ParentPayLinks {
  let key: Buffer | null = null;
  async function signingKey(): Promise<Buffer> {
    key ??= Buffer.from(await getOrCreateSetting(db, KEY_SETTING, () => randomBytes(32).toString('base64url')), 'base64url');
    return key;
  }
  const sign = async (orderId: string) => createHmac('sha256', await signingKey()).update(`parent-pay:${orderId}`).digest('base64url').slice(0, SIG_CHARS);
  return {
    async urlFor(orderId) {
      return `${publicBaseUrl}/pay-for/${orderId}.${await sign(orderId)}`;
    },
    async verify(token) {
      const match = TOKEN_PATTERN.exec(token);
      if (!match) return null;
      const [, orderId, sig] = match;
      const expected = Buffer.from(await sign(orderId!));
      const given = Buffer.from(sig!);
      return expected.length === given.length && timingSafeEqual(expected, given) ? orderId! : null;
    },
  };
}

const STYLE = `
table{width:100%;border-collapse:collapse;margin:12px 0}
td{border-bottom:1px solid #ddd;padding:6px 4px}td.amount{text-align:right;white-space:nowrap}
.total{font-size:1.3rem;font-weight:bold;text-align:right}
a.pay{display:block;text-align:center;background:#0b5cab;color:#fff;padding:14px;border-radius:8px;text-decoration:none;font-size:1.1rem;margin-top:16px}
.note{color:#666;font-size:.9rem}
`;
const CSP = `default-src 'none'; style-src ${simplePageStyleHash(STYLE)}; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`;

export function renderParentPayPage(order: OrderRecord, payerName: string, timezone: string): string {
  const rows = order.lines
    .map((l) => `<tr><td>${escapeHtml(`${l.feePeriod} ${l.name}`)}</td><td class="amount">${escapeHtml(formatMoney(l.amount))}</td></tr>`)
    .join('');
  const body = `<h1>家长代付</h1>
<p>学生：<strong id="payer">${escapeHtml(maskName(payerName))}</strong></p>
<table id="items">${rows}</table>
<p class="total">合计：<span id="total">${escapeHtml(formatMoney(order.total))}</span></p>
<p class="note">请在 ${escapeHtml(formatDateTime(order.expiresAt, timezone))} 前完成支付；支付完成后，学生会在对话中收到通知和电子票据。</p>
<a class="pay" id="pay" href="${escapeHtml(order.payUrl ?? '')}" rel="noopener noreferrer">去支付</a>`;
  return renderSimplePage('zh-CN', '家长代付', body, STYLE);
}

export function renderParentPayGone(): string {
  return renderSimplePage('zh-CN', '代付链接已失效', '<h1>代付链接已失效</h1><p id="gone">该订单已支付、已关闭或已过期，此链接不再可用。如需继续代付，请让学生在对话中重新分享。</p>', STYLE);
}

export function mountParentPayRoutes<E extends Env, S extends Schema, P extends string>(
  app: Hono<E, S, P>,
  deps: { db: Db; links: ParentPayLinks; ledger: { getOrder(orderId: string): Promise<OrderRecord | null> }; clock: () => number; timezone: string },
): void {
  app.get('/pay-for/:token', async (c) => {
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', CSP);
    c.header('Referrer-Policy', 'no-referrer');
    const orderId = await deps.links.verify(c.req.param('token') ?? '');
    const order = orderId ? await deps.ledger.getOrder(orderId) : null;
    // A forged link and a finished order look the same: nothing to see either way.
    if (!order || order.status !== 'pending' || order.expiresAt <= deps.clock() || !order.payUrl) return c.html(renderParentPayGone(), 410);
    const student = await findStudentById(deps.db, order.studentId);
    return c.html(renderParentPayPage(order, student?.name ?? '', deps.timezone));
  });
}
