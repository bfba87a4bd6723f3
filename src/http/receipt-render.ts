import { amountInWords } from '../amount-in-words.js';
import { DEMO_BRANDING, LOGO_PATH, type Branding } from '../branding.js';
import { formatDateTime } from '../display-time.js';
import type { Lang } from '../engine/state.js';
import type { ReceiptLine, ReceiptView } from '../ledger/ledger.types.js';
import { formatMoney, formatYuan } from '../money.js';
import { qrSvg } from './qr-svg.js';
import { escapeHtml as esc } from './simple-page.js';

// The 财政电子票据 page: laid out like the printed bill (票据代码/号码/校验码, 交款人, the item table,
// 金额合计（大写）, 收款单位, 收款人), phone-first on screen, one A4 page in print.

const TEXT = {
  'zh-CN': {
    title: '财政电子票据',
    kind: '非税收入统一票据（电子）',
    sandbox: '沙箱票据 · 仅供演示，不具法律效力',
    watermark: '沙箱 SANDBOX',
    billCode: '票据代码',
    receiptNo: '票据号码',
    checkCode: '校验码',
    issuedAt: '开票日期',
    payer: '交款人',
    studentId: '学号',
    college: '学院',
    payee: '收款单位',
    code: '项目编码',
    name: '项目名称',
    unit: '单位',
    qty: '数量',
    standard: '标准',
    amount: '金额（元）',
    totalWords: '金额合计（大写）',
    totalFigures: '（小写）',
    other: '其他信息',
    method: '支付方式',
    transaction: '交易流水号',
    paidAt: '支付时间',
    order: '订单号',
    installment: (name: string, paid: string, due: string) => `分期缴费：${name} 应缴 ${due}，本次缴纳 ${paid}`,
    payeeSeal: '收款单位（章）',
    cashier: '收款人',
    cashierName: '网上缴费',
    verify: '扫码查验本票据',
    print: '打印',
    pdf: '下载 PDF',
    pdfHint: '「下载 PDF」会打开打印窗口，目标选择「另存为 PDF」即可保存。',
    year: '学年',
    item: '项',
  },
  en: {
    title: '财政电子票据 · Fiscal e-receipt',
    kind: 'Non-tax revenue receipt (electronic)',
    sandbox: 'Sandbox receipt · for demonstration only, not a legal document',
    watermark: 'SANDBOX 沙箱',
    billCode: 'Bill code',
    receiptNo: 'Receipt no.',
    checkCode: 'Check code',
    issuedAt: 'Issued',
    payer: 'Payer',
    studentId: 'Student ID',
    college: 'College',
    payee: 'Payee',
    code: 'Item code',
    name: 'Item',
    unit: 'Unit',
    qty: 'Qty',
    standard: 'Standard',
    amount: 'Amount (¥)',
    totalWords: 'Total (in words)',
    totalFigures: 'in figures',
    other: 'Other information',
    method: 'Paid with',
    transaction: 'Transaction no.',
    paidAt: 'Paid at',
    order: 'Order',
    installment: (name: string, paid: string, due: string) => `Installment: ${name} is ${due} in full; this payment ${paid}`,
    payeeSeal: 'Payee (seal)',
    cashier: 'Cashier',
    cashierName: 'Online payment',
    verify: 'Scan to verify this receipt',
    print: 'Print',
    pdf: 'Download PDF',
    pdfHint: '"Download PDF" opens the print dialog: choose "Save as PDF" as the destination.',
    year: 'year',
    item: 'item',
  },
} as const;

const METHODS: Record<string, Record<Lang, string>> = {
  sandbox: { 'zh-CN': 'E缴通（沙箱）', en: 'E缴通 (sandbox)' },
  wechatpay: { 'zh-CN': '微信支付', en: 'WeChat Pay' },
  alipay: { 'zh-CN': '支付宝', en: 'Alipay' },
};

