import type { OrderStatusAnswer } from '../engine/events.js';
import type { Ledger } from '../ledger/index.js';
import type { PaymentGateway } from '../ports/gateway.port.js';
import type { PaymentIntake } from './payment-intake.js';

export interface OrderReconcilerDeps {
  ledger: Ledger;
  gateway: PaymentGateway;
  intake: PaymentIntake;
}

export interface Reconciled {
  /** What to tell the student: 'paid' whenever the gateway has the order paid. */
  status: OrderStatusAnswer;
  /** True when this call moved the ledger order (credited it, or ended it). */
  changed: boolean;
}

/**
 * The one rule for turning the gateway's word into ledger state. A paid order is always
 * credited (through the intake, so it is applied once and gets its receipt): a payment is never lost.
 */
export function createOrderReconciler({ ledger, gateway, intake }: OrderReconcilerDeps) {
  async function ledgerStatus(orderId: string): Promise<OrderStatusAnswer> {
    return (await ledger.getOrder(orderId))?.status ?? 'failed';
  }

  /** Ends the ledger order as `to` if it is still pending; otherwise reports where it is. */
  async function end(orderId: string, to: 'failed' | 'closed' | 'expired', now: number): Promise<Reconciled> {
    if (await ledger.markOrder(orderId, to, now)) return { status: to, changed: true };
    return { status: await ledgerStatus(orderId), changed: false };
  }

  /** Asks the gateway about a pending order (【付款已成功】, the sweeper) and records its answer. */
  async function reconcile(orderId: string, now: number): Promise<Reconciled> {
    const answer = await gateway.queryOrder(orderId);
    switch (answer.status) {
      case 'paid': {
        const outcome = await intake.acceptPaidState(orderId, answer);
        return { status: 'paid', changed: outcome !== 'duplicate' };
      }
      case 'failed':
        return end(orderId, 'failed', now);
      case 'closed':
        return end(orderId, 'closed', now);
      case 'pending':
      case 'unknown':
        return { status: await ledgerStatus(orderId), changed: false };
    }
  }

  /**
   * Cancel (取消订单) and expiry: close at the gateway FIRST, so nothing can be paid any more,
   * then ask. What the gateway says after closing is final: paid → credited; otherwise the ledger
   * order ends as `to`, releasing its reservation. Asking before closing would leave a window in
   * which a payment lands unseen.
   */
  async function closeAndReconcile(orderId: string, to: 'closed' | 'expired', now: number): Promise<Reconciled> {
    await gateway.closeOrder(orderId);
    const answer = await gateway.queryOrder(orderId);
    if (answer.status !== 'paid') return end(orderId, to, now);
    const outcome = await intake.acceptPaidState(orderId, answer);
    // A paid amount that did not match is held as a flagged credit and leaves the order pending:
    // end it, or it would reserve its items (and be swept) forever.
    await ledger.markOrder(orderId, to, now);
    return { status: 'paid', changed: outcome !== 'duplicate' };
  }

  return { reconcile, closeAndReconcile };
}

export type OrderReconciler = ReturnType<typeof createOrderReconciler>;
