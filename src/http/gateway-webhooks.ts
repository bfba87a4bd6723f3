import type { Hono } from 'hono';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotificationAnswer, PaymentGateway } from '../ports/gateway.port.js';
import type { PaymentIntake } from '../runtime/payment-intake.js';
import { setBodyLimit } from './body-limit.js';

// POST /webhooks/gateway/<name>: one route per gateway that notifies. The raw body is verified by the
// gateway before anything parses it, and the answer is in the platform's own format (WeChat Pay
// 204 / FAIL JSON, Alipay `success` / `fail`), so a refused or failed delivery is resent.

/** Notifications are a few hundred bytes of signed JSON or form fields (Alipay's up to a few KB). */
const NOTIFICATION_BODY_LIMIT_BYTES = 16 * 1024;

export interface GatewayWebhookDeps {
  gateways: PaymentGateway[];
  intake: PaymentIntake;
  logger: Logger;
  /** After a payment was credited from a notification (the checkout closes the order's other attempts). */
  onPaid?: (orderId: string, gateway: string) => Promise<void>;
  /** The clock the notification was verified with (its signature's time window); Date.now by default. */
  clock?: () => number;
}

export function mountGatewayWebhooks(app: Hono, deps: GatewayWebhookDeps): void {
  for (const gateway of deps.gateways) {
    setBodyLimit(app, `/webhooks/gateway/${gateway.name}`, NOTIFICATION_BODY_LIMIT_BYTES);
    app.post(`/webhooks/gateway/${gateway.name}`, async (c) => {
      const send = (a: NotificationAnswer) => new Response(a.body === '' ? null : a.body, { status: a.status, headers: { 'content-type': a.contentType } });
      const raw = await c.req.text();
      const headers = Object.fromEntries(c.req.raw.headers.entries());
      try {
        const outcome = await deps.intake.acceptNotification(raw, headers, gateway);
        if ((outcome === 'applied' || outcome === 'late') && deps.onPaid) {
          const orderId = paidOrderId(gateway, raw, headers, (deps.clock ?? Date.now)());
          // Not awaited: the platform's answer must not wait for other gateways.
          if (orderId) void deps.onPaid(orderId, gateway.name).catch((err: unknown) => deps.logger.warn({ err, orderId }, 'closing the other attempts failed'));
        }
        return send(gateway.answerNotification({ ok: true, outcome }));
      } catch (error) {
        if (error instanceof AppError && error.httpStatus < 500) {
          deps.logger.warn({ gateway: gateway.name, code: error.code }, `notification refused: ${error.message}`);
          return send(gateway.answerNotification({ ok: false, status: error.httpStatus, code: error.code, message: error.message }));
        }
        deps.logger.error({ err: error, gateway: gateway.name }, 'notification failed');
        return send(gateway.answerNotification({ ok: false, status: 500, code: 'INTERNAL', message: 'internal error' }));
      }
    });
  }
}

function paidOrderId(gateway: PaymentGateway, raw: string, headers: Record<string, string | undefined>, now: number): string | null {
  try {
    const n = gateway.verifyNotification(raw, headers, now);
    return n.kind === 'payment' ? n.payment.orderId : null;
  } catch {
    return null;
  }
}
