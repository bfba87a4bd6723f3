import type { Env, Hono, Schema } from 'hono';
import { DEMO_BRANDING, type Branding } from '../branding.js';
import type { Lang } from '../engine/state.js';
import type { ReceiptView } from '../ledger/ledger.types.js';
import { receiptTitle, RECEIPT_SCRIPT, RECEIPT_STYLE, renderReceiptBody } from './receipt-render.js';
import { cspHash } from './security-headers.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from './simple-page.js';

// The printable 财政电子票据 page behind a receipt's unguessable view token.

const NOT_FOUND = {
  'zh-CN': { title: '票据不存在', text: '未找到该票据，请检查链接是否完整。' },
  en: { title: 'Receipt not found', text: 'No receipt matches this link. Please check that it is complete.' },
} as const;

// The one script by its hash (inline handlers such as onclick= cannot be); the logo from this origin.
const CSP = `default-src 'none'; style-src ${simplePageStyleHash(RECEIPT_STYLE)}; script-src ${cspHash(RECEIPT_SCRIPT)}; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export interface ReceiptPageOptions {
  lang?: Lang;
  timezone?: string;
  branding?: Branding;
  /** The page's own public URL, for the verification QR; `/receipts/<token>` when not given. */
  receiptUrl?: string;
}

export function renderReceiptPage(view: ReceiptView, options: ReceiptPageOptions | Lang = {}, timezone?: string): string {
  const o: ReceiptPageOptions = typeof options === 'string' ? { lang: options, ...(timezone ? { timezone } : {}) } : options;
  const lang = o.lang ?? 'zh-CN';
  const branding = o.branding ?? DEMO_BRANDING;
  const body = renderReceiptBody(view, {
    lang,
    branding,
    receiptUrl: o.receiptUrl ?? `/receipts/${view.receipt.viewToken}`,
    ...(o.timezone ? { timezone: o.timezone } : {}),
  });
  return renderSimplePage(lang, receiptTitle(view, lang, branding), body, RECEIPT_STYLE);
}

export function renderReceiptNotFound(lang: Lang = 'zh-CN', branding: Branding = DEMO_BRANDING): string {
  const t = NOT_FOUND[lang];
  return renderSimplePage(lang, `${t.title} - ${branding.universityName[lang]}`, `<h1>${escapeHtml(t.title)}</h1>\n<p>${escapeHtml(t.text)}</p>`, RECEIPT_STYLE);
}

// Tokens are 24 random bytes in base64url (32 chars); anything else is not worth a lookup.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh-CN') return query;
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export interface ReceiptRouteOptions {
  timezone?: string;
  branding?: Branding;
  /** PUBLIC_BASE_URL: the QR carries the receipt's public address, never one taken from the request. */
  publicBaseUrl?: string;
}

/** GET /receipts/:token — the token is the only credential, so the page is never cached or indexed. */
export function mountReceiptRoutes<E extends Env, S extends Schema, P extends string>(
  app: Hono<E, S, P>,
  ledger: { getReceiptByToken(token: string): Promise<ReceiptView | null> },
  options: ReceiptRouteOptions | string = {},
): void {
  const o: ReceiptRouteOptions = typeof options === 'string' ? { timezone: options } : options;
  app.get('/receipts/:token', async (c) => {
    const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'));
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', CSP);
    const token = c.req.param('token') ?? '';
    const view = TOKEN_PATTERN.test(token) ? await ledger.getReceiptByToken(token) : null;
    if (!view) return c.html(renderReceiptNotFound(lang, o.branding), 404);
    return c.html(
      renderReceiptPage(view, {
        lang,
        ...(o.timezone ? { timezone: o.timezone } : {}),
        ...(o.branding ? { branding: o.branding } : {}),
        receiptUrl: `${o.publicBaseUrl ?? ''}/receipts/${token}`,
      }),
    );
  });
}
