import type { Logger } from '../logger.js';
import type { ChannelName } from '../ports/channel.port.js';
import type { PaymentGateway } from '../ports/gateway.port.js';
import type { RuntimeDispatcher } from './dispatcher.js';
import type { PaymentIntake } from './payment-intake.js';
import type { Ledger } from '../ledger/index.js';

export interface OrderSweeperDeps {
  ledger: Ledger;
  gateway: PaymentGateway;
  intake: PaymentIntake;
  dispatcher: RuntimeDispatcher;
  clock: () => number;
  logger: Logger;
}

/**
 * Closes orders past their expiry (at the gateway first, so they can no longer be paid) and tells
 * the student. An order the gateway reports paid is credited instead: a payment is never lost.
 */
export function createOrderSweeper(deps: OrderSweeperDeps) {
  const { ledger, gateway, clock, logger } = deps;

  async function sweep(): Promise<{ expired: number; reconciled: number }> {
    let expired = 0;
    let reconciled = 0;
    for (const order of await ledger.listExpiredPending(clock())) {
      const state = await gateway.queryOrder(order.id);
      if (state.status === 'paid') {
        await deps.intake.acceptPaidState(order.id, state);
        reconciled++;
        continue;
      }
      await gateway.closeOrder(order.id);
      if (await ledger.markOrder(order.id, 'expired', clock())) {
        expired++;
        await deps.dispatcher.deliverEvent(order.channel as ChannelName, order.chatId, { kind: 'order.expired', orderId: order.id });
      }
    }
    if (expired || reconciled) logger.info({ expired, reconciled }, 'order sweep');
    return { expired, reconciled };
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    sweep,
    start(intervalMs: number): void {
      timer = setInterval(() => void sweep().catch((err: unknown) => logger.error({ err }, 'order sweep failed')), intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
  };
}
