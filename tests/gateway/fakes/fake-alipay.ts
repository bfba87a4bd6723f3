import { createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fenToYuan, formatBeijingTime, yuanToFen } from '../../../adapters/alipay/alipay-amount.js';

// An Alipay OpenAPI gateway (gateway.do) of our own: it verifies the app's RSA2 request signature
// (every parameter but `sign`, sorted, `k=v&…`), answers `{ "<method>_response": {…}, "sign": … }`
// signed with the Alipay key over the response object's exact text, sends form-encoded trade
// notifications signed the same way (without sign and sign_type), and resends until it reads `success`.

export interface FakeAlipayOptions {
  appId: string;
  sellerId: string;
  appPublicKey: KeyObject;
  alipayPrivateKey: KeyObject;
  clock: () => number;
  retryScheduleMs?: number[];
}

interface Trade {
  outTradeNo: string;
  totalFen: number;
  subject: string;
  notifyUrl: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  tradeNo?: string;
  paidAt?: number;
  qrCode: string;
  expiresAt: number;
  refunds: Map<string, number>;
}

export interface AlipayDelivery {
  rawBody: string;
  answerStatus: number;
  answerBody: string;
}

function signText(key: KeyObject, text: string): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}

export function signedContent(fields: Record<string, string>, omit: string[]): string {
  return Object.keys(fields).filter((k) => !omit.includes(k) && fields[k] !== '').sort().map((k) => `${k}=${fields[k]}`).join('&');
}

