import { z } from 'zod';
import { GatewayError, ValidationError } from '../../src/errors.js';
import type {
  GatewayNotification, GatewayOrder, GatewayOrderInput, GatewayOrderState, NotificationResult, PaymentGateway, RefundInput, RefundState,
} from '../../src/ports/gateway.port.js';
import type { WechatpayConfig } from './wechatpay-config.js';
import { decryptResource, jsapiPayParams, verifySigned } from './wechatpay-crypto.js';
import { createWechatpayTransport, errorCode, failure, type WechatpayRequest, type WechatpayResponse } from './wechatpay-transport.js';

export const WECHATPAY_GATEWAY_NAME = 'wechatpay';

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** RFC 3339 in Beijing time, as WeChat Pay writes it: 2026-09-01T10:30:00+08:00. */
export function rfc3339Beijing(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const transactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_state: z.enum(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']),
  success_time: z.string().optional(),
  amount: z.object({ total: z.number().int().positive().optional(), payer_total: z.number().int().optional() }).optional(),
});

const refundSchema = z.object({
  out_refund_no: z.string(),
  refund_id: z.string().optional(),
  status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']),
});

const refundResourceSchema = z.object({
  mchid: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string().optional(),
  refund_status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']),
  amount: z.object({ refund: z.number().int().positive() }),
});

const notificationSchema = z.object({
  id: z.string(),
  event_type: z.string(),
  resource: z.object({ algorithm: z.string(), ciphertext: z.string(), associated_data: z.string().optional(), nonce: z.string() }),
});

function mapRefund(status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL', refundId?: string): RefundState {
  const id = refundId ? { gatewayRefundId: refundId } : {};
  // ABNORMAL (the payer's card was closed, …) needs a person: treat it as failed so staff see it again.
  if (status === 'SUCCESS') return { status: 'succeeded', ...id };
  if (status === 'PROCESSING') return { status: 'pending', ...id };
  return { status: 'failed', ...id };
}

export interface WechatpayGateway extends PaymentGateway {
  /** A JSAPI order for a payer inside WeChat (openid from the OA's web authorisation) → WeixinJSBridge params. */
  createJsapiOrder(input: GatewayOrderInput, openid: string): Promise<ReturnType<typeof jsapiPayParams>>;
}