export const RECEIPT_STYLE = `
main{max-width:760px;padding:12px}
.bill{position:relative;border:2px solid #a0522d;padding:14px 12px;color:#3b2314;overflow:hidden}
.bill-head{display:flex;gap:12px;align-items:flex-start}
.bill-head .qr{flex:none;text-align:center;font-size:.7rem;color:#666}
.bill-head .qr svg{display:block;width:96px;height:96px}
.bill-title{flex:1;text-align:center}
.bill-title .uni{display:flex;align-items:center;justify-content:center;gap:8px;font-size:.95rem;color:#555}
.bill-title img{height:32px;width:auto}
h1{color:#a0522d;font-size:1.35rem;margin:2px 0;letter-spacing:2px}
.kind{font-size:.85rem;color:#a0522d;margin:0}
.sandbox{text-align:center;font-weight:600;color:#8a1c1c;background:#fff4ce;border:1px dashed #c9a227;padding:4px;margin:10px 0 0;font-size:.85rem}
.watermark{position:absolute;top:40%;left:0;right:0;text-align:center;font-size:3rem;font-weight:700;color:rgba(178,34,34,.12);transform:rotate(-18deg);pointer-events:none;white-space:nowrap}
.meta{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:2px 12px;margin:10px 0;font-size:.9rem}
.meta span{color:#8b5a3c}
.parties{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font-size:.92rem;margin:8px 0}
.parties dt{color:#8b5a3c}.parties dd{margin:0;word-break:break-all}
.items{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.88rem}
th,td{border:1px solid #c8a48c;padding:4px 5px;text-align:left}
th{background:#fbf3ec;color:#8b5a3c;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
.period{display:block;font-size:.8em;color:#8b5a3c}
.total td{font-weight:700}
.words{color:#a0522d}
.other{font-size:.88rem;margin:8px 0 0;border:1px solid #c8a48c;padding:6px}
.other h2{font-size:.9rem;margin:0 0 4px;color:#8b5a3c}
.other p{margin:2px 0;word-break:break-all}
.sign{display:flex;justify-content:space-between;gap:12px;margin-top:10px;font-size:.9rem}
.actions{display:flex;gap:8px;margin-top:14px}
.actions button{margin-top:0;flex:1}
.actions button.secondary{background:#7b5a45}
.hint{font-size:.8rem;color:#777}
@media (max-width:420px){table{font-size:.8rem}th,td{padding:3px}}
@media print{
@page{size:A4;margin:14mm}
body{background:#fff}
main{max-width:none;min-height:0;padding:0}
.actions,.hint{display:none}
.bill{border-width:1.5px}
.watermark{color:rgba(178,34,34,.15)}
table,tr{page-break-inside:avoid}
}
`;

export const RECEIPT_SCRIPT =
  "document.getElementById('print').addEventListener('click',function(){window.print()});document.getElementById('download-pdf').addEventListener('click',function(){window.print()});";

export interface ReceiptRenderOptions {
  lang?: Lang;
  timezone?: string;
  branding?: Branding;
  /** The receipt's own public URL: the verification QR points here. */
  receiptUrl: string;
}

function unitOf(line: ReceiptLine, lang: Lang): string {
  return /^\d{4}-\d{4}$/.test(line.feePeriod) ? TEXT[lang].year : TEXT[lang].item;
}

