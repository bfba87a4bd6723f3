import type { OrderRecord } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import { createPaymentIntake } from '../../src/runtime/payment-intake.js';
import { T0, setupLedger, type Fixture } from '../ledger/ledger-fixture.js';
import { scriptedGateway } from './scripted-gateway.js';

export type ScriptedGateway = ReturnType<typeof scriptedGateway>;

/** A fresh ledger, a scripted gateway and a payment intake over both (silent logger, nothing watching the outbox). */
export async function setupOrderRuntime(clock: () => number) {
  const f = await setupLedger();
  const gw = scriptedGateway();
  const logger = createLogger('silent');
  const intake = createPaymentIntake({ gateway: gw.gateway, ledger: f.ledger, clock, logger, onEnqueued: () => {} });
  return { f, gw, logger, intake };
}

/** S1's 住宿费 (¥1,200) ordered at T0 from web chat c1; the gateway answers pending for it. */
export async function dormOrder(f: Fixture, gw: ScriptedGateway): Promise<OrderRecord> {
  const r = await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.DORM, amount: 120_000 }], channel: 'web', chatId: 'c1', now: T0 });
  if (!r.ok) throw new Error(r.reason);
  gw.states.set(r.order.id, { status: 'pending' });
  return r.order;
}
