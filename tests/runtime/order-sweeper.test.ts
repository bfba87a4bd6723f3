import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventWithoutTime } from '../../src/runtime/runtime-types.js';
import type { RuntimeDispatcher } from '../../src/runtime/dispatcher.js';
import { createOrderSweeper, RECONCILE_PENDING_AFTER_MS } from '../../src/runtime/order-sweeper.js';
import { EXPIRY_MS, T0, itemById, type Fixture } from '../ledger/ledger-fixture.js';
import { dormOrder as createDormOrder, setupOrderRuntime, type ScriptedGateway } from './order-runtime-fixture.js';
import type { PaidState } from './scripted-gateway.js';

// The sweeper against a scripted gateway: expiry (close first, then ask) and the scheduled
// reconciliation of pending orders whose notification may have been lost.

let f: Fixture;
let gw: ScriptedGateway;
let now: number;
let told: EventWithoutTime[];
let sweeper: ReturnType<typeof createOrderSweeper>;

beforeEach(async () => {
  now = T0;
  told = [];
  const clock = () => now;
  const runtime = await setupOrderRuntime(clock);
  ({ f, gw } = runtime);
  const { intake, logger } = runtime;
  const dispatcher: Pick<RuntimeDispatcher, 'deliverEvent'> = {
    deliverEvent: async (_channel, _chatId, event) => void told.push(event),
  };
  sweeper = createOrderSweeper({ ledger: f.ledger, gateway: gw.gateway, intake, dispatcher, clock, logger });
});
afterEach(async () => {
  await f.db.destroy();
});

const dormOrder = () => createDormOrder(f, gw);

const paidState = (orderId: string): PaidState => ({ status: 'paid', transactionId: `TX-${orderId}`, amount: 120_000, paidAt: T0 + 30_000 });
const receiptsQueued = async () => (await f.db.selectFrom('outbox').select('kind').where('kind', '=', 'receipt').execute()).length;

describe('order sweeper: pending orders', () => {
  it('credits a pending order the gateway reports paid once it is older than the threshold', async () => {
    const order = await dormOrder();
    gw.states.set(order.id, paidState(order.id));

    now = T0 + RECONCILE_PENDING_AFTER_MS - 1;
    expect(await sweeper.sweep()).toEqual({ expired: 0, reconciled: 0 });
    expect(gw.calls).toEqual([]);

    now = T0 + RECONCILE_PENDING_AFTER_MS;
    expect(await sweeper.sweep()).toEqual({ expired: 0, reconciled: 1 });
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'paid' });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await receiptsQueued()).toBe(1);

    // Already paid: not asked again.
    gw.calls.length = 0;
    now += 30_000;
    expect(await sweeper.sweep()).toEqual({ expired: 0, reconciled: 0 });
    expect(gw.calls).toEqual([]);
  });

  it('leaves a pending order the gateway still has pending alone', async () => {
    const order = await dormOrder();
    now = T0 + 5 * 60_000;
    expect(await sweeper.sweep()).toEqual({ expired: 0, reconciled: 0 });
    expect(gw.calls).toEqual([`query ${order.id}`]);
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'pending' });
    expect(told).toEqual([]);
  });

  it('ends an order the gateway closed on its side and tells the student', async () => {
    const order = await dormOrder();
    gw.states.set(order.id, { status: 'closed' });
    now = T0 + 5 * 60_000;
    await sweeper.sweep();
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'closed' });
    expect(told).toEqual([{ kind: 'order.status', orderId: order.id, status: 'closed' }]);
  });
});

describe('order sweeper: expiry', () => {
  it('closes at the gateway before asking, then expires the unpaid order and tells the student', async () => {
    const order = await dormOrder();
    now = T0 + EXPIRY_MS;
    expect(await sweeper.sweep()).toEqual({ expired: 1, reconciled: 0 });
    expect(gw.calls).toEqual([`close ${order.id}`, `query ${order.id}`]);
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'expired' });
    expect(told).toEqual([{ kind: 'order.expired', orderId: order.id }]);
  });

  it('credits a payment that lands while the order is being closed', async () => {
    const order = await dormOrder();
    gw.paysWhileClosing.set(order.id, paidState(order.id));
    now = T0 + EXPIRY_MS;
    expect(await sweeper.sweep()).toEqual({ expired: 0, reconciled: 1 });
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'paid' });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(told).toEqual([]);
  });
});
