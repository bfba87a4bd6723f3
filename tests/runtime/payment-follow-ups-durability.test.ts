import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import { createPaymentIntake } from '../../src/runtime/payment-intake.js';
import { T0, itemById, paid, setupLedger, type Fixture } from '../ledger/ledger-fixture.js';
import { testStore } from '../support/test-store.js';
import { scriptedGateway } from './scripted-gateway.js';

// Issue 7.1: the credit and its follow-ups (receipt, notices, the staff card) commit together, and
// a payment an older version recorded without them is repaired by the next duplicate, the sweeper
// or the start.

let f: Fixture;
let intake: ReturnType<typeof createPaymentIntake>;

beforeEach(async () => {
  f = await setupLedger();
  intake = createPaymentIntake({ gateway: scriptedGateway().gateway, ledger: f.ledger, clock: () => T0, logger: createLogger('silent'), onEnqueued: () => {} });
});
afterEach(async () => f.db.destroy());

async function dormOrder(): Promise<OrderRecord> {
  const r = await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.DORM, amount: 120_000 }], channel: 'web', chatId: 'c1', now: T0 });
  if (!r.ok) throw new Error(r.reason);
  return r.order;
}

const pay = (o: OrderRecord, transactionId: string, amount = o.total) =>
  intake.acceptPaidState(o.id, { status: 'paid', transactionId, amount, paidAt: T0 });

/** A trigger that fails every insert of a receipt entry into the outbox, as a crash there would. */
async function crashOnReceipt(on: boolean): Promise<void> {
  if (testStore === 'postgres') {
    if (!on) return void (await sql`drop trigger crash_on_receipt on outbox`.execute(f.db));
    await sql`create or replace function crash_on_receipt() returns trigger language plpgsql as $$ begin if new.kind = 'receipt' then raise exception 'killed'; end if; return new; end $$`.execute(f.db);
    await sql`create trigger crash_on_receipt before insert on outbox for each row execute function crash_on_receipt()`.execute(f.db);
    return;
  }
  if (!on) return void (await sql`drop trigger crash_on_receipt`.execute(f.db));
  await sql`create trigger crash_on_receipt before insert on outbox when new.kind = 'receipt' begin select raise(abort, 'killed'); end`.execute(f.db);
}

const kinds = async () => (await f.db.selectFrom('outbox').select('kind').orderBy('id').execute()).map((r) => r.kind);

describe('payment follow-ups survive a crash', () => {
  it('a failure while queuing the receipt rolls the credit back; the gateway retry credits once and queues the receipt', async () => {
    const o = await dormOrder();
    // The process "dies" right after the credit, when the receipt is written.
    await crashOnReceipt(true);
    await expect(pay(o, 'TX1')).rejects.toThrow('killed');
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(0);
    expect((await f.ledger.getOrder(o.id))?.status).toBe('pending');

    await crashOnReceipt(false);
    expect(await pay(o, 'TX1')).toBe('applied');
    expect((await itemById(f.db, f.ids.DORM)).amount_paid).toBe(120_000);
    expect(await kinds()).toEqual(['receipt']);
    // Later duplicates add nothing.
    expect(await pay(o, 'TX1')).toBe('duplicate');
    expect(await kinds()).toEqual(['receipt']);
  });

  it('a payment recorded without follow-ups (an older version crashed) is repaired by its next duplicate, once', async () => {
    const o = await dormOrder();
    await f.ledger.applyPayment('sandbox', paid(o.id, o.total, 'TX1', T0), T0);
    expect(await kinds()).toEqual([]);
    await Promise.all([pay(o, 'TX1'), pay(o, 'TX1'), pay(o, 'TX1')]);
    expect(await kinds()).toEqual(['receipt']);
  });

  it('the repair at start and on every sweep queues what is missing, held money included, once', async () => {
    const o = await dormOrder();
    const other = await dormOrder().catch(() => null);
    expect(other).toBeNull(); // the dorm fee is reserved by o
    await f.ledger.applyPayment('sandbox', paid(o.id, o.total + 500, 'TX1', T0), T0); // a wrong amount: held
    const o2 = (await f.ledger.createOrder({ studentId: 'S1', lines: [{ itemId: f.ids.BOOKS, amount: 30_000 }], channel: 'web', chatId: 'c1', now: T0 }));
    if (!o2.ok) throw new Error(o2.reason);
    await f.ledger.applyPayment('sandbox', paid(o2.order.id, 30_000, 'TX2', T0), T0);
    expect(await kinds()).toEqual([]);

    expect(await intake.repairFollowUps()).toBe(2);
    expect((await kinds()).sort()).toEqual(['event', 'receipt', 'staff']);
    expect(await intake.repairFollowUps()).toBe(0);
    expect((await kinds()).length).toBe(3);
  });
});
