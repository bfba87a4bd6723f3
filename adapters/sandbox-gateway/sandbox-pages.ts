import { maskName, maskStudentId } from '../../src/display-mask.js';
import { formatDateTime } from '../../src/display-time.js';
import { renderReturnLinks, RETURN_LINKS_STYLE, type ReturnLink } from '../../src/http/return-links.js';
import { formatMoney, type Fen } from '../../src/money.js';

// Pure renderers for the hosted E缴通 sandbox pages: data in, HTML string out, every value escaped.
// Plain forms, no JavaScript; element ids are part of the contract with the browser tests.

export const SANDBOX_TITLE = 'E缴通 公共缴费平台（沙箱）';

export const SANDBOX_METHODS = { bank: '网银', wechat: '微信', alipay: '支付宝' } as const;
export type SandboxMethod = keyof typeof SANDBOX_METHODS;

export function isSandboxMethod(value: string): value is SandboxMethod {
  return Object.hasOwn(SANDBOX_METHODS, value);
}

export interface SandboxOrderView {
  orderId: string;
  subject: string;
  amount: Fen;
  payerName: string;
  studentId: string;
  expiresAt: number;
  /** 收款单位 (UNIVERSITY_NAME): whom the student is paying. */
  payee?: string;
}

export type SandboxNoticeKind = 'paid' | 'failed' | 'closed' | 'expired' | 'unknown' | 'out-of-step';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const esc = escapeHtml;

