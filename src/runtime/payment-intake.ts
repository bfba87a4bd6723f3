import type { Tx } from '../db/database.js';
import { findOrderById } from '../db/repositories/order.repository.js';
import { enqueueOutbox, type NewOutboxEntry } from '../db/repositories/outbox.repository.js';
import { listCredits } from '../db/repositories/payment.repository.js';
import { assertNever } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { GatewayOrderState, PaymentGateway, PaymentNotification } from '../ports/gateway.port.js';
import type { EventWithoutTime, OutboxPayloads } from './runtime-types.js';
import type { FailedOutcome, Ledger, RecordedOutcome } from '../ledger/index.js';

export interface PaymentIntakeDeps {
  gateway: PaymentGateway;
  ledger: Ledger;
  clock: () => number;
  logger: Logger;
  onEnqueued: () => void;
}

/**
 * Gateway notifications and reconciliation both end here: the credit and everything that must
 * follow it (receipt, the student's notice, the staff card) commit in one transaction.
 */
export function createPaymentIntake(deps: PaymentIntakeDeps) {
  const { gateway, ledger, clock, logger } = deps;

  /**
   * A receipt only for money that reached fee items; money held as a flagged credit (a second
   * transaction, an overpayment, a wrong amount) gets a truthful notice instead, and a card for the
   * finance office. The student's two go on the order's receipt lane, so the notice follows the receipt.
   */
  async function queueFollowUps(tx: Tx, outcome: RecordedOutcome | FailedOutcome): Promise<void> {
    const now = clock();
    const entries: NewOutboxEntry[] = [];
    const lane = `receipt:${outcome.orderId}`;
    if (outcome.kind === 'failed') {
      // A failed or cancelled payment at the gateway is told to the chat, as success is (重新支付).
      const order = await findOrderById(tx, outcome.orderId);
      if (!order) return;
      const event: EventWithoutTime = { kind: 'order.status', orderId: outcome.orderId, status: 'failed', pushed: true };
      const payload: OutboxPayloads['event'] = { channel: order.channel as ChannelName, chatId: order.chat_id, event };
      await enqueueOutbox(tx, [{ lane, kind: 'event', payload, runAfter: now }], now);
      return;
    }
    const credited = outcome.kind === 'applied' || outcome.kind === 'late' ? outcome.creditedToItems : 0;
    if (credited > 0) {
      const payload: OutboxPayloads['receipt'] = { orderId: outcome.orderId };
      entries.push({ lane, kind: 'receipt', payload, runAfter: now });
    }
    const held = heldNotice(outcome, credited);
    const order = held ? await findOrderById(tx, outcome.orderId) : undefined;
    if (held && order) {
      const payload: OutboxPayloads['event'] = { channel: order.channel as ChannelName, chatId: order.chat_id, event: held };
      entries.push({ lane, kind: 'event', payload, runAfter: now });
    }
    for (const credit of outcome.flaggedCredit > 0 ? await listCredits(tx, { paymentId: outcome.paymentId }) : []) {
      const payload: OutboxPayloads['staff'] = { event: { kind: 'credit.held', creditId: credit.id } };
      entries.push({ lane: 'staff', kind: 'staff', payload, runAfter: now });
    }
    await enqueueOutbox(tx, entries, now);
  }

  async function apply(notification: PaymentNotification, source: 'notification' | 'query'): Promise<string> {
    const outcome = await ledger.applyPayment(notification.gateway ?? gateway.name, notification, clock(), queueFollowUps);
    logger.info({ orderId: notification.orderId, transactionId: notification.transactionId, outcome: outcome.kind, source }, 'payment');
    deps.onEnqueued();
    return outcome.kind;
  }

  return {
    /**
     * Verifies (throws SignatureError before anything is parsed or changed), then applies. `from` is
     * the gateway whose route received it (several may be configured behind the checkout).
     */
    async acceptNotification(rawBody: string, headers: Record<string, string | undefined>, from: PaymentGateway = gateway): Promise<string> {
      const n = from.verifyNotification(rawBody, headers, clock());
      if (n.kind === 'ignored') return 'ignored';
      if (n.kind === 'refund') return (await ledger.heldCredits.settleRefund(n.refund.refundNo, n.refund.status, clock())) ?? 'unknownRefund';
      return apply({ ...n.payment, gateway: n.payment.gateway ?? from.name }, 'notification');
    },
    /** Credits a payment the gateway reported when asked (reconciliation); duplicates change nothing. */
    async acceptPaidState(orderId: string, state: Extract<GatewayOrderState, { status: 'paid' }>): Promise<string> {
      return apply({ transactionId: state.transactionId, orderId, amount: state.amount, status: 'paid', paidAt: state.paidAt, ...(state.gateway ? { gateway: state.gateway } : {}) }, 'query');
    },
    /** Payments an older version recorded without their follow-ups get them now (start, every sweep). */
    async repairFollowUps(): Promise<number> {
      const repaired = await ledger.repairPaymentFollowUps(queueFollowUps);
      if (repaired > 0) deps.onEnqueued();
      return repaired;
    },
  };
}

export type PaymentIntake = ReturnType<typeof createPaymentIntake>;

/** What to tell the student about money held for the finance office, if any (orphans have no chat). */
function heldNotice(outcome: RecordedOutcome, credited: number): Extract<EventWithoutTime, { kind: 'payment.held' }> | null {
  switch (outcome.kind) {
    case 'applied':
    case 'late':
      if (outcome.flaggedCredit <= 0) return null;
      return { kind: 'payment.held', orderId: outcome.orderId, amount: outcome.flaggedCredit, reason: credited > 0 ? 'partlyExceedsDue' : 'exceedsDue' };
    case 'mismatch':
      return { kind: 'payment.held', orderId: outcome.orderId, amount: outcome.flaggedCredit, reason: 'amountMismatch' };
    case 'orphan':
      return null;
    default:
      return assertNever(outcome);
  }
}
