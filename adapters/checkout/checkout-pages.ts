import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { qrPng } from '../../src/qr-code.js';
import { formatDateTime } from '../../src/display-time.js';
import { AppError } from '../../src/errors.js';
import { renderReturnLinks, RETURN_LINKS_STYLE, type ReturnLinks } from '../../src/http/return-links.js';
import { cspHash } from '../../src/http/security-headers.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from '../../src/http/simple-page.js';
import type { Ledger, OrderRecord } from '../../src/ledger/index.js';
import type { Logger } from '../../src/logger.js';
import { formatMoney } from '../../src/money.js';
import type { PayerAuth, PayerContext, PaymentStart } from '../../src/ports/gateway.port.js';
import { checkoutTokenValid, type CheckoutGateway } from './checkout-gateway.js';

// feebot's own checkout page (phone-first): the university's name, the order's items, total and
// expiry, and the configured ways to pay. The link carries an HMAC token of the order id.

const LABELS: Record<string, { zh: string; en: string }> = {
  'wechatpay.native': { zh: '微信支付（扫码）', en: 'WeChat Pay (scan QR)' },
  'wechatpay.jsapi': { zh: '微信支付', en: 'WeChat Pay' },
  'alipay.qr': { zh: '支付宝（扫码）', en: 'Alipay (scan QR)' },
  'alipay.wap': { zh: '支付宝（手机网站支付）', en: 'Alipay (phone)' },
};

const STYLE = `
table{width:100%;border-collapse:collapse;margin:12px 0}td{padding:6px 4px;border-bottom:1px solid #eee}td.amount{text-align:right;white-space:nowrap}
.total{font-size:1.3rem;font-weight:700;text-align:right}.method{display:block;margin-top:12px}
img.qr{display:block;margin:16px auto;width:240px;height:240px;image-rendering:pixelated}
${RETURN_LINKS_STYLE}
`;

export interface CheckoutPageDeps {
  gateway: CheckoutGateway;
  ledger: Pick<Ledger, 'getOrder'>;
  secret: string;
  universityName: string;
  timezone: string;
  logger: Logger;
  /** The platform's web authorisation comes back to this origin (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  /** Links back to the conversation on the result and terminal pages. */
  returnLinks?: ReturnLinks;
}

