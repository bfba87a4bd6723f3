import type { PaymentNotification } from '../../src/ports/gateway.port.js';
import type { SandboxLogger } from './sandbox-gateway-config.js';
import { signSandboxPayload } from './sandbox-signature.js';

// Delivers payment notifications like a real gateway: POST, retry on non-2xx or network errors on
// a backoff schedule, re-signing every attempt (fresh timestamp and nonce, same body). Retries live
// in memory only; feebot's scheduled queryOrder reconciliation covers a restart mid-schedule.

const ATTEMPT_TIMEOUT_MS = 10_000;

export interface SandboxNotifierDeps {
  secret: string;
  retryScheduleMs: readonly number[];
  fetch: typeof fetch;
  clock: () => number;
  logger: SandboxLogger;
}

export interface SandboxNotifier {
  /** Sends at once; resolves with whether the first attempt was accepted (retries continue in the background). */
  notify(url: string, notification: PaymentNotification): Promise<boolean>;
  /** Cancels pending retries and aborts requests in flight. */
  stop(): void;
}

export function createSandboxNotifier(deps: SandboxNotifierDeps): SandboxNotifier {
  const timers = new Set<NodeJS.Timeout>();
  const stopping = new AbortController();

  async function attempt(url: string, notification: PaymentNotification, body: string, attemptNo: number): Promise<boolean> {
    if (stopping.signal.aborted) return false;
    const log = { orderId: notification.orderId, transactionId: notification.transactionId, status: notification.status, attempt: attemptNo };
    let outcome: string;
    try {
      const response = await deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signSandboxPayload(deps.secret, body, deps.clock()) },
        body,
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) {
        deps.logger.info(log, 'sandbox notification delivered');
        return true;
      }
      outcome = `HTTP ${response.status}`;
    } catch (error) {
      if (stopping.signal.aborted) return false;
      outcome = error instanceof Error ? error.message : String(error);
    }

    const delay = deps.retryScheduleMs[attemptNo - 1];
    if (delay === undefined) {
      deps.logger.error({ ...log, outcome }, 'sandbox notification undeliverable, giving up');
      return false;
    }
    deps.logger.warn({ ...log, outcome, retryInMs: delay }, 'sandbox notification failed, will retry');
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(url, notification, body, attemptNo + 1);
    }, delay);
    timer.unref();
    timers.add(timer);
    return false;
  }

  return {
    notify(url, notification) {
      // Serialised once so every retry carries byte-identical content.
      const body = JSON.stringify(notification);
      return attempt(url, notification, body, 1);
    },
    stop() {
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