/** The body of the page (inside <main>); the frame is simple-page.ts's. */
export function renderReceiptBody(view: ReceiptView, opts: ReceiptRenderOptions): string {
  const lang = opts.lang ?? 'zh-CN';
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  const branding = opts.branding ?? DEMO_BRANDING;
  const t = TEXT[lang];
  const { receipt, student, payment } = view;
  const payee = receipt.payeeName ?? branding.universityName['zh-CN'];
  const rows = view.lines
    .map(
      (l) => `<tr class="line"><td>${esc(l.code)}</td><td><span class="period">${esc(l.feePeriod)}</span> ${esc(l.name)}</td><td>${esc(unitOf(l, lang))}</td><td class="num">1</td><td class="num">${esc(formatYuan(l.due))}</td><td class="num">${esc(formatYuan(l.amount))}</td></tr>`,
    )
    .join('\n');
  const installments = view.lines
    .filter((l) => l.amount < l.due)
    .map((l) => `<p class="installment">${esc(t.installment(`${l.feePeriod} ${l.name}`, formatMoney(l.amount), formatMoney(l.due)))}</p>`)
    .join('\n');
  const method = payment ? (METHODS[payment.gateway]?.[lang] ?? payment.gateway) : '—';
  const logo = branding.logo ? `<img src="${LOGO_PATH}" alt="">` : '';
  const sandbox = receipt.sandbox
    ? `<p class="sandbox" id="sandbox-mark">${esc(t.sandbox)}</p>\n<div class="watermark" aria-hidden="true">${esc(t.watermark)}</div>`
    : '';
  return `<article class="bill${receipt.sandbox ? ' is-sandbox' : ''}" id="receipt">
${sandbox}
<div class="bill-head">
<div class="qr" id="verify-qr" data-url="${esc(opts.receiptUrl)}">${qrSvg(opts.receiptUrl, { size: 96, label: t.verify })}<div>${esc(t.verify)}</div></div>
<div class="bill-title">
<div class="uni">${logo}<span id="university">${esc(branding.universityName[lang])}</span></div>
<h1>${esc(t.title)}</h1>
<p class="kind">${esc(t.kind)}</p>
</div>
</div>
<div class="meta">
<div><span>${t.billCode}：</span><b id="bill-code">${esc(receipt.billCode ?? '—')}</b></div>
<div><span>${t.receiptNo}：</span><b id="receipt-no">${esc(receipt.receiptNo)}</b></div>
<div><span>${t.checkCode}：</span><b id="check-code">${esc(receipt.checkCode)}</b></div>
<div><span>${t.issuedAt}：</span><b id="issued-at">${esc(formatDateTime(receipt.issuedAt, timezone))}</b></div>
</div>
<dl class="parties">
<dt>${t.payer}</dt><dd id="payer-name">${esc(receipt.payerName)}</dd>
<dt>${t.studentId}</dt><dd id="student-id">${esc(student.studentId)}</dd>
${student.college ? `<dt>${t.college}</dt><dd>${esc(student.college)}</dd>\n` : ''}<dt>${t.payee}</dt><dd id="payee">${esc(payee)}</dd>
</dl>
<div class="items">
<table id="items">
<thead><tr><th>${t.code}</th><th>${t.name}</th><th>${t.unit}</th><th class="num">${t.qty}</th><th class="num">${t.standard}</th><th class="num">${t.amount}</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr class="total"><td colspan="3">${t.totalWords}：<span class="words" id="total-words">${esc(amountInWords(receipt.total))}</span></td><td colspan="3" class="num">${t.totalFigures} <span id="total">${esc(formatMoney(receipt.total))}</span></td></tr></tfoot>
</table>
</div>
<section class="other" id="other-info">
<h2>${t.other}</h2>
<p>${t.method}：<span id="pay-method">${esc(method)}</span></p>
<p>${t.transaction}：<span id="transaction-id">${esc(payment?.transactionId ?? '—')}</span></p>
${payment ? `<p>${t.paidAt}：${esc(formatDateTime(payment.paidAt, timezone))}</p>\n` : ''}<p>${t.order}：${esc(receipt.orderId)}</p>
${installments}
</section>
<div class="sign"><span>${t.payeeSeal}：${esc(payee)}</span><span>${t.cashier}：<span id="cashier">${esc(t.cashierName)}</span></span></div>
</article>
<div class="actions"><button type="button" id="print">${t.print}</button><button type="button" class="secondary" id="download-pdf">${t.pdf}</button></div>
<p class="hint">${esc(t.pdfHint)}</p>
<script>${RECEIPT_SCRIPT}</script>`;
}

export function receiptTitle(view: ReceiptView, lang: Lang, branding: Branding = DEMO_BRANDING): string {
  const sandbox = view.receipt.sandbox ? (lang === 'en' ? ' (sandbox)' : '（沙箱）') : '';
  return `${TEXT[lang].title}${sandbox} ${view.receipt.receiptNo} - ${branding.universityName[lang]}`;
}