export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f4f7;color:#1f2933}
header{background:#c62f2f;color:#fff;padding:12px 16px}
header h1{margin:0;font-size:18px}
.sandbox{background:#fff4ce;color:#7a5b00;font-size:13px;padding:6px 16px}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:8px;padding:16px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 12px}
dl{display:grid;grid-template-columns:6em 1fr;gap:6px 8px;margin:0}
dt{color:#616e7c}dd{margin:0;word-break:break-all}
.amount{color:#c62f2f;font-weight:bold;font-size:20px}
label{display:block;margin:10px 0 4px}
input[type=tel],input[type=text]{width:100%;font-size:16px;padding:10px;border:1px solid #cbd2d9;border-radius:6px}
.choice{display:flex;align-items:center;gap:8px;padding:10px;border:1px solid #e4e7eb;border-radius:6px;margin:6px 0}
button{width:100%;font-size:16px;padding:12px;margin-top:12px;border:0;border-radius:6px;background:#c62f2f;color:#fff}
button.secondary{background:#7b8794}
.error{color:#b42318;background:#fef3f2;border-radius:6px;padding:8px 10px}
.code{font-size:24px;letter-spacing:4px;font-weight:bold}
.ok{color:#027a48;font-size:22px;font-weight:bold}.fail{color:#b42318;font-size:22px;font-weight:bold}
.steps{display:flex;gap:4px;font-size:12px;color:#9aa5b1;margin-bottom:12px}.steps span{flex:1;text-align:center;border-bottom:3px solid #e4e7eb;padding-bottom:4px}
.steps .on{color:#c62f2f;border-color:#c62f2f}
footer{max-width:480px;margin:0 auto;padding:0 16px 24px;text-align:right;font-size:14px}
a{color:#1d5fbf}
header .payee{margin:2px 0 0;font-size:14px;opacity:.9}
${RETURN_LINKS_STYLE}`;

function layout(title: string, body: string, payee?: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(payee ? `${title} - ${payee}` : title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(SANDBOX_TITLE)}</h1>${payee ? `<p class="payee" id="payee-header">收款单位：${esc(payee)}</p>` : ''}</header>
<div class="sandbox">沙箱环境：仅供测试与演示，不会发生真实扣款。</div>
<main>
${body}
</main>
<footer><a href="/sandbox-gateway/help">【支付流程说明】</a></footer>
</body>
</html>`;
}

function summary(order: SandboxOrderView, timeZone = 'Asia/Shanghai'): string {
  return `<section class="card" id="order-summary">
<h2>订单信息</h2>
<dl>
${order.payee ? `<dt>收款单位</dt><dd id="order-payee">${esc(order.payee)}</dd>\n` : ''}<dt>缴费项目</dt><dd id="order-subject">${esc(order.subject)}</dd>
<dt>金额</dt><dd class="amount" id="order-amount">${esc(formatMoney(order.amount))}</dd>
<dt>缴费人</dt><dd id="order-payer">${esc(maskName(order.payerName))}（${esc(maskStudentId(order.studentId))}）</dd>
<dt>订单号</dt><dd id="order-id">${esc(order.orderId)}</dd>
<dt>有效期至</dt><dd>${esc(formatDateTime(order.expiresAt, timeZone))}</dd>
</dl>
</section>`;
}

const STEP_NAMES = ['手机验证', '输入验证码', '支付方式', '网上银行'];

function steps(current: number): string {
  return `<div class="steps">${STEP_NAMES.map((name, i) => `<span${i === current ? ' class="on"' : ''}>${i + 1}. ${name}</span>`).join('')}</div>`;
}

function errorBox(error: string | undefined): string {
  return error ? `<p class="error" id="error" role="alert">${esc(error)}</p>` : '';
}

function action(orderId: string, step: string): string {
  return esc(`/sandbox-gateway/pay/${encodeURIComponent(orderId)}/${step}`);
}

/** Step 1: order summary and phone verification. */
export function renderPayPage(order: SandboxOrderView, opts: { error?: string; phone?: string } = {}): string {
  return layout(SANDBOX_TITLE, `${summary(order)}
<section class="card">
${steps(0)}
<h2>手机验证</h2>
${errorBox(opts.error)}
<form method="post" action="${action(order.orderId, 'phone')}">
<label for="phone">手机号</label>
<input id="phone" name="phone" type="tel" inputmode="numeric" maxlength="11" autocomplete="tel" placeholder="请输入11位手机号" value="${esc(opts.phone ?? '')}">
<button id="send-code" type="submit">获取验证码</button>
</form>
</section>`, order.payee);
}

/** Step 2: the "SMS" code, shown on the page because the sandbox sends no SMS. */
export function renderCodePage(order: SandboxOrderView, opts: { maskedPhone: string; smsCode: string; error?: string }): string {
  return layout(SANDBOX_TITLE, `${summary(order)}
<section class="card">
${steps(1)}
<h2>输入验证码</h2>
<p>验证码已发送至 ${esc(opts.maskedPhone)}。</p>
<p>沙箱验证码：<span id="sandbox-sms-code" class="code">${esc(opts.smsCode)}</span></p>
${errorBox(opts.error)}
<form method="post" action="${action(order.orderId, 'code')}">
<label for="sms-code">验证码</label>
<input id="sms-code" name="code" type="text" inputmode="numeric" maxlength="6" autocomplete="one-time-code" placeholder="请输入6位验证码">
<button id="verify-code" type="submit">下一步</button>
</form>
<p><a href="/sandbox-gateway/pay/${esc(encodeURIComponent(order.orderId))}">重新获取验证码</a></p>
</section>`, order.payee);
}

/** Step 3: payment method and agreement. */
export function renderMethodPage(order: SandboxOrderView, opts: { method?: string; error?: string } = {}): string {
  const choices = Object.entries(SANDBOX_METHODS)
    .map(([value, label]) => `<label class="choice"><input type="radio" name="method" value="${esc(value)}"${opts.method === value ? ' checked' : ''}> ${esc(label)}</label>`)
    .join('\n');
  return layout(SANDBOX_TITLE, `${summary(order)}
<section class="card">
${steps(2)}
<h2>选择支付方式</h2>
${errorBox(opts.error)}
<form method="post" action="${action(order.orderId, 'method')}">
${choices}
<details><summary>《E缴通公共缴费服务协议》</summary>
<p>本平台为沙箱演示环境，所示金额仅用于测试，不会发生真实扣款。缴费人应核对缴费项目与金额，确认无误后再进行支付。</p>
</details>
<label class="choice" for="agree"><input type="checkbox" id="agree" name="agree" value="on"> 我已阅读并同意《E缴通公共缴费服务协议》</label>
<button id="next" type="submit">确认无误，下一步</button>
</form>
</section>`, order.payee);
}

/** Step 4: the pretend online bank. */
export function renderBankPage(order: SandboxOrderView, opts: { method: SandboxMethod }): string {
  return layout(`网上银行（沙箱） - ${SANDBOX_TITLE}`, `<section class="card">
${steps(3)}
<h2>网上银行（沙箱）</h2>
<dl>
<dt>缴费项目</dt><dd>${esc(order.subject)}</dd>
<dt>支付金额</dt><dd class="amount" id="bank-amount">${esc(formatMoney(order.amount))}</dd>
<dt>支付方式</dt><dd id="bank-method">${esc(SANDBOX_METHODS[opts.method])}</dd>
<dt>订单号</dt><dd>${esc(order.orderId)}</dd>
</dl>
<form method="post" action="${action(order.orderId, 'bank/pay')}">
<button id="bank-pay" type="submit">支付</button>
</form>
<form method="post" action="${action(order.orderId, 'bank/fail')}">
<button id="bank-fail" type="submit" class="secondary">支付失败</button>
</form>
</section>`, order.payee);
}

/** After the bank step: success or failure, and the way back to the conversation. */
export function renderResultPage(order: SandboxOrderView, opts: { outcome: 'paid' | 'failed'; transactionId: string; links?: readonly ReturnLink[] }): string {
  const body = opts.outcome === 'paid'
    ? `<p id="pay-result" class="ok">支付成功</p>
<p>已支付 ${esc(formatMoney(order.amount))}，交易流水号 <span id="transaction-id">${esc(opts.transactionId)}</span>。</p>
<p>请返回缴费对话，点击【付款已成功】完成本次网上缴费操作；财政电子票据将随后开具。</p>`
    : `<p id="pay-result" class="fail">支付失败</p>
<p>本次支付未完成，未发生扣款。</p>
<p>请返回缴费对话重新发起网上缴费；如有疑问，可点击【付款出现问题】获取帮助。</p>`;
  return layout(SANDBOX_TITLE, `<section class="card">${body}
${renderReturnLinks(opts.links ?? [])}</section>`, order.payee);
}

const NOTICES: Record<SandboxNoticeKind, { heading: string; text: string }> = {
  paid: { heading: '该订单已支付', text: '无需重复支付。请返回缴费对话，点击【付款已成功】完成本次网上缴费操作。' },
  failed: { heading: '该订单支付失败', text: '本订单已不能继续支付。请返回缴费对话 重新发起网上缴费。' },
  closed: { heading: '该订单已关闭', text: '本订单已关闭，不能继续支付。请返回缴费对话 重新发起网上缴费。' },
  expired: { heading: '该订单已过期', text: '本订单已超过支付有效期，不能继续支付。请返回缴费对话 重新发起网上缴费。' },
  unknown: { heading: '订单不存在', text: '未找到该订单，请检查链接是否完整，或返回缴费对话 重新发起网上缴费。' },
  'out-of-step': { heading: '请按步骤操作', text: '上一步尚未完成或页面已过期，请从手机验证重新开始。' },
};

/** A terminal or out-of-step order: a clear message and no pay form. */
export function renderNoticePage(kind: SandboxNoticeKind, order?: SandboxOrderView, links: readonly ReturnLink[] = []): string {
  const notice = NOTICES[kind];
  const restart = kind === 'out-of-step' && order
    ? `<p><a href="/sandbox-gateway/pay/${esc(encodeURIComponent(order.orderId))}">重新开始</a></p>`
    : '';
  return layout(`${notice.heading} - ${SANDBOX_TITLE}`, `${order ? summary(order) : ''}
<section class="card" id="order-notice" data-kind="${esc(kind)}">
<h2>${esc(notice.heading)}</h2>
<p>${esc(notice.text)}</p>
${restart}
${kind === 'out-of-step' ? '' : renderReturnLinks(links)}
</section>`, order?.payee);
}

/** 【支付流程说明】 */
export function renderHelpPage(): string {
  return layout(`支付流程说明 - ${SANDBOX_TITLE}`, `<section class="card">
<h2>支付流程说明</h2>
<ol>
<li>手机验证：输入11位手机号，点击【获取验证码】。</li>
<li>输入手机上获取的验证码（沙箱环境直接在页面上显示验证码），点击【下一步】。</li>
<li>选择支付方式（网银、微信或支付宝），阅读并勾选相关协议，点击【确认无误，下一步】。</li>
<li>在网上银行页面点击【支付】完成缴费（沙箱环境可点击【支付失败】模拟失败）。</li>
<li>缴费成功后，返回缴费对话，点击【付款已成功】完成本次网上缴费操作；若付款出现问题，点击【付款出现问题】。</li>
</ol>
<p>订单超过有效期后不能继续支付，请返回缴费对话 重新发起网上缴费。</p>
</section>`);
}
