import { inTransaction, type Db } from '../db/database.js';
import { findReconcileReport, listOrdersCreatedBetween, saveReconcileReport } from '../db/repositories/checkout.repository.js';
import { enqueueOutbox } from '../db/repositories/outbox.repository.js';
import { listPaymentsForOrder } from '../db/repositories/payment.repository.js';
import { sumMoneyTotals } from '../db/repositories/refund.repository.js';
import type { Ledger } from '../ledger/index.js';
import type { Logger } from '../logger.js';
import type { GatewayOrderState, PaymentGateway } from '../ports/gateway.port.js';
import type { StaffEvent } from '../ports/staff.port.js';
import type { PaymentIntake } from './payment-intake.js';
import { dayRange, DEFAULT_TIMEZONE, localDate } from '../local-date.js';

// The daily reconciliation: every ledger order of a local (TIMEZONE, default Beijing) day is compared with what each gateway
// it was tried with says. Money paid at a gateway but missing from the ledger is credited now (through
// the intake: applied once, receipt or held credit as usual); money the ledger has but no gateway
// confirms is reported. Pending refunds are asked about too. Differences go to the finance office.

export type Difference =
  | { kind: 'paidAtGatewayOnly'; orderId: string; gateway: string; transactionId: string; amount: number; outcome: string }
  | { kind: 'paidInLedgerOnly'; orderId: string; gateway: string; transactionId: string; amount: number }
  | { kind: 'queryFailed'; orderId: string; message: string }
  | { kind: 'ledgerUnbalanced'; payments: number; accounted: number };

export interface ReconcileReport {
  date: string;
  ordersChecked: number;
  refundsSettled: number;
  differences: Difference[];
}

type Answer = { gateway: string; state: GatewayOrderState };
type QueryEach = (orderId: string) => Promise<Answer[]>;

