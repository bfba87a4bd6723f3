import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/runtime/runtime-types.js';
import { createOrderCommands } from '../../src/runtime/order-commands.js';
import { T0, itemById, type Fixture } from '../ledger/ledger-fixture.js';
import { dormOrder as createDormOrder, setupOrderRuntime, type ScriptedGateway } from './order-runtime-fixture.js';

// 【付款已成功】 and 取消订单 against a scripted gateway: the gateway's answer is reconciled into the ledger.

let f: Fixture;
let gw: ScriptedGateway;
let run: ReturnType<typeof createOrderCommands>;
const ctx: CommandContext = { channel: 'web', chatId: 'c1', now: T0 + 60_000, lang: 'zh-CN' };

beforeEach(async () => {
  const runtime = await setupOrderRuntime(() => T0 + 60_000);
  ({ f, gw } = runtime);
  const { intake, logger } = runtime;
  run = createOrderCommands({ ledger: f.ledger, gateway: gw.gateway, intake, studentName: async () => '李雷', logger });
});
afterEach(async () => {
  await f.db.destroy();
});

const dormOrder = () => createDormOrder(f, gw);

const dormReserved = async () => (await f.ledger.loadFacts('S1', T0 + 60_000)).items.find((i) => i.code === 'DORM')!.reserved;

describe('order.query', () => {
  it('closes the ledger order when the gateway answers closed, releasing the reservation', async () => {
    const order = await dormOrder();
    expect(await dormReserved()).toBe(120_000);
    gw.states.set(order.id, { status: 'closed' });
    expect(await run({ kind: 'order.query', orderId: order.id }, ctx)).toEqual({ kind: 'order.status', orderId: order.id, status: 'closed' });
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'closed' });
    expect(await dormReserved()).toBe(0);
  });

  it('keeps a pending order pending when the gateway has no payment yet', async () => {
    const order = await dormOrder();
    expect(await run({ kind: 'order.query', orderId: order.id }, ctx)).toEqual({ kind: 'order.status', orderId: order.id, status: 'pending' });
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'pending' });
  });
});

describe('order.close', () => {
  it('closes at the gateway before asking; an unpaid order is cancelled', async () => {
    const order = await dormOrder();
    expect(await run({ kind: 'order.close', orderId: order.id }, ctx)).toEqual({ kind: 'order.closed', orderId: order.id });
    expect(gw.calls).toEqual([`close ${order.id}`, `query ${order.id}`]);
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'closed' });
  });

  it('credits an order paid just as it is cancelled and answers paid', async () => {
    const order = await dormOrder();
    gw.paysWhileClosing.set(order.id, { status: 'paid', transactionId: 'TX-C', amount: 120_000, paidAt: T0 + 50_000 });
    expect(await run({ kind: 'order.close', orderId: order.id }, ctx)).toEqual({ kind: 'order.status', orderId: order.id, status: 'paid' });
    expect(await f.ledger.getOrder(order.id)).toMatchObject({ status: 'paid' });
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
  });
});
