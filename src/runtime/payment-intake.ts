import { inTransaction, type Db } from '../db/database.js';
import { enqueueOutbox } from '../db/repositories/outbox.repository.js';
import type { Logger } from '../logger.js';
import type { GatewayOrderState, PaymentGateway, PaymentNotification } from '../ports/gateway.port.js';
import type { OutboxPayloads } from './outbox-payloads.js';
import type { Ledger } from '../ledger/index.js';

export interface PaymentIntakeDeps {
  db: Db;
  gateway: PaymentGateway;
  ledger: Ledger;
  clock: () => number;
  logger: Logger;
  onEnqueued: () => void;
}

/** Gateway notifications and reconciliation both end here: apply once, then receipt + tell the student. */
export function createPaymentIntake(deps: PaymentIntakeDeps) {
  const { db, gateway, ledger, clock, logger } = deps;

  async function scheduleReceipt(orderId: string): Promise<void> {
    const payload: OutboxPayloads['receipt'] = { orderId };
    await inTransaction(db, (tx) => enqueueOutbox(tx, [{ lane: `receipt:${orderId}`, kind: 'receipt', payload, runAfter: clock() }], clock()));
    deps.onEnqueued();
  }

  async function apply(notification: PaymentNotification, source: 'notification' | 'query'): Promise<string> {
    const outcome = await ledger.applyPayment(gateway.name, notification, clock());
    logger.info({ orderId: notification.orderId, transactionId: notification.transactionId, outcome: outcome.kind, source }, 'payment');
    if (outcome.kind === 'applied' || outcome.kind === 'late') await scheduleReceipt(notification.orderId);
    return outcome.kind;
  }

  return {
    /** Verifies (throws SignatureError before anything is parsed or changed), then applies. */
    async acceptNotification(rawBody: string, headers: Record<string, string | undefined>): Promise<string> {
      return apply(gateway.verifyNotification(rawBody, headers, clock()), 'notification');
    },
    /** Credits a payment the gateway reported when asked (reconciliation); duplicates change nothing. */
    async acceptPaidState(orderId: string, state: Extract<GatewayOrderState, { status: 'paid' }>): Promise<string> {
      return apply({ transactionId: state.transactionId, orderId, amount: state.amount, status: 'paid', paidAt: state.paidAt }, 'query');
    },
  };
}

export type PaymentIntake = ReturnType<typeof createPaymentIntake>;
