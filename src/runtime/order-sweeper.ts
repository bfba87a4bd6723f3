import type { Logger } from '../logger.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { PaymentGateway } from '../ports/gateway.port.js';
import type { RuntimeDispatcher } from './dispatcher.js';
import { createOrderReconciler } from './order-reconcile.js';
import type { PaymentIntake } from './payment-intake.js';
import type { Ledger } from '../ledger/index.js';

/**
 * A pending order this old is asked about on every sweep. A gateway notification normally arrives
 * within seconds of paying; two minutes without one means it may be lost, and the student should
 * not wait for expiry (or press 【付款已成功】) to see the money credited.
 */
export const RECONCILE_PENDING_AFTER_MS = 2 * 60_000;

export interface OrderSweeperDeps {
  ledger: Ledger;
  gateway: PaymentGateway;
  intake: PaymentIntake;
  dispatcher: Pick<RuntimeDispatcher, 'deliverEvent'>;
  clock: () => number;
  logger: Logger;
}

export interface SweepResult {
  /** Orders closed for expiry (the student was told). */
  expired: number;
  /** Orders credited because the gateway had them paid. */
  reconciled: number;
}

/**
 * Runs on a schedule. Expired orders are closed at the gateway first (so they can no longer be
 * paid), then reconciled; pending orders older than RECONCILE_PENDING_AFTER_MS are asked about.
 * Whatever the gateway reports paid is credited: a payment is never lost.
 */
export function createOrderSweeper(deps: OrderSweeperDeps) {
  const { ledger, clock, logger } = deps;
  const reconciler = createOrderReconciler(deps);

  async function tell(channel: string, chatId: string, event: Parameters<RuntimeDispatcher['deliverEvent']>[2]): Promise<void> {
    await deps.dispatcher.deliverEvent(channel as ChannelName, chatId, event);
  }

  /** One order's trouble (a gateway timeout) must not stop the others; the next sweep retries it. */
  async function guarded(orderId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      logger.error({ err, orderId }, 'order sweep failed for one order');
    }
  }

  async function sweep(): Promise<SweepResult> {
    const result: SweepResult = { expired: 0, reconciled: 0 };
    await guarded('follow-ups', async () => void (await deps.intake.repairFollowUps()));
    for (const order of await ledger.listPending({ expiresBy: clock() })) {
      await guarded(order.id, async () => {
        const { status, changed } = await reconciler.closeAndReconcile(order.id, 'expired', clock());
        if (status === 'paid') {
          if (changed) result.reconciled++;
        } else if (status === 'expired' && changed) {
          result.expired++;
          await tell(order.channel, order.chatId, { kind: 'order.expired', orderId: order.id });
        }
      });
    }
    const now = clock();
    for (const order of await ledger.listPending({ createdBy: now - RECONCILE_PENDING_AFTER_MS, liveAt: now })) {
      await guarded(order.id, async () => {
        const { status, changed } = await reconciler.reconcile(order.id, clock());
        if (!changed) return;
        if (status === 'paid') result.reconciled++;
        // The gateway ended it (failed or closed on its side): the reservation is released; say so.
        else await tell(order.channel, order.chatId, { kind: 'order.status', orderId: order.id, status });
      });
    }
    if (result.expired || result.reconciled) logger.info(result, 'order sweep');
    return result;
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    sweep,
    /** Sweeps every `intervalMs` while `mayRun()` (this instance holds the fleet's jobs lease). */
    start(intervalMs: number, mayRun: () => boolean = () => true): void {
      timer = setInterval(() => {
        if (mayRun()) void sweep().catch((err: unknown) => logger.error({ err }, 'order sweep failed'));
      }, intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}
