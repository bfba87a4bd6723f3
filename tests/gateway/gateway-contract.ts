import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignatureError } from '../../src/errors.js';
import type { GatewayNotification, GatewayOrderInput, PaymentGateway, PaymentNotification } from '../../src/ports/gateway.port.js';

function paymentOf(n: GatewayNotification): PaymentNotification {
  if (n.kind !== 'payment') throw new Error(`expected a payment notification, got ${n.kind}`);
  return n.payment;
}

// One suite every PaymentGateway adapter runs (the way Hono runs one suite against every router).
// The adapter supplies how a payment is completed on its platform and hands back the delivery.

export interface DeliveredNotification {
  rawBody: string;
  headers: Record<string, string | undefined>;
}

export interface GatewayContractSubject {
  gateway: PaymentGateway;
  now(): number;
  /** Completes (or fails) a payment for the order the way a payer would; returns what was delivered. */
  settle(orderId: string, outcome: 'paid' | 'failed'): Promise<DeliveredNotification>;
  teardown(): Promise<void>;
}

export function describeGatewayContract(name: string, setup: () => Promise<GatewayContractSubject>): void {
  describe(`PaymentGateway contract: ${name}`, () => {
    let s: GatewayContractSubject;
    let input: GatewayOrderInput;

    beforeEach(async () => {
      s = await setup();
      input = {
        orderId: 'CONTRACT-1', amount: 98_765, subject: '2025-2026 住宿费', studentId: '2023010102',
        payerName: '李四', expiresAt: s.now() + 30 * 60_000,
      };
    });
    afterEach(async () => s.teardown());

    it('creates an order idempotently', async () => {
      const first = await s.gateway.createOrder(input);
      const second = await s.gateway.createOrder(input);
      expect(first.payUrl).toMatch(/^https?:\/\//);
      expect(first.qrPayload.length).toBeGreaterThan(0);
      expect(second).toEqual(first);
      expect(await s.gateway.queryOrder(input.orderId)).toEqual({ status: 'pending' });
    });

    it('answers unknown for an order it never saw, and closing it is harmless', async () => {
      expect(await s.gateway.queryOrder('NO-SUCH-ORDER')).toEqual({ status: 'unknown' });
      await expect(s.gateway.closeOrder('NO-SUCH-ORDER')).resolves.toBeUndefined();
    });

    it('closes a pending order; closing again is a no-op', async () => {
      await s.gateway.createOrder(input);
      await s.gateway.closeOrder(input.orderId);
      await s.gateway.closeOrder(input.orderId);
      expect(await s.gateway.queryOrder(input.orderId)).toEqual({ status: 'closed' });
    });

    it('delivers a verifiable paid notification that matches queryOrder; paid survives close', async () => {
      await s.gateway.createOrder(input);
      const delivered = await s.settle(input.orderId, 'paid');
      const n = paymentOf(s.gateway.verifyNotification(delivered.rawBody, delivered.headers, s.now()));
      expect(n).toMatchObject({ orderId: input.orderId, amount: input.amount, status: 'paid' });
      const state = await s.gateway.queryOrder(input.orderId);
      expect(state).toEqual({ status: 'paid', transactionId: n.transactionId, amount: input.amount, paidAt: n.paidAt });
      await s.gateway.closeOrder(input.orderId);
      expect(await s.gateway.queryOrder(input.orderId)).toEqual(state);
      const tampered = delivered.rawBody.replace(String(input.amount), String(input.amount + 1));
      expect(() => s.gateway.verifyNotification(tampered, delivered.headers, s.now())).toThrow(SignatureError);
    });

    it('delivers a failed notification and reports the order failed', async () => {
      await s.gateway.createOrder(input);
      const delivered = await s.settle(input.orderId, 'failed');
      const n = paymentOf(s.gateway.verifyNotification(delivered.rawBody, delivered.headers, s.now()));
      expect(n).toMatchObject({ orderId: input.orderId, amount: input.amount, status: 'failed' });
      expect(await s.gateway.queryOrder(input.orderId)).toEqual({ status: 'failed' });
    });
  });
}
