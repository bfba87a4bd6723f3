import { randomBytes, randomInt } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Db } from '../../src/db/database.js';
import { cspHash } from '../../src/http/security-headers.js';
import {
  findSandboxOrder,
  saveSandboxMethod,
  saveSandboxPhone,
  settleSandboxOrder,
  verifySandboxCode,
  type SandboxOrderRow,
} from '../../src/db/repositories/sandbox-order.repository.js';
import type { PaymentNotification } from '../../src/ports/gateway.port.js';
import type { ReturnLinks } from '../../src/http/return-links.js';
import type { SandboxLogger } from './sandbox-gateway-config.js';
import type { SandboxNotifier } from './sandbox-notifier.js';
import {
  CSS,
  isSandboxMethod,
  renderBankPage,
  renderCodePage,
  renderHelpPage,
  renderMethodPage,
  renderNoticePage,
  renderPayPage,
  renderResultPage,
  type SandboxNoticeKind,
  type SandboxOrderView,
} from './sandbox-pages.js';

// The hosted E缴通 pages: phone → code → method + agreement → bank. Each POST re-reads the order,
// refuses terminal or expired orders, and advances only from the step the row says was completed.

export interface SandboxServerDeps {
  db: Db;
  clock: () => number;
  notifier: SandboxNotifier;
  logger: SandboxLogger;
  payee?: string | undefined;
  returnLinks?: ReturnLinks;
}

const PHONE_PATTERN = /^1\d{10}$/;

const SECURITY_HEADERS: Record<string, string> = {
  // The code page shows the "SMS" code: keep it out of caches and referrers.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': `default-src 'none'; style-src ${cspHash(CSS)}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
};


/** Why this order cannot be paid right now, or null when it can. */
function blocker(row: SandboxOrderRow, now: number): SandboxNoticeKind | null {
  if (row.status !== 'pending') return row.status;
  return now >= row.expires_at ? 'expired' : null;
}

const NOTICE_STATUS: Record<SandboxNoticeKind, 200 | 404 | 409 | 410> = {
  paid: 200, failed: 410, closed: 410, expired: 410, unknown: 404, 'out-of-step': 409,
};

function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}

/** Parses the urlencoded form once; missing fields and file uploads read as ''. */
async function readForm(c: Context): Promise<(name: string) => string> {
  const body = await c.req.parseBody();
  return (name) => {
    const value = body[name];
    return typeof value === 'string' ? value.trim() : '';
  };
}

export function createSandboxRoutes(deps: SandboxServerDeps): Hono {
  const { db, clock, notifier, logger } = deps;
  const app = new Hono();
  const links = () => deps.returnLinks?.() ?? [];
  const toView = (row: SandboxOrderRow): SandboxOrderView => ({
    orderId: row.order_id, subject: row.subject, amount: row.amount,
    payerName: row.payer_name, studentId: row.student_id, expiresAt: row.expires_at,
    ...(deps.payee ? { payee: deps.payee } : {}),
  });

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });

  const notice = (c: Context, kind: SandboxNoticeKind, row?: SandboxOrderRow) =>
    c.html(renderNoticePage(kind, row && toView(row), links()), NOTICE_STATUS[kind]);

  /** Loads the order from the path; answers with a notice page when it cannot be paid. */
  async function payable(c: Context): Promise<SandboxOrderRow | Response> {
    const orderId = c.req.param('orderId') ?? '';
    const row = orderId.length <= 40 ? await findSandboxOrder(db, orderId) : undefined;
    if (!row) return notice(c, 'unknown');
    const kind = blocker(row, clock());
    return kind ? notice(c, kind, row) : row;
  }

  /** After a lost compare-and-set: show whatever state the order is really in now. */
  async function reloadNotice(c: Context, orderId: string): Promise<Response> {
    const row = await findSandboxOrder(db, orderId);
    if (!row) return notice(c, 'unknown');
    return notice(c, blocker(row, clock()) ?? 'out-of-step', row);
  }

  app.get('/help', (c) => c.html(renderHelpPage()));

  app.get('/pay/:orderId', async (c) => {
    const row = await payable(c);
    if (row instanceof Response) return row;
    return c.html(renderPayPage(toView(row)));
  });

  app.post('/pay/:orderId/phone', async (c) => {
    const row = await payable(c);
    if (row instanceof Response) return row;
    const phone = (await readForm(c))('phone').replace(/[\s-]/g, '');
    if (!PHONE_PATTERN.test(phone)) {
      return c.html(renderPayPage(toView(row), { error: '请输入正确的11位手机号', phone: phone.slice(0, 20) }), 400);
    }
    const smsCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!(await saveSandboxPhone(db, row.order_id, phone, smsCode))) return reloadNotice(c, row.order_id);
    logger.info({ orderId: row.order_id }, 'sandbox verification code issued');
    return c.html(renderCodePage(toView(row), { maskedPhone: maskPhone(phone), smsCode }));
  });

  app.post('/pay/:orderId/code', async (c) => {
    const row = await payable(c);
    if (row instanceof Response) return row;
    if (!row.phone) return notice(c, 'out-of-step', row);
    // Already verified (e.g. the form was resubmitted): carry on to the next step.
    if (row.sms_code === null) return c.html(renderMethodPage(toView(row)));
    const code = (await readForm(c))('code');
    if (!(await verifySandboxCode(db, row.order_id, code))) {
      return c.html(renderCodePage(toView(row), { maskedPhone: maskPhone(row.phone), smsCode: row.sms_code, error: '验证码错误' }), 400);
    }
    return c.html(renderMethodPage(toView(row)));
  });

  app.post('/pay/:orderId/method', async (c) => {
    const row = await payable(c);
    if (row instanceof Response) return row;
    if (!row.phone || row.sms_code !== null) return notice(c, 'out-of-step', row);
    const field = await readForm(c);
    const method = field('method');
    const agreed = field('agree') !== '';
    const problems = [
      ...(isSandboxMethod(method) ? [] : ['请选择支付方式']),
      ...(agreed ? [] : ['请阅读并勾选相关协议']),
    ];
    if (problems.length > 0 || !isSandboxMethod(method)) {
      return c.html(renderMethodPage(toView(row), { method, error: problems.join('；') }), 400);
    }
    if (!(await saveSandboxMethod(db, row.order_id, method))) return reloadNotice(c, row.order_id);
    return c.html(renderBankPage(toView(row), { method }));
  });

  async function settle(c: Context, outcome: 'paid' | 'failed'): Promise<Response> {
    const row = await payable(c);
    if (row instanceof Response) return row;
    if (!row.phone || row.sms_code !== null || !row.method) return notice(c, 'out-of-step', row);
    const at = clock();
    const transactionId = `SBX${randomBytes(12).toString('hex').toUpperCase()}`;
    // The compare-and-set decides between a double click, a close and expiry: only one wins.
    if (!(await settleSandboxOrder(db, row.order_id, { status: outcome, transactionId, at }))) {
      return reloadNotice(c, row.order_id);
    }
    logger.info({ orderId: row.order_id, transactionId, status: outcome }, 'sandbox order settled');
    const notification: PaymentNotification = { transactionId, orderId: row.order_id, amount: row.amount, status: outcome, paidAt: at };
    // Waits for the first delivery only, so feebot usually knows before the student switches back.
    await notifier.notify(row.notify_url, notification);
    return c.html(renderResultPage(toView(row), { outcome, transactionId, links: links() }));
  }

  app.post('/pay/:orderId/bank/pay', (c) => settle(c, 'paid'));
  app.post('/pay/:orderId/bank/fail', (c) => settle(c, 'failed'));

  return app;
}
