import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import { findCheckoutOrder, listCheckoutAttempts, recordCheckoutAttempt, saveCheckoutOrder } from '../../src/db/repositories/checkout.repository.js';
import { GatewayError } from '../../src/errors.js';
import type { GatewayOrderState, PaymentGateway, PaymentMethod, PayerContext, PaymentStart } from '../../src/ports/gateway.port.js';

export const CHECKOUT_GATEWAY_NAME = 'checkout';

export function checkoutToken(secret: string, orderId: string): string {
  return createHmac('sha256', secret).update(`checkout:${orderId}`).digest('base64url').slice(0, 22);
}

export function checkoutTokenValid(secret: string, orderId: string, token: string): boolean {
  const expected = Buffer.from(checkoutToken(secret, orderId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface CheckoutGateway extends PaymentGateway {
  /** Starts paying with one method: the attempt is recorded first, so expiry always closes it. */
  start(orderId: string, methodId: string, payer: PayerContext): Promise<PaymentStart>;
  /** After one gateway took the money: close the order at the others it was tried with, so it is not paid twice. */
  closeOthers(orderId: string, paidAt: string): Promise<void>;
  /** Each tried gateway's answer (the daily reconciliation compares every one). */
  queryEach(orderId: string): Promise<{ gateway: string; state: GatewayOrderState }[]>;
  readonly methods: readonly PaymentMethod[];
}

/**
 * The ledger's one gateway when real gateways are configured: the pay link opens feebot's own
 * checkout page; an order is placed at WeChat Pay or Alipay only when the payer picks a method.
 * Query and close go to every gateway the order was tried with; a paid one wins, and a second
 * payment (through another method) arrives through its own notification and is held for refund.
 */
export function createCheckoutGateway(deps: { db: Db; methods: PaymentMethod[]; publicBaseUrl: string; secret: string; clock: () => number }): CheckoutGateway {
  const { db, methods } = deps;
  const byGateway = new Map(methods.map((m) => [m.gateway.name, m.gateway]));

  async function tried(orderId: string): Promise<PaymentGateway[]> {
    return (await listCheckoutAttempts(db, orderId)).flatMap((a) => byGateway.get(a.gateway) ?? []);
  }

  async function queryEach(orderId: string) {
    const out: { gateway: string; state: GatewayOrderState }[] = [];
    for (const gateway of await tried(orderId)) {
      const state = await gateway.queryOrder(orderId);
      out.push({ gateway: gateway.name, state: state.status === 'paid' ? { ...state, gateway: gateway.name } : state });
    }
    return out;
  }

  return {
    name: CHECKOUT_GATEWAY_NAME,
    methods,

    async createOrder(input) {
      await saveCheckoutOrder(db, {
        order_id: input.orderId, amount: input.amount, subject: input.subject, student_id: input.studentId,
        payer_name: input.payerName, expires_at: input.expiresAt, created_at: deps.clock(),
      });
      const url = `${deps.publicBaseUrl}/checkout/${encodeURIComponent(input.orderId)}?t=${checkoutToken(deps.secret, input.orderId)}`;
      return { payUrl: url, qrPayload: url };
    },

    async start(orderId, methodId, payer) {
      const method = methods.find((m) => m.id === methodId);
      const order = await findCheckoutOrder(db, orderId);
      if (!method || !method.available(payer)) throw new GatewayError(`checkout: method ${methodId} is not offered here`, false);
      if (!order) throw new GatewayError(`checkout: no order ${orderId}`, false);
      await recordCheckoutAttempt(db, { order_id: orderId, gateway: method.gateway.name, method: method.id, created_at: deps.clock() });
      return method.start({ orderId, amount: order.amount, subject: order.subject, studentId: order.student_id, payerName: order.payer_name, expiresAt: order.expires_at }, payer);
    },

    queryEach,

    async queryOrder(orderId) {
      const answers = await queryEach(orderId);
      const paid = answers.find((a) => a.state.status === 'paid');
      if (paid) return paid.state;
      if (answers.length === 0) return { status: 'unknown' };
      if (answers.some((a) => a.state.status === 'pending')) return { status: 'pending' };
      if (answers.every((a) => a.state.status === 'closed')) return { status: 'closed' };
      return { status: answers.some((a) => a.state.status === 'failed') ? 'failed' : 'unknown' };
    },

    async closeOrder(orderId) {
      for (const gateway of await tried(orderId)) await gateway.closeOrder(orderId);
    },

    async closeOthers(orderId, paidAt) {
      // A payment racing this close still arrives through its own notification and is held for refund.
      for (const gateway of await tried(orderId)) if (gateway.name !== paidAt) await gateway.closeOrder(orderId);
    },

    // Notifications, refunds and their answers belong to the gateway that took the money.
    verifyNotification() {
      throw new GatewayError('checkout: notifications go to /webhooks/gateway/<gateway>', false);
    },
    refund() {
      return Promise.reject(new GatewayError('checkout: refunds go through the gateway that took the money', false));
    },
    queryRefund() {
      return Promise.reject(new GatewayError('checkout: refunds go through the gateway that took the money', false));
    },
    answerNotification(result) {
      return { status: result.ok ? 200 : result.status, contentType: 'text/plain', body: result.ok ? 'ok' : 'fail' };
    },
  };
}