export function createFakeAlipay(options: FakeAlipayOptions) {
  const trades = new Map<string, Trade>();
  const deliveries: AlipayDelivery[] = [];
  const injected: Record<string, unknown>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  let server: Server | null = null;

  function respond(res: ServerResponse, method: string, inner: Record<string, unknown>): void {
    const key = `${method.replaceAll('.', '_')}_response`;
    const text = JSON.stringify(inner);
    const body = inner.code === '10000' || !inner.sub_code?.toString().startsWith('isv.')
      ? `{"${key}":${text},"sign":"${signText(options.alipayPrivateKey, text)}"}`
      : `{"${key}":${text}}`;
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', trace_id: `T${++sequence}` });
    res.end(body);
  }

  const fail = (sub_code: string, sub_msg: string) => ({ code: '40004', msg: 'Business Failed', sub_code, sub_msg });

  function tradeView(t: Trade) {
    return {
      code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, trade_status: t.status, total_amount: fenToYuan(t.totalFen),
      ...(t.tradeNo ? { trade_no: t.tradeNo, buyer_logon_id: 'stu***@example.com', send_pay_date: formatBeijingTime(t.paidAt!), buyer_pay_amount: fenToYuan(t.totalFen) } : {}),
    };
  }

  function handle(method: string, biz: Record<string, unknown>, params: Record<string, string>): Record<string, unknown> {
    const t = trades.get(String(biz.out_trade_no ?? ''));
    switch (method) {
      case 'alipay.trade.precreate': {
        const total = yuanToFen(String(biz.total_amount));
        if (total === null || total <= 0) return fail('ACQ.INVALID_PARAMETER', '参数无效');
        if (t) {
          if (t.totalFen !== total) return fail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
          if (t.status !== 'WAIT_BUYER_PAY') return fail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
          return { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, qr_code: t.qrCode };
        }
        const minutes = Number(/^(\d+)m$/.exec(String(biz.timeout_express ?? '90m'))?.[1] ?? 90);
        const trade: Trade = {
          outTradeNo: String(biz.out_trade_no), totalFen: total, subject: String(biz.subject), notifyUrl: params.notify_url ?? '',
          status: 'WAIT_BUYER_PAY', qrCode: `https://qr.alipay.com/bax0${randomBytes(8).toString('hex')}`, expiresAt: options.clock() + minutes * 60_000, refunds: new Map(),
        };
        trades.set(trade.outTradeNo, trade);
        return { code: '10000', msg: 'Success', out_trade_no: trade.outTradeNo, qr_code: trade.qrCode };
      }
      case 'alipay.trade.query':
        return t ? tradeView(t) : fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
      case 'alipay.trade.close':
        if (!t) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
        if (t.status !== 'WAIT_BUYER_PAY') return fail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
        t.status = 'TRADE_CLOSED';
        return { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo };
      case 'alipay.trade.refund': {
        if (!t || !t.tradeNo) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
        const requestNo = String(biz.out_request_no ?? t.outTradeNo);
        const amount = yuanToFen(String(biz.refund_amount));
        if (amount === null || amount <= 0) return fail('ACQ.INVALID_PARAMETER', '参数无效');
        const already = [...t.refunds.values()].reduce((s, v) => s + v, 0);
        const prior = t.refunds.get(requestNo);
        if (prior !== undefined) {
          if (prior !== amount) return fail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额与原请求不一致');
          return { code: '10000', msg: 'Success', trade_no: t.tradeNo, out_trade_no: t.outTradeNo, fund_change: 'N', refund_fee: fenToYuan(already) };
        }
        if (already + amount > t.totalFen) return fail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
        t.refunds.set(requestNo, amount);
        if (already + amount === t.totalFen) t.status = 'TRADE_CLOSED';
        return { code: '10000', msg: 'Success', trade_no: t.tradeNo, out_trade_no: t.outTradeNo, fund_change: 'Y', refund_fee: fenToYuan(already + amount) };
      }
      case 'alipay.trade.fastpay.refund.query': {
        if (!t) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
        const amount = t.refunds.get(String(biz.out_request_no));
        // Alipay answers 10000 without refund_status when no such refund succeeded.
        return amount === undefined
          ? { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, out_request_no: biz.out_request_no }
          : { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, out_request_no: biz.out_request_no, refund_amount: fenToYuan(amount), total_amount: fenToYuan(t.totalFen), refund_status: 'REFUND_SUCCESS' };
      }
      default:
        return { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' };
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const params: Record<string, string> = { ...Object.fromEntries(url.searchParams.entries()), ...Object.fromEntries(new URLSearchParams(raw).entries()) };
    const method = params.method ?? 'unknown';
    if (params.app_id !== options.appId) return respond(res, method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-app-id', sub_msg: '无效的AppID参数' });
    const ok = createVerify('RSA-SHA256').update(signedContent(params, ['sign']), 'utf8').verify(options.appPublicKey, params.sign ?? '', 'base64');
    if (!ok) return respond(res, method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' });
    const fault = injected.shift();
    if (fault) return respond(res, method, fault);
    return respond(res, method, handle(method, JSON.parse(params.biz_content ?? '{}') as Record<string, unknown>, params));
  }

  function notificationFields(t: Trade, extra: Record<string, string> = {}): string {
    const fields: Record<string, string> = {
      gmt_create: formatBeijingTime(t.paidAt! - 5_000), charset: 'utf-8', seller_email: 'finance@example.edu.cn', subject: t.subject,
      buyer_id: '2088102122524333', invoice_amount: fenToYuan(t.totalFen), notify_id: `2026${randomBytes(8).toString('hex')}`,
      fund_bill_list: JSON.stringify([{ amount: fenToYuan(t.totalFen), fundChannel: 'ALIPAYACCOUNT' }]), notify_type: 'trade_status_sync',
      trade_status: t.status === 'TRADE_CLOSED' ? 'TRADE_CLOSED' : 'TRADE_SUCCESS', receipt_amount: fenToYuan(t.totalFen), app_id: options.appId,
      buyer_pay_amount: fenToYuan(t.totalFen), sign_type: 'RSA2', seller_id: options.sellerId, gmt_payment: formatBeijingTime(t.paidAt!),
      notify_time: formatBeijingTime(options.clock()), version: '1.0', out_trade_no: t.outTradeNo, total_amount: fenToYuan(t.totalFen),
      trade_no: t.tradeNo!, auth_app_id: options.appId, buyer_logon_id: 'stu***@example.com', point_amount: '0.00', ...extra,
    };
    fields.sign = signText(options.alipayPrivateKey, signedContent(fields, ['sign', 'sign_type']));
    return new URLSearchParams(fields).toString();
  }

  function deliver(url: string, rawBody: string, attempt = 0): Promise<AlipayDelivery> {
    return new Promise((resolve) => {
      void (async () => {
        let answerStatus = 0;
        let answerBody = '';
        try {
          const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: rawBody });
          answerStatus = r.status;
          answerBody = await r.text();
        } catch {
          answerStatus = 0;
        }
        const d = { rawBody, answerStatus, answerBody };
        deliveries.push(d);
        const schedule = options.retryScheduleMs ?? [];
        if (answerBody === 'success' || attempt >= schedule.length) return resolve(d);
        const t = setTimeout(() => {
          timers.delete(t);
          void deliver(url, rawBody, attempt + 1).then(resolve);
        }, schedule[attempt]);
        timers.add(t);
      })();
    });
  }

  return {
    trades, deliveries,
    async start(): Promise<string> {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => void route(req, res, Buffer.concat(chunks).toString('utf8')));
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/gateway.do`;
    },
    async stop(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    /** The next answer is this one (e.g. `{ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' }`). */
    failNext(answer: Record<string, unknown>) {
      injected.push(answer);
    },
    /** The payer scans and pays; returns the signed notification (form body) without sending it. */
    pay(outTradeNo: string): { rawBody: string; headers: Record<string, string> } {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`fake alipay: no trade ${outTradeNo}`);
      if (t.status !== 'WAIT_BUYER_PAY') throw new Error(`fake alipay: trade ${outTradeNo} is ${t.status}`);
      if (t.expiresAt <= options.clock()) throw new Error(`fake alipay: trade ${outTradeNo} expired`);
      t.status = 'TRADE_SUCCESS';
      t.tradeNo = `2026${Date.now()}${++sequence}`.slice(0, 28);
      t.paidAt = options.clock();
      return { rawBody: notificationFields(t), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
    },
    /** Sends a notification made earlier (e.g. by `pay`) to the trade's notify_url, resending until `success`. */
    notify(outTradeNo: string, rawBody: string): Promise<AlipayDelivery> {
      return deliver(trades.get(outTradeNo)!.notifyUrl, rawBody);
    },
    payAndNotify(outTradeNo: string): Promise<AlipayDelivery> {
      const { rawBody } = this.pay(outTradeNo);
      return deliver(trades.get(outTradeNo)!.notifyUrl, rawBody);
    },
    /** A notification for `outTradeNo` with fields changed after signing (tampered) or signed with `key` (forged). */
    notificationFor(outTradeNo: string, extra: Record<string, string> = {}): string {
      return notificationFields(trades.get(outTradeNo)!, extra);
    },
  };
}

export type FakeAlipay = ReturnType<typeof createFakeAlipay>;
