import type { Env, Hono } from 'hono';
import { setBodyLimit } from '../../src/http/body-limit.js';
import type { PaymentGateway } from '../../src/ports/gateway.port.js';
import { createSandboxGatewayClient, SANDBOX_BASE_PATH } from './sandbox-gateway-client.js';
import { resolveSandboxConfig, type SandboxGatewayOptions } from './sandbox-gateway-config.js';
import { createSandboxNotifier } from './sandbox-notifier.js';
import { createSandboxRoutes } from './sandbox-server.js';

export { DEFAULT_RETRY_SCHEDULE_MS, type SandboxGatewayOptions, type SandboxLogger } from './sandbox-gateway-config.js';
export { SANDBOX_BASE_PATH, SANDBOX_GATEWAY_NAME, sandboxPayPath } from './sandbox-gateway-client.js';
export {
  NONCE_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  TIMESTAMP_HEADER,
  signSandboxPayload,
  verifySandboxNotification,
} from './sandbox-signature.js';

export interface SandboxGateway {
  gateway: PaymentGateway;
  /** Adds the hosted pages under /sandbox-gateway to the app. */
  mount<E extends Env>(app: Hono<E>): void;
  /** Cancels pending notification retries (call on shutdown). */
  stop(): void;
}

/** The E缴通 sandbox: a PaymentGateway for feebot plus the hosted pages a student pays on. */
export function createSandboxGateway(options: SandboxGatewayOptions): SandboxGateway {
  const config = resolveSandboxConfig(options);
  const notifier = createSandboxNotifier(config);
  const routes = createSandboxRoutes({ db: config.db, clock: config.clock, notifier, logger: config.logger, payee: config.payee, returnLinks: config.returnLinks });
  return {
    gateway: createSandboxGatewayClient(config),
    mount(app) {
      // The hosted pages' forms hold a phone number, a code or a method: a few bytes.
      setBodyLimit(app, `${SANDBOX_BASE_PATH}/*`, 16 * 1024);
      app.route(SANDBOX_BASE_PATH, routes);
    },
    stop() {
      notifier.stop();
    },
  };
}
