import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { GatewayError, SignatureError, ValidationError } from '../../src/errors.js';
import type {
  GatewayNotification, GatewayOrderInput, GatewayOrderState, NotificationResult, PaymentGateway, RefundInput, RefundState,
} from '../../src/ports/gateway.port.js';
import { fenToYuan, formatBeijingTime, parseBeijingTime, yuanToFen } from './alipay-amount.js';
import type { AlipayConfig } from './alipay-config.js';

export const ALIPAY_GATEWAY_NAME = 'alipay';

const MAX_NOTIFICATION_BYTES = 16 * 1024;

type Answer = Record<string, unknown> & { code: string; msg?: string; sub_code?: string; sub_msg?: string };

export interface AlipayGateway extends PaymentGateway {
  /** The phone-site payment (alipay.trade.wap.pay) as a signed GET URL the browser is sent to. */
  wapPayUrl(input: GatewayOrderInput): string;
}

export function createAlipayGateway(config: AlipayConfig, deps: { clock: () => number }): AlipayGateway {
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey: config.privateKeyPem,
    keyType: config.keyType,
    alipayPublicKey: config.alipayPublicKeyPem,
    gateway: config.gatewayUrl,
    timeout: config.timeoutMs,
    camelcase: false,
  });

  /** One OpenAPI call with the answer's signature verified; transport faults and 20000 are retryable. */
  async function call(method: string, bizContent: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Answer> {
    let answer: Answer;
    try {
      answer = (await sdk.exec(method, { bizContent, ...extra }, { validateSign: true })) as unknown as Answer;
    } catch (error) {
      const message = error instanceof AlipayRequestError ? error.message.split(', validateStr')[0]! : String(error);
      throw new GatewayError(`alipay: ${method} failed: ${message}`, true);
    }
    if (answer.code === '20000' || answer.sub_code === 'ACQ.SYSTEM_ERROR' || answer.code === '20001') {
      throw new GatewayError(`alipay: ${method} answered ${answer.code} ${answer.sub_code ?? ''}`.trim(), true);
    }
    return answer;
  }

  function businessError(method: string, a: Answer): GatewayError {
    return new GatewayError(`alipay: ${method} answered ${a.code} ${a.sub_code ?? ''} ${a.sub_msg ?? ''}`.trim(), false);
  }

  function bizOrder(input: GatewayOrderInput) {
    if (!/^[0-9A-Za-z_]{1,64}$/.test(input.orderId)) throw new GatewayError(`alipay: out_trade_no must be 1-64 of [0-9A-Za-z_]: ${input.orderId}`, false);
    return {
      out_trade_no: input.orderId,
      total_amount: fenToYuan(input.amount),
      subject: [...input.subject].slice(0, 128).join(''),
      // Minutes left until the ledger's expiry (at least 1m, Alipay's minimum).
      timeout_express: `${Math.max(1, Math.floor((input.expiresAt - deps.clock()) / 60_000))}m`,
    };
  }

  async function queryRefund(refundNo: string, orderId: string): Promise<RefundState> {
    const a = await call('alipay.trade.fastpay.refund.query', { out_trade_no: orderId, out_request_no: refundNo });
    if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { status: 'unknown' };
    if (a.code !== '10000') throw businessError('alipay.trade.fastpay.refund.query', a);
    return a.refund_status === 'REFUND_SUCCESS' ? { status: 'succeeded', gatewayRefundId: refundNo } : { status: 'unknown' };
  }

  function paidState(a: Answer): GatewayOrderState {
    const amount = yuanToFen(String(a.total_amount ?? ''));
    const paidAt = parseBeijingTime(String(a.send_pay_date ?? '')) ?? deps.clock();
    if (amount === null || typeof a.trade_no !== 'string') throw new GatewayError('alipay: paid trade lacks trade_no/total_amount', true);
    return { status: 'paid', transactionId: a.trade_no, amount, paidAt, gateway: ALIPAY_GATEWAY_NAME };
  }

  return {
    name: ALIPAY_GATEWAY_NAME,

    async createOrder(input) {
      const a = await call('alipay.trade.precreate', bizOrder(input), { notify_url: config.notifyUrl });
      if (a.code !== '10000' || typeof a.qr_code !== 'string') throw businessError('alipay.trade.precreate', a);
      return { payUrl: a.qr_code, qrPayload: a.qr_code };
    },

    wapPayUrl(input) {
      return sdk.pageExec('alipay.trade.wap.pay', 'GET', {
        bizContent: { ...bizOrder(input), product_code: 'QUICK_WAP_WAY', time_expire: formatBeijingTime(input.expiresAt) },
        notifyUrl: config.notifyUrl,
        returnUrl: config.returnUrl,
      });
    },

    async queryOrder(orderId) {
      const a = await call('alipay.trade.query', { out_trade_no: orderId });
      if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { status: 'unknown' };
      if (a.code !== '10000') throw businessError('alipay.trade.query', a);
      switch (a.trade_status) {
        case 'TRADE_SUCCESS':
        case 'TRADE_FINISHED':
          return paidState(a);
        case 'WAIT_BUYER_PAY':
          return { status: 'pending' };
        case 'TRADE_CLOSED':
          // A trade refunded in full is closed too, but it was paid: send_pay_date says so.
          return a.send_pay_date ? paidState(a) : { status: 'closed' };
        default:
          throw new GatewayError(`alipay: unknown trade_status ${String(a.trade_status)}`, true);
      }
    },

    async closeOrder(orderId) {
      const a = await call('alipay.trade.close', { out_trade_no: orderId });
      // Not there, already closed or already paid: nothing to close; the query that follows tells the truth.
      if (a.code === '10000' || a.sub_code === 'ACQ.TRADE_NOT_EXIST' || a.sub_code === 'ACQ.TRADE_STATUS_ERROR') return;
      throw businessError('alipay.trade.close', a);
    },

    async refund(input: RefundInput) {
      const a = await call('alipay.trade.refund', {
        out_trade_no: input.orderId,
        refund_amount: fenToYuan(input.amount),
        out_request_no: input.refundNo,
        refund_reason: [...input.reason].slice(0, 128).join(''),
      });
      if (a.code !== '10000') {
        if (a.sub_code === 'ACQ.SELLER_BALANCE_NOT_ENOUGH') throw new GatewayError('alipay: refund waits for the merchant balance', true);
        throw businessError('alipay.trade.refund', a);
      }
      // fund_change N on a repeat of the same out_request_no: the refund query has the final word.
      if (a.fund_change === 'Y') return { status: 'succeeded', gatewayRefundId: input.refundNo };
      return queryRefund(input.refundNo, input.orderId);
    },

    queryRefund,

    verifyNotification(rawBody, _headers, _now): GatewayNotification {
      if (rawBody.length > MAX_NOTIFICATION_BYTES) throw new ValidationError('alipay notification too large');
      const fields = Object.fromEntries(new URLSearchParams(rawBody).entries());
      // checkNotifySignV2 signs the decoded form values as they are (no second decoding).
      if (!fields.sign || !sdk.checkNotifySignV2(fields)) throw new SignatureError('alipay notification signature does not verify');
      if (fields.app_id !== config.appId) throw new ValidationError('alipay notification is for another app_id');
      if (fields.seller_id !== config.sellerId) throw new ValidationError('alipay notification is for another seller_id');
      const orderId = fields.out_trade_no;
      const amount = yuanToFen(fields.total_amount ?? '');
      if (!orderId || amount === null || !fields.trade_no) throw new ValidationError('alipay notification lacks out_trade_no/total_amount/trade_no');
      if (fields.out_biz_no && fields.gmt_refund) {
        // A refund changed the trade (partial: still TRADE_SUCCESS; full: TRADE_CLOSED).
        return { kind: 'refund', refund: { refundNo: fields.out_biz_no, status: 'succeeded', amount: yuanToFen(fields.refund_fee ?? '') ?? 0 } };
      }
      if (fields.trade_status !== 'TRADE_SUCCESS' && fields.trade_status !== 'TRADE_FINISHED') return { kind: 'ignored', reason: `trade_status ${fields.trade_status ?? ''}` };
      const paidAt = parseBeijingTime(fields.gmt_payment) ?? deps.clock();
      return { kind: 'payment', payment: { transactionId: fields.trade_no, orderId, amount, status: 'paid', paidAt, gateway: ALIPAY_GATEWAY_NAME } };
    },

    // Alipay resends (up to ~25 h) until the body is exactly `success`.
    answerNotification(result: NotificationResult) {
      return result.ok ? { status: 200, contentType: 'text/plain', body: 'success' } : { status: result.status, contentType: 'text/plain', body: 'fail' };
    },
  };
}
