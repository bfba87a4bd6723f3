import type { Env, Hono, Schema } from 'hono';
import type { Lang } from '../engine/state.js';
import type { ReceiptView } from '../ledger/ledger.types.js';
import { formatDateTime } from '../display-time.js';
import { formatMoney } from '../money.js';
import { cspHash } from './security-headers.js';
import { escapeHtml, PRIVATE_PAGE_HEADERS, renderSimplePage, simplePageStyleHash } from './simple-page.js';

// The printable 财政电子票据 page behind a receipt's unguessable view token.

const TEXT = {
  'zh-CN': {
    title: '财政电子票据 (sandbox)',
    heading: '财政电子票据',
    sandbox: '沙箱票据，仅供演示，不具法律效力',
    receiptNo: '票据号码',
    checkCode: '校验码',
    issuedAt: '开票日期',
    payer: '缴款人',
    studentId: '学号',
    college: '学院',
    order: '订单号',
    period: '收费期间',
    item: '项目',
    amount: '金额',
    total: '合计',
    print: '打印',
    notFoundTitle: '票据不存在',
    notFound: '未找到该票据，请检查链接是否完整。',
  },
  en: {
    title: '财政电子票据 (sandbox) · Fiscal e-receipt',
    heading: '财政电子票据 · Fiscal e-receipt',
    sandbox: 'Sandbox receipt for demonstration only; not a legal document',
    receiptNo: 'Receipt no.',
    checkCode: 'Check code',
    issuedAt: 'Issued',
    payer: 'Payer',
    studentId: 'Student ID',
    college: 'College',
    order: 'Order',
    period: 'Period',
    item: 'Item',
    amount: 'Amount',
    total: 'Total',
    print: 'Print',
    notFoundTitle: 'Receipt not found',
    notFound: 'No receipt matches this link. Please check that it is complete.',
  },
} as const;

// On top of the shared page frame (simple-page.ts).
const STYLE = `
main{max-width:640px}
h1{text-align:center;color:#b22222}
.sandbox{text-align:center;font-size:.8rem;color:#888;margin:0 0 16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0 0 16px}
dt{color:#666}dd{margin:0;word-break:break-all}
table{width:100%;border-collapse:collapse;margin-bottom:16px}
th,td{border-bottom:1px solid #ddd;padding:6px 4px;text-align:left}
td.amount,th.amount{text-align:right;white-space:nowrap}
tfoot td{font-weight:bold;border-bottom:none}
button{display:block;margin:0 auto;width:auto;padding:10px 32px}
@media print{body{background:#fff}button{display:none}main{max-width:none}}
`;

// The one script: allowed by its hash (inline handlers such as onclick= cannot be).
const PRINT_SCRIPT = "document.getElementById('print').addEventListener('click',function(){window.print()});";
const CSP = `default-src 'none'; style-src ${simplePageStyleHash(STYLE)}; script-src ${cspHash(PRINT_SCRIPT)}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export function renderReceiptPage(view: ReceiptView, lang: Lang = 'zh-CN', timezone = 'Asia/Shanghai'): string {
  const t = TEXT[lang];
  const { receipt, student } = view;
  const rows = view.lines
    .map((l) => `<tr><td>${escapeHtml(l.feePeriod)}</td><td>${escapeHtml(l.name)}</td><td class="amount">${escapeHtml(formatMoney(l.amount))}</td></tr>`)
    .join('\n');
  return page(
    lang,
    t.title,
    `<h1>${escapeHtml(t.heading)}</h1>
<p class="sandbox">${escapeHtml(t.sandbox)}</p>
<dl>
<dt>${t.receiptNo}</dt><dd id="receipt-no">${escapeHtml(receipt.receiptNo)}</dd>
<dt>${t.checkCode}</dt><dd id="check-code">${escapeHtml(receipt.checkCode)}</dd>
<dt>${t.issuedAt}</dt><dd id="issued-at">${escapeHtml(formatDateTime(receipt.issuedAt, timezone))}</dd>
<dt>${t.payer}</dt><dd id="payer-name">${escapeHtml(receipt.payerName)}</dd>
<dt>${t.studentId}</dt><dd id="student-id">${escapeHtml(student.studentId)}</dd>
${student.college ? `<dt>${t.college}</dt><dd>${escapeHtml(student.college)}</dd>\n` : ''}<dt>${t.order}</dt><dd>${escapeHtml(receipt.orderId)}</dd>
</dl>
<table>
<thead><tr><th>${t.period}</th><th>${t.item}</th><th class="amount">${t.amount}</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="2">${t.total}</td><td class="amount" id="total">${escapeHtml(formatMoney(receipt.total))}</td></tr></tfoot>
</table>
<button type="button" id="print">${t.print}</button>
<script>${PRINT_SCRIPT}</script>`,
  );
}

export function renderReceiptNotFound(lang: Lang = 'zh-CN'): string {
  const t = TEXT[lang];
  return page(lang, t.notFoundTitle, `<h1>${escapeHtml(t.notFoundTitle)}</h1>\n<p>${escapeHtml(t.notFound)}</p>`);
}

function page(lang: Lang, title: string, body: string): string {
  return renderSimplePage(lang, title, body, STYLE);
}

// Tokens are 24 random bytes in base64url (32 chars); anything else is not worth a lookup.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh-CN') return query;
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

/** GET /receipts/:token — the token is the only credential, so the page is never cached or indexed. */
export function mountReceiptRoutes<E extends Env, S extends Schema, P extends string>(
  app: Hono<E, S, P>,
  ledger: { getReceiptByToken(token: string): Promise<ReceiptView | null> },
  timezone = 'Asia/Shanghai',
): void {
  app.get('/receipts/:token', async (c) => {
    const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'));
    for (const [name, value] of Object.entries(PRIVATE_PAGE_HEADERS)) c.header(name, value);
    c.header('Content-Security-Policy', CSP);
    const token = c.req.param('token') ?? '';
    const view = TOKEN_PATTERN.test(token) ? await ledger.getReceiptByToken(token) : null;
    if (!view) return c.html(renderReceiptNotFound(lang), 404);
    return c.html(renderReceiptPage(view, lang, timezone));
  });
}
