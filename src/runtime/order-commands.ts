import type { Command } from '../engine/commands.js';
import { assertNever } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import type { Logger } from '../logger.js';
import { formatMoney } from '../money.js';
import type { PaymentGateway } from '../ports/gateway.port.js';
import type { CommandContext, EventWithoutTime } from './runtime-types.js';
import { createOrderReconciler } from './order-reconcile.js';
import type { PaymentIntake } from './payment-intake.js';

export type OrderCommand = Extract<Command, { kind: 'order.create' | 'order.query' | 'order.close' | 'order.share' | 'problem.report' | 'deferral.request' }>;

export interface OrderCommandDeps {
  ledger: Ledger;
  gateway: PaymentGateway;
  intake: PaymentIntake;
  /** The payer's name shown at the gateway (and later on the receipt). */
  studentName: (studentId: string) => Promise<string>;
  /** The 代付 link of an order (absent: 代付 is not offered). */
  parentPayUrl?: (orderId: string) => Promise<string>;
  logger: Logger;
}

/** Orders at the ledger and the gateway, on the student's behalf. */
export function createOrderCommands(deps: OrderCommandDeps) {
  const { ledger, gateway, logger } = deps;
  const reconciler = createOrderReconciler(deps);

  async function createOrder(command: Extract<Command, { kind: 'order.create' }>, ctx: CommandContext): Promise<EventWithoutTime> {
    const created = await ledger.createOrder({ studentId: command.studentId, lines: command.lines, channel: ctx.channel, chatId: ctx.chatId, now: ctx.now, ...(ctx.requestKey ? { requestKey: ctx.requestKey } : {}) });
    if (!created.ok) return { kind: 'order.failed', reason: 'exceedsOutstanding' };
    const order = created.order;
    try {
      const subject = order.lines.map((l) => `${l.feePeriod} ${l.name}`).join('、');
      const atGateway = await gateway.createOrder({
        orderId: order.id,
        amount: order.total,
        subject: subject.length > 60 ? `${subject.slice(0, 57)}…` : subject,
        studentId: order.studentId,
        payerName: await deps.studentName(order.studentId),
        expiresAt: order.expiresAt,
      });
      await ledger.attachGatewayOrder(order.id, atGateway.payUrl, atGateway.qrPayload);
      logger.info({ orderId: order.id, total: formatMoney(order.total) }, 'order created');
      return { kind: 'order.created', orderId: order.id, payUrl: atGateway.payUrl, qrPayload: atGateway.qrPayload, total: order.total, expiresAt: order.expiresAt };
    } catch (error) {
      // Release the reservation: the student can try again without waiting for expiry.
      await ledger.markOrder(order.id, 'failed', ctx.now);
      logger.error({ err: error, orderId: order.id }, 'gateway createOrder failed');
      return { kind: 'order.failed', reason: 'gateway' };
    }
  }

  async function queryOrder(orderId: string, ctx: CommandContext): Promise<EventWithoutTime> {
    const order = await ledger.getOrder(orderId);
    if (!order) return { kind: 'order.status', orderId, status: 'failed' };
    if (order.status !== 'pending') return { kind: 'order.status', orderId, status: order.status };
    // The ledger has not heard of a payment yet: ask the gateway, and reconcile what it says.
    const { status } = await reconciler.reconcile(orderId, ctx.now);
    return { kind: 'order.status', orderId, status };
  }

  /** 取消订单: closed at the gateway first; if it turns out paid, the student is told so, not 'cancelled'. */
  async function closeOrder(orderId: string, ctx: CommandContext): Promise<EventWithoutTime> {
    const { status, changed } = await reconciler.closeAndReconcile(orderId, 'closed', ctx.now);
    if (status === 'closed' && changed) return { kind: 'order.closed', orderId };
    return { kind: 'order.status', orderId, status };
  }

  return async function run(command: OrderCommand, ctx: CommandContext): Promise<EventWithoutTime> {
    switch (command.kind) {
      case 'order.create':
        return createOrder(command, ctx);
      case 'order.query':
        return queryOrder(command.orderId, ctx);
      case 'order.close':
        return closeOrder(command.orderId, ctx);
      case 'order.share': {
        const order = await ledger.getOrder(command.orderId);
        const payable = order && order.status === 'pending' && order.expiresAt > ctx.now && deps.parentPayUrl;
        return { kind: 'order.shared', orderId: command.orderId, url: payable ? await deps.parentPayUrl!(command.orderId) : null };
      }
      case 'problem.report': {
        const reportId = await ledger.reportProblem({ ...command, channel: ctx.channel, chatId: ctx.chatId, now: ctx.now });
        return { kind: 'problem.reported', reportId };
      }
      case 'deferral.request': {
        const outcome = await ledger.requestDeferral({ ...command, channel: ctx.channel, chatId: ctx.chatId, now: ctx.now });
        return outcome.ok ? { kind: 'deferral.requested', deferralId: outcome.id } : { kind: 'deferral.refused', reason: outcome.reason };
      }
      default:
        return assertNever(command);
    }
  };
}