export function createWechatpayGateway(config: WechatpayConfig, deps: { fetch?: typeof fetch; clock: () => number }): WechatpayGateway {
  const request: WechatpayRequest = createWechatpayTransport(config, deps);
  const { clock } = deps;

  function orderBody(input: GatewayOrderInput) {
    if (!OUT_TRADE_NO.test(input.orderId)) throw new GatewayError(`wechatpay: out_trade_no must be 6-32 of [0-9A-Za-z_-|*]: ${input.orderId}`, false);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new GatewayError('wechatpay: amount must be positive fen', false);
    return {
      appid: config.appId,
      mchid: config.mchid,
      description: [...input.subject].slice(0, 127).join(''),
      out_trade_no: input.orderId,
      time_expire: rfc3339Beijing(input.expiresAt),
      notify_url: config.notifyUrl,
      amount: { total: input.amount, currency: 'CNY' },
    };
  }

  function expectOk(what: string, res: WechatpayResponse): Record<string, unknown> {
    if (res.status < 200 || res.status >= 300 || !res.body) throw failure(what, res);
    return res.body;
  }

  function paymentFromTransaction(raw: unknown): GatewayOrderState {
    const t = transactionSchema.safeParse(raw);
    if (!t.success) throw new GatewayError('wechatpay: transaction answer has an unexpected shape', true);
    if (t.data.mchid !== config.mchid || t.data.appid !== config.appId) throw new GatewayError('wechatpay: transaction belongs to another merchant/app', false);
    switch (t.data.trade_state) {
      case 'SUCCESS':
      case 'REFUND': {
        // REFUND: it was paid (and some of it refunded since); the payment itself stands.
        const total = t.data.amount?.total;
        if (!t.data.transaction_id || !total || !t.data.success_time) throw new GatewayError('wechatpay: paid transaction lacks its details', true);
        return { status: 'paid', transactionId: t.data.transaction_id, amount: total, paidAt: Date.parse(t.data.success_time), gateway: WECHATPAY_GATEWAY_NAME };
      }
      case 'NOTPAY':
      case 'USERPAYING':
        return { status: 'pending' };
      case 'CLOSED':
      case 'REVOKED':
        return { status: 'closed' };
      case 'PAYERROR':
        return { status: 'failed' };
    }
  }

  return {
    name: WECHATPAY_GATEWAY_NAME,

    // Native: the code_url is what the QR encodes; WeChat answers the same for a repeated identical order.
    async createOrder(input) {
      const res = await request('POST', '/v3/pay/transactions/native', orderBody(input));
      const codeUrl = expectOk('native order', res).code_url;
      if (typeof codeUrl !== 'string' || !codeUrl.startsWith('weixin://')) throw new GatewayError('wechatpay: native order answer lacks code_url', true);
      return { payUrl: codeUrl, qrPayload: codeUrl } satisfies GatewayOrder;
    },

    async createJsapiOrder(input, openid) {
      if (!/^[0-9A-Za-z_-]{8,128}$/.test(openid)) throw new ValidationError('wechatpay: bad openid');
      const res = await request('POST', '/v3/pay/transactions/jsapi', { ...orderBody(input), payer: { openid } });
      const prepayId = expectOk('jsapi order', res).prepay_id;
      if (typeof prepayId !== 'string') throw new GatewayError('wechatpay: jsapi answer lacks prepay_id', true);
      return jsapiPayParams(config.appId, prepayId, config.privateKey, Math.floor(clock() / 1000));
    },

    async queryOrder(orderId) {
      if (!OUT_TRADE_NO.test(orderId)) return { status: 'unknown' };
      const res = await request('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderId)}?mchid=${config.mchid}`);
      if (res.status === 404 || errorCode(res) === 'ORDER_NOT_EXIST' || errorCode(res) === 'ORDERNOTEXIST') return { status: 'unknown' };
      return paymentFromTransaction(expectOk('query', res));
    },

    async closeOrder(orderId) {
      if (!OUT_TRADE_NO.test(orderId)) return;
      const res = await request('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderId)}/close`, { mchid: config.mchid });
      if (res.status === 204 || res.status === 200) return;
      // Already closed, paid or never created: nothing to close; the query that follows tells the truth.
      const code = errorCode(res);
      if (res.status === 404 || code === 'ORDER_CLOSED' || code === 'ORDERPAID' || code === 'ORDER_NOT_EXIST' || code === 'ORDERNOTEXIST') return;
      throw failure('close', res);
    },

    async refund(input: RefundInput) {
      const res = await request('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: input.orderId,
        out_refund_no: input.refundNo,
        reason: [...input.reason].slice(0, 80).join(''),
        notify_url: config.notifyUrl,
        amount: { refund: input.amount, total: input.paymentTotal, currency: 'CNY' },
      });
      const r = refundSchema.safeParse(expectOk('refund', res));
      if (!r.success) throw new GatewayError('wechatpay: refund answer has an unexpected shape', true);
      return mapRefund(r.data.status, r.data.refund_id);
    },

    async queryRefund(refundNo) {
      const res = await request('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(refundNo)}`);
      if (res.status === 404 || errorCode(res) === 'RESOURCE_NOT_EXISTS') return { status: 'unknown' };
      const r = refundSchema.safeParse(expectOk('refund query', res));
      if (!r.success) throw new GatewayError('wechatpay: refund query answer has an unexpected shape', true);
      return mapRefund(r.data.status, r.data.refund_id);
    },

    verifyNotification(rawBody, headers, now): GatewayNotification {
      verifySigned(config.verifyKeys, rawBody, headers, now);
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw new ValidationError('wechatpay notification is not JSON');
      }
      const n = notificationSchema.safeParse(body);
      if (!n.success) throw new ValidationError('wechatpay notification has a bad shape');
      const plain = JSON.parse(decryptResource(config.apiV3Key, n.data.resource)) as unknown;
      if (n.data.event_type === 'TRANSACTION.SUCCESS') {
        const state = paymentFromTransaction(plain);
        if (state.status !== 'paid') return { kind: 'ignored', reason: `transaction ${state.status}` };
        const orderId = (plain as { out_trade_no: string }).out_trade_no;
        return { kind: 'payment', payment: { transactionId: state.transactionId, orderId, amount: state.amount, status: 'paid', paidAt: state.paidAt, gateway: WECHATPAY_GATEWAY_NAME } };
      }
      if (n.data.event_type.startsWith('REFUND.')) {
        const r = refundResourceSchema.safeParse(plain);
        if (!r.success || r.data.mchid !== config.mchid) throw new ValidationError('wechatpay refund notification has a bad resource');
        const mapped = mapRefund(r.data.refund_status);
        if (mapped.status === 'pending' || mapped.status === 'unknown') return { kind: 'ignored', reason: 'refund still processing' };
        return { kind: 'refund', refund: { refundNo: r.data.out_refund_no, status: mapped.status, amount: r.data.amount.refund } };
      }
      return { kind: 'ignored', reason: `event ${n.data.event_type}` };
    },

    // 204 with no body is success; a 4xx/5xx with a FAIL JSON makes WeChat Pay resend (15 s … 24 h).
    answerNotification(result: NotificationResult) {
      if (result.ok) return { status: 204, contentType: 'text/plain', body: '' };
      return { status: result.status >= 400 ? result.status : 500, contentType: 'application/json', body: JSON.stringify({ code: 'FAIL', message: result.message.slice(0, 100) }) };
    },
  };
}
