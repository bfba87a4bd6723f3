import type { Hono } from 'hono';
import { z } from 'zod';
import { alipayGatewayModule } from '../adapters/alipay/alipay-module.js';
import { createCheckoutGateway, loadCheckoutConfig, mountCheckoutPages, type CheckoutConfig, type CheckoutGateway } from '../adapters/checkout/index.js';
import { createSandboxGateway } from '../adapters/sandbox-gateway/index.js';
import { wechatpayGatewayModule } from '../adapters/wechatpay/wechatpay-module.js';
import type { Db } from './db/database.js';
import { mountGatewayWebhooks } from './http/gateway-webhooks.js';
import type { ReturnLinks } from './http/return-links.js';
import type { Ledger } from './ledger/index.js';
import type { Logger } from './logger.js';
import type { PaymentIntake } from './runtime/payment-intake.js';
import type { GatewayModule, PaymentGateway, PaymentMethod } from './ports/gateway.port.js';
import { parseSettings } from './settings.js';

/** The real gateways feebot can collect money with; the sandbox is the demo default. */
export const REAL_GATEWAYS: ReadonlyArray<GatewayModule<never>> = [
  wechatpayGatewayModule as GatewayModule<never>,
  alipayGatewayModule as GatewayModule<never>,
];

const schema = z.object({
  GATEWAYS: z
    .string()
    .default('sandbox')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && new Set(list).size === list.length, 'must list each gateway once')
    .refine((list) => list.every((g) => g === 'sandbox' || REAL_GATEWAYS.some((m) => m.name === g)), `must be sandbox or a list of ${['wechatpay', 'alipay'].join(', ')}`)
    .refine((list) => !list.includes('sandbox') || list.length === 1, 'sandbox cannot be combined with real gateways'),
});

export interface RealGateways {
  checkout: CheckoutGateway;
  checkoutConfig: CheckoutConfig;
  gateways: PaymentGateway[];
}

/** Null for the sandbox (GATEWAYS unset or `sandbox`); otherwise every listed gateway, validated now. */
export async function createRealGateways(env: Record<string, string | undefined>, deps: { db: Db; publicBaseUrl: string; clock: () => number }): Promise<RealGateways | null> {
  const { GATEWAYS } = parseSettings(schema, env, 'configuration');
  if (GATEWAYS.includes('sandbox')) return null;
  const checkoutConfig = loadCheckoutConfig(env);
  // Every listed gateway's settings are checked before any SDK is loaded.
  const configured = GATEWAYS.map((name) => {
    const module = REAL_GATEWAYS.find((m) => m.name === name) as GatewayModule<unknown>;
    return { module, config: module.loadConfig(env, deps.publicBaseUrl) };
  });
  const built = await Promise.all(configured.map(({ module, config }) => module.create(config, { clock: deps.clock })));
  const methods: PaymentMethod[] = built.flatMap((b) => b.methods);
  const checkout = createCheckoutGateway({ db: deps.db, methods, publicBaseUrl: deps.publicBaseUrl, secret: checkoutConfig.secret, clock: deps.clock });
  return { checkout, checkoutConfig, gateways: built.map((b) => b.gateway) };
}

export interface GatewaySetDeps {
  db: Db;
  publicBaseUrl: string;
  sandboxSecret: string;
  clock: () => number;
  logger: Logger;
  sandboxRetryScheduleMs?: number[];
  /** UNIVERSITY_NAME, shown as the payee on the sandbox and checkout pages. */
  universityName?: string;
  /** Links back to the conversation on the result pages. */
  returnLinks?: ReturnLinks;
}

/**
 * The gateways of one feebot: the sandbox (demo default, exactly as before) or the checkout over
 * the configured real gateways. The sandbox's pages and notification route are mounted only when
 * it is the gateway: its secret must never be able to credit a real order.
 */
export async function createGatewaySet(env: Record<string, string | undefined>, deps: GatewaySetDeps) {
  const real = await createRealGateways(env, deps);
  const sandbox = real
    ? null
    : createSandboxGateway({
        db: deps.db, secret: deps.sandboxSecret, publicBaseUrl: deps.publicBaseUrl, notifyUrl: `${deps.publicBaseUrl}/webhooks/gateway/sandbox`,
        clock: deps.clock, logger: deps.logger, ...(deps.sandboxRetryScheduleMs ? { retryScheduleMs: deps.sandboxRetryScheduleMs } : {}),
        ...(deps.universityName ? { payee: deps.universityName } : {}), ...(deps.returnLinks ? { returnLinks: deps.returnLinks } : {}),
      });
  const notifying: PaymentGateway[] = real ? real.gateways : [sandbox!.gateway];
  return {
    /** What the ledger's orders are created with (the sandbox, or the checkout). */
    gateway: real ? real.checkout : sandbox!.gateway,
    checkout: real?.checkout ?? null,
    /** The gateway that took a payment, by the name recorded with it (refunds go back through it). */
    byName: (name: string) => notifying.find((g) => g.name === name),
    notifying,
    mount(app: Hono, routes: { intake: PaymentIntake; ledger: Ledger; timezone: string }): void {
      mountGatewayWebhooks(app, {
        gateways: notifying, intake: routes.intake, logger: deps.logger, clock: deps.clock,
        ...(real ? { onPaid: (orderId: string, paidAt: string) => real.checkout.closeOthers(orderId, paidAt) } : {}),
      });
      if (sandbox) sandbox.mount(app);
      if (real) {
        mountCheckoutPages(app, {
          gateway: real.checkout, ledger: routes.ledger, secret: real.checkoutConfig.secret,
          universityName: real.checkoutConfig.universityName ?? deps.universityName ?? '网上缴费', timezone: routes.timezone, logger: deps.logger, publicBaseUrl: deps.publicBaseUrl,
          returnLinks: deps.returnLinks ?? (() => []),
        });
      }
    },
    stop(): void {
      sandbox?.stop();
    },
  };
}

export type GatewaySet = Awaited<ReturnType<typeof createGatewaySet>>;
