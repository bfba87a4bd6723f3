import { createCipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A WeChat Pay APIv3 merchant API of our own, speaking its wire format: it checks the merchant's
// WECHATPAY2-SHA256-RSA2048 Authorization, signs every answer with the platform key (public key
// mode: serial PUB_KEY_ID_…; certificate mode: the certificate's serial), encrypts notifications
// with AEAD_AES_256_GCM under the APIv3 key, resends unanswered notifications, and answers errors
// the way the real one does ({ code, message } with 4xx/5xx).

export interface FakeWechatpayOptions {
  mchid: string;
  appId: string;
  merchantSerialNo: string;
  merchantPublicKey: KeyObject;
  platformPrivateKey: KeyObject;
  /** What goes into Wechatpay-Serial. */
  platformSerial: string;
  apiV3Key: string;
  clock: () => number;
  /** Delays between notification attempts (the real schedule is 15 s, 15 s, 30 s, 3 min, …). */
  retryScheduleMs?: number[];
}

interface Order {
  body: Record<string, unknown>;
  kind: 'native' | 'jsapi';
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  paidAmount?: number;
  successTime?: string;
  codeUrl: string;
  prepayId: string;
}

interface Refund {
  body: Record<string, unknown>;
  refundId: string;
  status: 'PROCESSING' | 'SUCCESS' | 'ABNORMAL';
}

export interface Delivery {
  rawBody: string;
  headers: Record<string, string>;
  answerStatus: number;
  answerBody: string;
}

export function createFakeWechatpay(options: FakeWechatpayOptions) {
  const orders = new Map<string, Order>();
  const refunds = new Map<string, Refund>();
  const deliveries: Delivery[] = [];
  const requests: string[] = [];
  const injected: { status: number; code: string }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  let server: Server | null = null;
  let probeNext = false;

  function sign(body: string, at = options.clock(), serial = options.platformSerial) {
    const timestamp = String(Math.floor(at / 1000));
    const nonce = randomBytes(16).toString('hex');
    let signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(options.platformPrivateKey, 'base64');
    if (probeNext) {
      // The signature probe: WeChat Pay replaces the signature to check that merchants verify.
      signature = `WECHATPAY/SIGNTEST/${signature.slice(19)}`;
      probeNext = false;
    }
    return {
      'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature,
      'wechatpay-serial': serial, 'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048', 'request-id': `REQ${++sequence}`,
    };
  }

  function answer(res: ServerResponse, status: number, body?: unknown): void {
    const raw = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...sign(raw) });
    res.end(raw);
  }

  function checkAuthorization(req: IncomingMessage, raw: string): string | null {
    const header = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
    if (!m) return 'missing Authorization';
    const fields = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (fields.mchid !== options.mchid) return 'mchid mismatch';
    if (fields.serial_no !== options.merchantSerialNo) return 'serial_no mismatch';
    if (Math.abs(Number(fields.timestamp) - Math.floor(options.clock() / 1000)) > 300) return 'timestamp expired';
    const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${raw}\n`;
    if (!createVerify('RSA-SHA256').update(message).verify(options.merchantPublicKey, fields.signature ?? '', 'base64')) return 'signature mismatch';
    return null;
  }

  function transaction(outTradeNo: string, o: Order) {
    return {
      appid: o.body.appid, mchid: o.body.mchid, out_trade_no: outTradeNo, trade_state: o.state,
      trade_state_desc: o.state, trade_type: o.kind === 'native' ? 'NATIVE' : 'JSAPI',
      ...(o.transactionId ? { transaction_id: o.transactionId, success_time: o.successTime, bank_type: 'OTHERS', payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } : {}),
      amount: { total: o.paidAmount ?? (o.body.amount as { total: number }).total, currency: 'CNY', ...(o.paidAmount ? { payer_total: o.paidAmount, payer_currency: 'CNY' } : {}) },
    };
  }

  function encrypt(plain: unknown, associated: string) {
    const nonce = randomBytes(6).toString('hex'); // 12 characters, as WeChat Pay sends
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(options.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associated, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associated, original_type: associated, nonce };
  }

  function notification(eventType: string, summary: string, plain: unknown, originalType: string): string {
    return JSON.stringify({
      id: `EV-${++sequence}`, create_time: new Date(options.clock()).toISOString(), resource_type: 'encrypt-resource',
      event_type: eventType, summary, resource: encrypt(plain, originalType),
    });
  }

  /** POSTs to notify_url until answered 200/204, following the retry schedule. */
  function deliver(url: string, rawBody: string, attempt = 0): Promise<Delivery> {
    return new Promise((resolve) => {
      const run = async () => {
        const headers = { 'content-type': 'application/json', ...sign(rawBody) };
        let answerStatus = 0;
        let answerBody = '';
        try {
          const res = await fetch(url, { method: 'POST', headers, body: rawBody });
          answerStatus = res.status;
          answerBody = await res.text();
        } catch {
          answerStatus = 0;
        }
        const d = { rawBody, headers, answerStatus, answerBody };
        deliveries.push(d);
        const schedule = options.retryScheduleMs ?? [];
        if ((answerStatus === 200 || answerStatus === 204) || attempt >= schedule.length) resolve(d);
        else {
          const t = setTimeout(() => {
            timers.delete(t);
            void deliver(url, rawBody, attempt + 1).then(resolve);
          }, schedule[attempt]);
          timers.add(t);
        }
      };
      void run();
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const authProblem = checkAuthorization(req, raw);
    if (authProblem) return answer(res, 401, { code: 'SIGN_ERROR', message: authProblem });
    const fault = injected.shift();
    if (fault) return answer(res, fault.status, { code: fault.code, message: '系统繁忙，请稍后重试' });
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};

    const create = /^\/v3\/pay\/transactions\/(native|jsapi)$/.exec(url.pathname);
    if (req.method === 'POST' && create) {
      const outTradeNo = String(body.out_trade_no);
      if (body.mchid !== options.mchid || body.appid !== options.appId) return answer(res, 400, { code: 'APPID_MCHID_NOT_MATCH', message: 'appid和mch_id不匹配' });
      if (!/^https:\/\/[^?]+$/.test(String(body.notify_url)) && !String(body.notify_url).startsWith('http://127.0.0.1')) return answer(res, 400, { code: 'PARAM_ERROR', message: 'notify_url 格式不正确' });
      const existing = orders.get(outTradeNo);
      if (existing) {
        if (JSON.stringify(existing.body) !== JSON.stringify(body)) return answer(res, 400, { code: 'INVALID_REQUEST', message: '201 商户订单号重复' });
        if (existing.state !== 'NOTPAY') return answer(res, 400, { code: existing.state === 'CLOSED' ? 'ORDER_CLOSED' : 'ORDERPAID', message: '订单状态不允许' });
      } else {
        orders.set(outTradeNo, { body, kind: create[1] as 'native' | 'jsapi', state: 'NOTPAY', codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('hex')}`, prepayId: `wx${randomBytes(14).toString('hex')}` });
      }
      const o = orders.get(outTradeNo)!;
      return answer(res, 200, create[1] === 'native' ? { code_url: o.codeUrl } : { prepay_id: o.prepayId });
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && query) {
      if (url.searchParams.get('mchid') !== options.mchid) return answer(res, 400, { code: 'PARAM_ERROR', message: 'mchid' });
      const o = orders.get(decodeURIComponent(query[1]!));
      if (!o) return answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      return answer(res, 200, transaction(decodeURIComponent(query[1]!), o));
    }
    const close = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(url.pathname);
    if (req.method === 'POST' && close) {
      const o = orders.get(decodeURIComponent(close[1]!));
      if (!o) return answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (o.state === 'SUCCESS' || o.state === 'REFUND') return answer(res, 400, { code: 'ORDERPAID', message: '订单已支付' });
      o.state = 'CLOSED';
      return answer(res, 204);
    }
    if (req.method === 'POST' && url.pathname === '/v3/refund/domestic/refunds') {
      const outRefundNo = String(body.out_refund_no);
      const prior = refunds.get(outRefundNo);
      if (prior) return answer(res, 200, refundView(prior));
      const o = orders.get(String(body.out_trade_no));
      const amount = body.amount as { refund: number; total: number };
      if (!o || !o.transactionId) return answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' });
      if (amount.total !== o.paidAmount) return answer(res, 400, { code: 'PARAM_ERROR', message: '订单金额与退款金额不匹配' });
      const already = [...refunds.values()].filter((r) => r.body.out_trade_no === body.out_trade_no && r.status !== 'ABNORMAL').reduce((s, r) => s + (r.body.amount as { refund: number }).refund, 0);
      if (already + amount.refund > o.paidAmount!) return answer(res, 403, { code: 'NOT_ENOUGH', message: '可退金额不足' });
      const refund: Refund = { body, refundId: `5030${++sequence}`, status: 'PROCESSING' };
      refunds.set(outRefundNo, refund);
      o.state = 'REFUND';
      return answer(res, 200, refundView(refund));
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && refundQuery) {
      const r = refunds.get(decodeURIComponent(refundQuery[1]!));
      if (!r) return answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      return answer(res, 200, refundView(r));
    }
    return answer(res, 404, { code: 'NOT_FOUND', message: 'no such API' });
  }

  function refundView(r: Refund) {
    const o = orders.get(String(r.body.out_trade_no));
    return {
      refund_id: r.refundId, out_refund_no: r.body.out_refund_no, transaction_id: o?.transactionId, out_trade_no: r.body.out_trade_no,
      channel: 'ORIGINAL', user_received_account: '招商银行信用卡0403', status: r.status, create_time: new Date(options.clock()).toISOString(),
      amount: { total: (r.body.amount as { total: number }).total, refund: (r.body.amount as { refund: number }).refund, payer_total: o?.paidAmount, payer_refund: (r.body.amount as { refund: number }).refund, currency: 'CNY' },
    };
  }

  return {
    orders, refunds, deliveries, requests,
    async start(): Promise<string> {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => void route(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => answer(res, 500, { code: 'SYSTEM_ERROR', message: String(e) })));
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    },
    async stop(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    /** The next answer from the API is this error (e.g. 500 SYSTEM_ERROR, 429 FREQUENCY_LIMITED). */
    failNext(status: number, code: string) {
      injected.push({ status, code });
    },
    /** The next signature (answer or notification) is a WECHATPAY/SIGNTEST probe. */
    probeNextSignature() {
      probeNext = true;
    },
    /** The payer pays (in WeChat); returns the signed notification without sending it. */
    pay(outTradeNo: string): { rawBody: string; headers: Record<string, string> } {
      const o = orders.get(outTradeNo);
      if (!o) throw new Error(`fake wechatpay: no order ${outTradeNo}`);
      if (o.state !== 'NOTPAY') throw new Error(`fake wechatpay: order ${outTradeNo} is ${o.state}`);
      if (Date.parse(String(o.body.time_expire)) <= options.clock()) throw new Error(`fake wechatpay: order ${outTradeNo} expired`);
      o.state = 'SUCCESS';
      o.transactionId = `42000${Date.now()}${++sequence}`.slice(0, 28);
      o.paidAmount = (o.body.amount as { total: number }).total;
      o.successTime = new Date(options.clock() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
      const rawBody = notification('TRANSACTION.SUCCESS', '支付成功', transaction(outTradeNo, o), 'transaction');
      return { rawBody, headers: { 'content-type': 'application/json', ...sign(rawBody) } };
    },
    /** Pays and delivers the notification to the order's notify_url, resending until it is accepted. */
    payAndNotify(outTradeNo: string): Promise<Delivery> {
      const { rawBody } = this.pay(outTradeNo);
      return deliver(String(orders.get(outTradeNo)!.body.notify_url), rawBody);
    },
    /** The bank finishes the PROCESSING refunds; returns each REFUND.* notification (delivered when `send`). */
    async finishRefunds(outcome: 'SUCCESS' | 'ABNORMAL' = 'SUCCESS', send = true): Promise<{ rawBody: string; headers: Record<string, string> }[]> {
      const out: { rawBody: string; headers: Record<string, string> }[] = [];
      for (const r of refunds.values()) {
        if (r.status !== 'PROCESSING') continue;
        r.status = outcome;
        const v = refundView(r);
        const rawBody = notification(`REFUND.${outcome}`, outcome === 'SUCCESS' ? '退款成功' : '退款异常', {
          mchid: options.mchid, out_trade_no: v.out_trade_no, transaction_id: v.transaction_id, out_refund_no: v.out_refund_no,
          refund_id: v.refund_id, refund_status: outcome, success_time: new Date(options.clock()).toISOString(), user_received_account: v.user_received_account,
          amount: { total: v.amount.total, refund: v.amount.refund, payer_total: v.amount.payer_total, payer_refund: v.amount.payer_refund },
        }, 'refund');
        out.push({ rawBody, headers: { 'content-type': 'application/json', ...sign(rawBody) } });
        if (send && r.body.notify_url) await deliver(String(r.body.notify_url), rawBody);
      }
      return out;
    },
    /** A notification signed at another time (stale) or with another key (forged). */
    signAt(rawBody: string, at: number) {
      return { 'content-type': 'application/json', ...sign(rawBody, at) };
    },
  };
}

export type FakeWechatpay = ReturnType<typeof createFakeWechatpay>;