export interface DailyReconcilerDeps {
  db: Db;
  ledger: Ledger;
  /** The ledger's gateway; a checkout answers for each gateway the order was tried with. */
  gateway: PaymentGateway & { queryEach?: QueryEach };
  intake: PaymentIntake;
  clock: () => number;
  logger: Logger;
  /** TIMEZONE: whose calendar day is reconciled (default Asia/Shanghai, Beijing time). */
  timezone?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** [start, end) of a Beijing calendar day in epoch ms. */
export function beijingDay(date: string): [number, number] {
  const m = DATE.exec(date);
  if (!m) throw new Error(`date must be YYYY-MM-DD, got ${date}`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3600_000;
  if (new Date(start + 8 * 3600_000).toISOString().slice(0, 10) !== date) throw new Error(`no such date: ${date}`);
  return [start, start + 24 * 3600_000];
}

export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

export function createDailyReconciler(deps: DailyReconcilerDeps) {
  const { db, gateway, intake, clock, logger } = deps;
  const timezone = deps.timezone ?? DEFAULT_TIMEZONE;

  /** [from, to) of a local day; throws on a malformed or impossible date (the CLI's input). */
  function day(date: string): [number, number] {
    if (!DATE.test(date)) throw new Error(`date must be YYYY-MM-DD, got ${date}`);
    const range = dayRange(date, timezone);
    if (!range) throw new Error(`no such date: ${date}`);
    return [range.from, range.to];
  }

  async function answersFor(orderId: string): Promise<Answer[]> {
    if (gateway.queryEach) return gateway.queryEach(orderId);
    return [{ gateway: gateway.name, state: await gateway.queryOrder(orderId) }];
  }

  async function run(date: string): Promise<ReconcileReport> {
    const [from, to] = day(date);
    const differences: Difference[] = [];
    const orders = await listOrdersCreatedBetween(db, from, to);
    for (const order of orders) {
      let answers: Answer[];
      try {
        answers = await answersFor(order.id);
      } catch (error) {
        differences.push({ kind: 'queryFailed', orderId: order.id, message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      const recorded = await listPaymentsForOrder(db, order.id);
      for (const a of answers) {
        if (a.state.status !== 'paid') continue;
        const known = recorded.some((p) => p.gateway === a.gateway && p.transaction_id === (a.state as { transactionId: string }).transactionId);
        if (known) continue;
        const paid = a.state;
        const outcome = await intake.acceptPaidState(order.id, { ...paid, gateway: a.gateway });
        differences.push({ kind: 'paidAtGatewayOnly', orderId: order.id, gateway: a.gateway, transactionId: paid.transactionId, amount: paid.amount, outcome });
      }
      for (const p of recorded) {
        const confirmed = answers.some((a) => a.gateway === p.gateway && a.state.status === 'paid' && a.state.transactionId === p.transaction_id);
        if (!confirmed) differences.push({ kind: 'paidInLedgerOnly', orderId: order.id, gateway: p.gateway, transactionId: p.transaction_id, amount: p.amount });
      }
    }
    const refundsSettled = await deps.ledger.heldCredits.syncPendingRefunds(clock());
    const totals = await sumMoneyTotals(db);
    const accounted = totals.creditedToItems + totals.heldOpen + totals.refunded;
    if (accounted !== totals.payments) differences.push({ kind: 'ledgerUnbalanced', payments: totals.payments, accounted });

    const report: ReconcileReport = { date, ordersChecked: orders.length, refundsSettled, differences };
    const now = clock();
    await inTransaction(db, async (tx) => {
      await saveReconcileReport(tx, date, JSON.stringify(report), differences.length, now);
      if (differences.length > 0) {
        const event: StaffEvent = { kind: 'reconcile.differences', date };
        await enqueueOutbox(tx, [{ lane: 'staff', kind: 'staff', payload: { event }, runAfter: now }], now);
      }
    });
    logger[differences.length ? 'warn' : 'info']({ date, ordersChecked: orders.length, differences: differences.length }, 'daily reconciliation');
    return report;
  }

  /** The scheduled run: yesterday's day once, after 02:00 local time (a saved report means done). */
  async function runDue(): Promise<ReconcileReport | null> {
    const now = clock();
    const [todayStart] = day(localDate(now, timezone));
    if (now - todayStart < 2 * 3600_000) return null;
    const yesterday = localDate(todayStart - 1, timezone);
    if (await findReconcileReport(db, yesterday)) return null;
    return run(yesterday);
  }

  /** Each tick: refunds still pending are asked about (WeChat Pay's notification may be lost), then the day. */
  async function tick(): Promise<void> {
    await deps.ledger.heldCredits.syncPendingRefunds(clock());
    await runDue();
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    run,
    runDue,
    tick,
    /** Ticks every `intervalMs` while `mayRun()` (this instance holds the fleet's jobs lease). */
    start(intervalMs: number, mayRun: () => boolean = () => true): void {
      timer = setInterval(() => {
        if (mayRun()) void tick().catch((err: unknown) => logger.error({ err }, 'daily reconciliation failed'));
      }, intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type DailyReconciler = ReturnType<typeof createDailyReconciler>;

/** The CLI's text for a report. */
export function formatReconcileReport(r: ReconcileReport): string {
  const lines = [`Reconciliation ${r.date}: ${r.ordersChecked} order(s) checked, ${r.refundsSettled} refund(s) settled, ${r.differences.length} difference(s).`];
  for (const d of r.differences) {
    switch (d.kind) {
      case 'paidAtGatewayOnly':
        lines.push(`  paid at ${d.gateway} but not in the ledger: ${d.orderId} ${d.transactionId} ${d.amount} fen → credited now (${d.outcome})`);
        break;
      case 'paidInLedgerOnly':
        lines.push(`  paid in the ledger but not confirmed by ${d.gateway}: ${d.orderId} ${d.transactionId} ${d.amount} fen`);
        break;
      case 'queryFailed':
        lines.push(`  could not ask about ${d.orderId}: ${d.message}`);
        break;
      case 'ledgerUnbalanced':
        lines.push(`  ledger unbalanced: payments ${d.payments} fen ≠ credited + held + refunded ${d.accounted} fen`);
        break;
    }
  }
  return lines.join('\n');
}
