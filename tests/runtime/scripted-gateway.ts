import type { GatewayOrderState, PaymentGateway } from '../../src/ports/gateway.port.js';

export type PaidState = Extract<GatewayOrderState, { status: 'paid' }>;

/** A gateway whose answers a test sets directly, recording every query and close in order. */
export function scriptedGateway() {
  const states = new Map<string, GatewayOrderState>();
  /** A payment the bank completes just as feebot closes the order (the race to close). */
  const paysWhileClosing = new Map<string, PaidState>();
  const calls: string[] = [];
  const gateway: PaymentGateway = {
    name: 'sandbox',
    createOrder: () => Promise.reject(new Error('not used')),
    async queryOrder(orderId) {
      calls.push(`query ${orderId}`);
      return states.get(orderId) ?? { status: 'unknown' };
    },
    async closeOrder(orderId) {
      calls.push(`close ${orderId}`);
      const paid = paysWhileClosing.get(orderId);
      if (paid) states.set(orderId, paid);
      if (states.get(orderId)?.status === 'pending') states.set(orderId, { status: 'closed' });
    },
    verifyNotification() {
      throw new Error('not used');
    },
    refund: () => Promise.reject(new Error('not used')),
    queryRefund: () => Promise.reject(new Error('not used')),
    answerNotification: (result) => ({ status: result.ok ? 200 : result.status, contentType: 'text/plain', body: result.ok ? 'ok' : 'fail' }),
  };
  return { gateway, states, paysWhileClosing, calls };
}