/** The page's own policy: its style and (JSAPI) script by hash, the QR as a data: image, forms to itself. */
function headers(script?: string): Record<string, string> {
  const csp = `default-src 'none'; style-src ${simplePageStyleHash(STYLE)}; img-src data:; ${script ? `script-src ${cspHash(script)}; ` : ''}form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
  return { ...PRIVATE_PAGE_HEADERS, 'Content-Security-Policy': csp };
}

function page(title: string, universityName: string, body: string): string {
  return renderSimplePage('zh-CN', `${title} - ${universityName}`, `<p class="en" id="university">${escapeHtml(universityName)}</p>\n${body}`, STYLE);
}

function summary(order: OrderRecord, timezone: string): string {
  const rows = order.lines.map((l) => `<tr><td>${escapeHtml(l.feePeriod)} ${escapeHtml(l.name)}</td><td class="amount">${escapeHtml(formatMoney(l.amount))}</td></tr>`).join('');
  return `<p>订单号 Order: <span id="order-id">${escapeHtml(order.id)}</span></p>
<table id="items">${rows}</table>
<p class="total">合计 Total: <span id="total">${escapeHtml(formatMoney(order.total))}</span></p>
<p>请在 <span id="expires-at">${escapeHtml(formatDateTime(order.expiresAt, timezone))}</span> 前完成支付 · Pay before this time</p>`;
}

// The payer's openid, once the OA's web authorisation gave it, is kept in a cookie signed with the
// checkout secret: nobody can make the page use an openid WeChat did not give (JSAPI would be
// placed for someone else). The state cookie ties the authorisation's answer to this browser.
const PAYER_COOKIE = 'feebot_payer';
const STATE_COOKIE = 'feebot_payer_state';
const OPENID = /^[0-9A-Za-z_-]{8,128}$/;
const PAYER_COOKIE_MAX_AGE = 7 * 86_400;
const STATE_COOKIE_MAX_AGE = 10 * 60;

const payerMac = (secret: string, openid: string) => createHmac('sha256', secret).update(`payer:${openid}`).digest('base64url').slice(0, 22);

export function payerCookieValue(secret: string, openid: string): string {
  return `${openid}.${payerMac(secret, openid)}`;
}

function openidFromCookie(secret: string, value: string | undefined): string | undefined {
  const dot = value?.lastIndexOf('.') ?? -1;
  if (!value || dot <= 0) return undefined;
  const openid = value.slice(0, dot);
  if (!OPENID.test(openid)) return undefined;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(payerMac(secret, openid));
  return given.length === expected.length && timingSafeEqual(given, expected) ? openid : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function mountCheckoutPages(app: Hono, deps: CheckoutPageDeps): void {
  const { gateway, ledger, secret, universityName, timezone } = deps;
  const secure = deps.publicBaseUrl.startsWith('https:');
  const cookieOptions = { path: '/checkout', httpOnly: true, secure, sameSite: 'Lax' as const };

  const payerOf = (c: Context): PayerContext => {
    const openid = openidFromCookie(secret, getCookie(c, PAYER_COOKIE));
    return { userAgent: c.req.header('user-agent') ?? '', ...(openid ? { openid } : {}) };
  };
  const payerAuthFor = (payer: PayerContext): PayerAuth | undefined => gateway.methods.find((m) => m.payerAuth?.wanted(payer))?.payerAuth;
  const backLinks = (): string => renderReturnLinks(deps.returnLinks?.() ?? []);

  async function load(orderId: string, token: string | undefined): Promise<OrderRecord | null> {
    if (!token || !checkoutTokenValid(secret, orderId, token)) return null;
    return ledger.getOrder(orderId);
  }

  app.get('/checkout/done', (c) => c.html(page('支付结果', universityName, `<h1>支付已提交</h1><p>请返回聊天查看缴费结果。Return to the chat for the result.</p>${backLinks()}`), 200, headers()));

  app.get('/checkout/:orderId', async (c) => {
    const orderId = c.req.param('orderId');
    const token = c.req.query('t');
    const order = await load(orderId, token);
    if (!order) return c.html(page('订单不存在', universityName, '<h1>订单不存在</h1><p>链接无效或不完整。This link is not valid.</p>'), 404, headers());
    if (order.status === 'paid') return c.html(page('已支付', universityName, `<h1 id="status">该订单已支付</h1>${summary(order, timezone)}<p>请返回聊天查看电子票据。</p>${backLinks()}`), 200, headers());
    if (order.status !== 'pending' || order.expiresAt <= Date.now()) {
      return c.html(page('订单已失效', universityName, `<h1 id="status">订单已失效</h1>${summary(order, timezone)}<p>请返回聊天重新下单。</p>${backLinks()}`), 410, headers());
    }
    const payer = payerOf(c);
    // Inside WeChat without an openid: the OA's web authorisation first (silent, snsapi_base), once;
    // `oa=1` marks the way back, so a failed authorisation shows the QR instead of looping.
    const auth = c.req.query('oa') === '1' ? undefined : payerAuthFor(payer);
    if (auth) {
      const state = randomBytes(16).toString('hex');
      setCookie(c, STATE_COOKIE, state, { ...cookieOptions, maxAge: STATE_COOKIE_MAX_AGE });
      const redirectUri = `${deps.publicBaseUrl}/checkout/${encodeURIComponent(order.id)}/payer-auth?t=${encodeURIComponent(token ?? '')}`;
      c.header('Cache-Control', 'no-store');
      return c.redirect(auth.authorizeUrl(redirectUri, state), 302);
    }
    const offered = gateway.methods.filter((m) => m.available(payer));
    const buttons = offered.map((m) => `<button class="method" name="method" value="${escapeHtml(m.id)}" id="pay-${escapeHtml(m.id.replace('.', '-'))}">${escapeHtml(LABELS[m.id]?.zh ?? m.id)}<br><small>${escapeHtml(LABELS[m.id]?.en ?? '')}</small></button>`).join('\n');
    const form = `<form method="post" action="/checkout/${encodeURIComponent(order.id)}/start">
<input type="hidden" name="t" value="${escapeHtml(token ?? '')}">
<h2>选择支付方式 · Choose how to pay</h2>
${buttons}
</form>`;
    return c.html(page('网上缴费', universityName, `<h1>网上缴费 · Pay online</h1>${summary(order, timezone)}${form}`), 200, headers());
  });

  // Where WeChat sends the browser back: ?code=&state= (state only, or nothing, if it gave no code).
  app.get('/checkout/:orderId/payer-auth', async (c) => {
    const orderId = c.req.param('orderId');
    const token = c.req.query('t');
    const order = await load(orderId, token);
    if (!order) return c.html(page('订单不存在', universityName, '<h1>订单不存在</h1><p>链接无效或不完整。This link is not valid.</p>'), 404, headers());
    const back = `/checkout/${encodeURIComponent(orderId)}?t=${encodeURIComponent(token ?? '')}&oa=1`;
    const expected = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, cookieOptions);
    const code = c.req.query('code');
    const state = c.req.query('state');
    const auth = gateway.methods.find((m) => m.payerAuth)?.payerAuth;
    c.header('Cache-Control', 'no-store');
    if (!auth || !code || !state || !expected || !sameText(state, expected)) {
      deps.logger.info({ orderId, code: Boolean(code), stateMatches: Boolean(state && expected && sameText(state, expected)) }, 'checkout: payer authorisation came back without a usable code');
      return c.redirect(back, 302);
    }
    try {
      const openid = await auth.exchange(code);
      if (openid) setCookie(c, PAYER_COOKIE, payerCookieValue(secret, openid), { ...cookieOptions, maxAge: PAYER_COOKIE_MAX_AGE });
      else deps.logger.info({ orderId }, 'checkout: the platform gave no payer id for this code');
    } catch (error) {
      deps.logger.warn({ err: error, orderId }, 'checkout: exchanging the authorisation code failed');
    }
    return c.redirect(back, 302);
  });

  app.post('/checkout/:orderId/start', async (c) => {
    const orderId = c.req.param('orderId');
    const form = await c.req.parseBody();
    const token = typeof form.t === 'string' ? form.t : undefined;
    const order = await load(orderId, token);
    if (!order || order.status !== 'pending') return c.redirect(`/checkout/${encodeURIComponent(orderId)}?t=${encodeURIComponent(token ?? '')}`, 303);
    const payer = payerOf(c);
    let started: PaymentStart;
    try {
      started = await gateway.start(orderId, String(form.method ?? ''), payer);
    } catch (error) {
      deps.logger.warn({ err: error, orderId }, 'checkout: starting a payment failed');
      const status = error instanceof AppError && error.httpStatus < 500 ? 400 : 502;
      return c.html(page('暂时无法支付', universityName, '<h1>暂时无法发起支付</h1><p class="error">支付平台暂时不可用，请稍后重试或换一种支付方式。</p>'), status, headers());
    }
    const back = `/checkout/${encodeURIComponent(orderId)}?t=${encodeURIComponent(token ?? '')}`;
    switch (started.kind) {
      case 'redirect':
        // A link, not a 303: form-action 'self' would stop a redirect to the gateway's origin.
        return c.html(page('前往支付', universityName, `<h1>前往支付宝</h1>${summary(order, timezone)}<p><a id="continue" href="${escapeHtml(started.url)}">继续前往支付宝完成支付 · Continue to Alipay</a></p>`), 200, headers());
      case 'qr': {
        const img = `data:image/png;base64,${qrPng(started.payload, { margin: 1, width: 240 }).toString('base64')}`;
        const label = LABELS[String(form.method)]?.zh ?? '';
        return c.html(page('扫码支付', universityName, `<h1>${escapeHtml(label)}</h1>${summary(order, timezone)}
<img class="qr" id="pay-qr" alt="支付二维码" src="${img}" data-payload="${escapeHtml(started.payload)}">
<p>请使用${String(form.method).startsWith('alipay') ? '支付宝' : '微信'}扫一扫完成支付，支付后返回聊天查看结果。</p>
<p><a href="${escapeHtml(back)}" id="check-status">我已支付，查看订单状态</a></p>`), 200, headers());
      }
      case 'jsapi': {
        // WeixinJSBridge exists only inside WeChat's browser; the params are signed with the merchant key.
        const params = JSON.stringify(started.params).replace(/</g, '\\u003c');
        const script = `(function(){var p=${params};function go(){WeixinJSBridge.invoke('getBrandWCPayRequest',p,function(r){document.getElementById('jsapi-status').textContent=r.err_msg==='get_brand_wcpay_request:ok'?'支付完成，请返回聊天查看结果':'未完成支付';location.href=${JSON.stringify(back)};});}
if(typeof WeixinJSBridge==='undefined'){document.addEventListener('WeixinJSBridgeReady',go,false);}else{go();}})();`;
        return c.html(page('微信支付', universityName, `<h1>微信支付</h1>${summary(order, timezone)}
<p id="jsapi-status">正在打开微信支付…</p>
<script>${script}</script>`), 200, headers(script));
      }
    }
  });
}
