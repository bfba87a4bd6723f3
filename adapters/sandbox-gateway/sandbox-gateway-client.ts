import { GatewayError } from '../../src/errors.js';
import {
  closeSandboxOrder,
  findSandboxOrder,
  findSandboxRefund,
  insertSandboxOrderIfAbsent,
  refundSandboxOrder,
} from '../../src/db/repositories/sandbox-order.repository.js';
import type { GatewayOrder, GatewayOrderInput, GatewayOrderState, NotificationResult, PaymentGateway, RefundInput, RefundState } from '../../src/ports/gateway.port.js';
import type { SandboxGatewayConfig } from './sandbox-gateway-config.js';
import { verifySandboxNotification } from './sandbox-signature.js';

export const SANDBOX_GATEWAY_NAME = 'sandbox';
export const SANDBOX_BASE_PATH = '/sandbox-gateway';

export function sandboxPayPath(orderId: string): string {
  return `${SANDBOX_BASE_PATH}/pay/${encodeURIComponent(orderId)}`;
}

/** The PaymentGateway half of the sandbox: what feebot calls. The hosted pages are the other half. */
export function createSandboxGatewayClient(config: SandboxGatewayConfig): PaymentGateway {
  const { db, clock } = config;

  function toOrder(orderId: string): GatewayOrder {
    const payUrl = `${config.publicBaseUrl}${sandboxPayPath(orderId)}`;
    return { payUrl, qrPayload: payUrl };
  }

  return {
    name: SANDBOX_GATEWAY_NAME,

    async createOrder(input: GatewayOrderInput): Promise<GatewayOrder> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
        throw new GatewayError(`sandbox: amount must be a positive integer of fen, got ${input.amount}`, false);
      }
      if (input.orderId.length === 0 || input.orderId.length > 40) {
        throw new GatewayError('sandbox: orderId must be 1-40 characters', false);
      }
      const row = await insertSandboxOrderIfAbsent(db, {
        order_id: input.orderId,
        amount: input.amount,
        subject: input.subject,
        student_id: input.studentId,
        payer_name: input.payerName,
        notify_url: config.notifyUrl,
        created_at: clock(),
        expires_at: input.expiresAt,
      });
      // Same id, different amount is a caller bug; a real gateway refuses it too.
      if (row.amount !== input.amount) {
        throw new GatewayError(`sandbox: order ${input.orderId} already exists with a different amount`, false);
      }
      return toOrder(input.orderId);
    },

    async queryOrder(orderId: string): Promise<GatewayOrderState> {
      const row = await findSandboxOrder(db, orderId);
      if (!row) return { status: 'unknown' };
      switch (row.status) {
        case 'paid':
          if (!row.transaction_id || row.paid_at === null) throw new GatewayError(`sandbox: paid order ${orderId} lacks payment details`, false);
          return { status: 'paid', transactionId: row.transaction_id, amount: row.amount, paidAt: row.paid_at };
        case 'pending':
        case 'failed':
        case 'closed':
          return { status: row.status };
      }
    },

    async closeOrder(orderId: string): Promise<void> {
      await closeSandboxOrder(db, orderId);
    },

    verifyNotification(rawBody, headers, now) {
      return { kind: 'payment', payment: verifySandboxNotification(config.secret, rawBody, headers, now) };
    },

    // The sandbox refunds at once (no refund notification): the answer itself is final.
    async refund(input: RefundInput): Promise<RefundState> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new GatewayError(`sandbox: refund amount must be positive fen, got ${input.amount}`, false);
      const outcome = await refundSandboxOrder(db, { ...input, now: clock() });
      if (!outcome.ok) throw new GatewayError(`sandbox: refund ${input.refundNo} refused (${outcome.reason})`, false);
      return { status: 'succeeded', gatewayRefundId: input.refundNo };
    },

    async queryRefund(refundNo: string): Promise<RefundState> {
      const row = await findSandboxRefund(db, refundNo);
      return row ? { status: 'succeeded', gatewayRefundId: refundNo } : { status: 'unknown' };
    },

    answerNotification(result: NotificationResult) {
      return result.ok
        ? { status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, outcome: result.outcome }) }
        : { status: result.status, contentType: 'application/json', body: JSON.stringify({ error: result.code, message: result.message }) };
    },
  };
}
