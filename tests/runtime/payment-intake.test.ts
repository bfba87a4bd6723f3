import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../src/engine/state.js';
import { transition } from '../../src/engine/transition.js';
import type { OrderRecord } from '../../src/ledger/index.js';
import { createLogger } from '../../src/logger.js';
import { createPaymentIntake } from '../../src/runtime/payment-intake.js';
import { makeConfig } from '../engine/fixtures.js';
import { EXPIRY_MS, T0, paid, setupLedger, type Fixture } from '../ledger/ledger-fixture.js';
import { scriptedGateway } from './scripted-gateway.js';

// After a payment is applied: a receipt only for money that reached fee items; a truthful notice
// for money held as a flagged credit for the finance office.

let f: Fixture;
let now: number;
let intake: ReturnType<typeof createPaymentIntake>;

beforeEach(async () => {
  f = await setupLedger();
  now = T0;
  const clock = () => now;
  intake = createPaymentIntake({ gateway: scriptedGateway().gateway, ledger: f.ledger, clock, logger: createLogger('silent'), onEnqueued: () => {} });
});
afterEach(async () => {
  await f.db.destroy();
});

async function order(lines: { itemId: number; amount: number }[], at = T0): Promise<OrderRecord> {
  const r = await f.ledger.createOrder({ studentId: 'S1', lines, channel: 'web', chatId: 'c1', now: at });
  if (!r.ok) throw new Error(r.reason);
  return r.order;
}

/** Applies a payment the way the gateway reports it when asked. */
async function pay(o: OrderRecord, transactionId: string, amount = o.total): Promise<string> {
  const n = paid(o.id, amount, transactionId, now);
  return intake.acceptPaidState(o.id, { status: 'paid', transactionId, amount: n.amount, paidAt: n.paidAt });
}

/** What the student's side gets (the staff cards are checked on their own). */
async function queued(): Promise<{ kind: string; payload: unknown }[]> {
  const rows = await f.db.selectFrom('outbox').select(['kind', 'payload_json']).where('kind', '!=', 'staff').orderBy('id').execute();
  return rows.map((r) => ({ kind: r.kind, payload: JSON.parse(r.payload_json) as unknown }));
}

const held = (orderId: string, amount: number, reason: string) => ({
  kind: 'event',
  payload: { channel: 'web', chatId: 'c1', event: { kind: 'payment.held', orderId, amount, reason } },
});

describe('payment intake follow-ups', () => {
  it('every held credit gets a card for the finance office, queued with the payment', async () => {
    const o = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    await pay(o, 'TX1', 99_000);
    const staff = await f.db.selectFrom('outbox').select(['lane', 'payload_json']).where('kind', '=', 'staff').execute();
    const credits = await f.db.selectFrom('credits').select('id').execute();
    expect(credits).toHaveLength(1);
    expect(staff.map((r) => JSON.parse(r.payload_json) as unknown)).toEqual([{ event: { kind: 'credit.held', creditId: Number(credits[0]!.id) } }]);
  });

  it('a payment credited to fee items gets a receipt and no notice', async () => {
    const o = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    expect(await pay(o, 'TX1')).toBe('applied');
    expect(await queued()).toEqual([{ kind: 'receipt', payload: { orderId: o.id } }]);
  });

  it('a second transaction for a paid order: no second receipt, the student is told it went to the finance office', async () => {
    const o = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    await pay(o, 'TX1');
    expect(await pay(o, 'TX2')).toBe('late');
    expect(await queued()).toEqual([{ kind: 'receipt', payload: { orderId: o.id } }, held(o.id, 120_000, 'exceedsDue')]);
  });

  it('late money for an expired order whose items another order paid: no receipt, a notice', async () => {
    const a = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    expect(await f.ledger.markOrder(a.id, 'expired', T0 + EXPIRY_MS)).toBe(true);
    now = T0 + EXPIRY_MS + 60_000;
    const b = await order([{ itemId: f.ids.DORM, amount: 120_000 }], now);
    await pay(b, 'TXB');
    expect(await pay(a, 'TXA')).toBe('late');
    expect(await queued()).toEqual([{ kind: 'receipt', payload: { orderId: b.id } }, held(a.id, 120_000, 'exceedsDue')]);
  });

  it('late money partly credited: a receipt, and a notice for the part beyond what was owed', async () => {
    const a = await order([{ itemId: f.ids.DORM, amount: 120_000 }, { itemId: f.ids.BOOKS, amount: 30_000 }]);
    expect(await f.ledger.markOrder(a.id, 'expired', T0 + EXPIRY_MS)).toBe(true);
    now = T0 + EXPIRY_MS + 60_000;
    const b = await order([{ itemId: f.ids.DORM, amount: 120_000 }], now);
    await pay(b, 'TXB');
    expect(await pay(a, 'TXA')).toBe('late');
    const [, ...rest] = await queued();
    expect(rest).toEqual([{ kind: 'receipt', payload: { orderId: a.id } }, held(a.id, 120_000, 'partlyExceedsDue')]);
  });

  it('a wrong amount: no receipt, a notice', async () => {
    const o = await order([{ itemId: f.ids.DORM, amount: 120_000 }]);
    expect(await pay(o, 'TXW', 100_000)).toBe('mismatch');
    expect(await queued()).toEqual([held(o.id, 100_000, 'amountMismatch')]);
  });
});

describe('payment.held in the conversation', () => {
  const event = { kind: 'payment.held', at: T0, orderId: 'FB1', amount: 120_000, reason: 'exceedsDue' } as const;
  const textOf = (lang: 'zh-CN' | 'en') => {
    const { effects } = transition(initialState(lang), event, { facts: { student: null, items: [] }, config: makeConfig() });
    return effects.map((e) => (e.type === 'show' ? e.view.text : '')).join('\n');
  };

  it('says the money was received and passed to the finance office, in Chinese and English', () => {
    expect(textOf('zh-CN')).toBe('我们收到了订单 FB1 的付款 ¥1,200.00，该款项超出应缴金额，已转交财务处处理（退款或抵扣）');
    expect(textOf('en')).toContain('We received a payment of ¥1,200.00 for order FB1');
    expect(textOf('en')).toContain('finance office');
    expect(textOf('zh-CN')).not.toContain('缴费成功');
  });
});
