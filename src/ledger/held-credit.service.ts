import { inTransaction, type Db } from '../db/database.js';
import { addToAmountPaid, listFeeItemsWithReserved } from '../db/repositories/fee-item.repository.js';
import { enqueueOutbox } from '../db/repositories/outbox.repository.js';
import {
  findRefund, insertRefund, insertResolution, listHeldCreditRows, listPendingRefunds, listRefundsForCredit, setCreditFlag,
  settleRefundRow, type HeldCreditRow, type RefundRow,
} from '../db/repositories/refund.repository.js';
import { GatewayError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Fen } from '../money.js';
import type { PaymentGateway, RefundState } from '../ports/gateway.port.js';
import type { StaffEvent } from '../ports/staff.port.js';

// Money held for the finance office (overpayment, a second transaction, a wrong amount, an orphan)
// leaves `held` in one of two ways: refunded through the gateway that took it, or offset onto
// another unpaid item of the same student. Every step is recorded with who did it and why.

export interface HeldCredit {
  id: number;
  studentId: string;
  paymentId: number;
  gateway: string;
  transactionId: string;
  orderId: string;
  reason: string;
  /** What was held originally. */
  amount: Fen;
  /** Still waiting for a decision. */
  openAmount: Fen;
  offsetAmount: Fen;
  /** Refunds sent and not yet settled. */
  refundingAmount: Fen;
  refundedAmount: Fen;
  createdAt: number;
}

export interface RefundResult {
  refundId: string;
  status: 'pending' | 'succeeded' | 'failed';
}

export interface HeldCreditDeps {
  db: Db;
  /** The gateway that took a payment, by the name recorded with it. */
  gateways: (name: string) => PaymentGateway | undefined;
  logger?: Logger;
}

const MAX_NOTE = 500;

export function refundNumber(creditId: number, attempt: number): string {
  // WeChat Pay out_refund_no and Alipay out_request_no both accept this (≤ 64 of [0-9A-Za-z-]).
  return `FBR${creditId}-${attempt}`;
}

function toHeld(r: HeldCreditRow): HeldCredit {
  return {
    id: r.id, studentId: r.student_id, paymentId: r.payment_id, gateway: r.gateway, transactionId: r.transaction_id,
    orderId: r.order_id, reason: r.reason, amount: r.amount, openAmount: r.amount - r.offset - r.refunding - r.refunded,
    offsetAmount: r.offset, refundingAmount: r.refunding, refundedAmount: r.refunded, createdAt: r.created_at,
  };
}

function checkActor(note: string, actor: string): void {
  if (note.trim().length === 0 || note.length > MAX_NOTE) throw new ValidationError(`a note of 1-${MAX_NOTE} characters is required`);
  if (actor.trim().length === 0 || actor.length > 100) throw new ValidationError('an actor of 1-100 characters is required');
}

export function createHeldCreditService({ db, gateways, logger }: HeldCreditDeps) {
  async function loadOne(creditId: number): Promise<HeldCredit> {
    const [row] = await listHeldCreditRows(db, { creditId });
    if (!row) throw new ValidationError(`no credit ${creditId}`);
    return toHeld(row);
  }

  async function listHeldCredits(filter: { studentId?: string; open?: boolean } = {}): Promise<HeldCredit[]> {
    const rows = (await listHeldCreditRows(db, filter.studentId !== undefined ? { studentId: filter.studentId } : {})).map(toHeld);
    if (filter.open === undefined) return rows;
    return rows.filter((c) => (c.openAmount > 0) === filter.open);
  }

  /** Records the gateway's answer; a failed refund gives the money back to the credit and tells staff again. */
  async function settle(refund: RefundRow, state: RefundState, now: number): Promise<RefundResult['status']> {
    if (state.status === 'succeeded' || state.status === 'failed') {
      await inTransaction(db, async (tx) => {
        if (!(await settleRefundRow(tx, refund.refund_no, state.status as 'succeeded' | 'failed', now, state.gatewayRefundId))) return;
        if (state.status === 'failed') {
          await setCreditFlag(tx, refund.credit_id, true);
          const event: StaffEvent = { kind: 'credit.held', creditId: refund.credit_id };
          await enqueueOutbox(tx, [{ lane: `staff:credit:${refund.credit_id}`, kind: 'staff', payload: { event }, runAfter: now }], now);
        }
      });
      logger?.info({ refundNo: refund.refund_no, status: state.status }, 'refund settled');
    }
    return (await findRefund(db, refund.refund_no))?.status ?? 'pending';
  }

  /** Sends (or re-sends: the gateway dedupes on the refund number) a pending refund and records the answer. */
  async function submit(refund: RefundRow, reason: string, now: number): Promise<RefundResult> {
    const gateway = gateways(refund.gateway);
    if (!gateway) throw new GatewayError(`gateway ${refund.gateway} is not configured; cannot refund ${refund.refund_no}`, false);
    let state: RefundState;
    try {
      state = await gateway.refund({
        refundNo: refund.refund_no, orderId: refund.order_id, transactionId: refund.transaction_id,
        amount: refund.amount, paymentTotal: refund.payment_total, reason,
      });
    } catch (error) {
      // Unreachable or busy: the refund stays pending and the query (or a second call) settles it.
      if (error instanceof GatewayError && !error.retryable) state = { status: 'failed' };
      else {
        logger?.warn({ err: error, refundNo: refund.refund_no }, 'refund request failed; will be settled by query');
        return { refundId: refund.refund_no, status: 'pending' };
      }
    }
    return { refundId: refund.refund_no, status: state.status === 'unknown' ? 'pending' : await settle(refund, state, now) };
  }

  /**
   * Refunds what is still open of a credit. Idempotent per credit: while a refund is pending or has
   * succeeded, calling again returns it (re-asking the gateway about a pending one); after a failed
   * refund a new attempt gets the next number.
   */
  async function refundHeldCredit(input: { creditId: number; note: string; actor: string; now: number }): Promise<RefundResult> {
    checkActor(input.note, input.actor);
    const credit = await loadOne(input.creditId);
    if (!gateways(credit.gateway)) throw new GatewayError(`gateway ${credit.gateway} is not configured; cannot refund credit ${credit.id}`, false);
    const { refund, fresh } = await inTransaction(db, async (tx) => {
      const earlier = await listRefundsForCredit(tx, input.creditId);
      const live = earlier.find((r) => r.status !== 'failed');
      if (live) return { refund: live, fresh: false };
      const [row] = await listHeldCreditRows(tx, { creditId: input.creditId });
      const open = row ? toHeld(row).openAmount : 0;
      if (!row || open <= 0) throw new ValidationError(`credit ${input.creditId} has nothing left to refund`);
      const created: RefundRow = {
        refund_no: refundNumber(row.id, earlier.length + 1), credit_id: row.id, attempt: earlier.length + 1, gateway: row.gateway,
        order_id: row.order_id, transaction_id: row.transaction_id, amount: open, payment_total: row.payment_amount, status: 'pending',
        gateway_refund_id: null, created_at: input.now, settled_at: null,
      };
      await insertRefund(tx, created);
      await insertResolution(tx, {
        credit_id: row.id, kind: 'refund', amount: open, fee_item_id: null, refund_no: created.refund_no,
        note: input.note, actor: input.actor, created_at: input.now,
      });
      await setCreditFlag(tx, row.id, false);
      return { refund: created, fresh: true };
    });
    if (!fresh && refund.status !== 'pending') return { refundId: refund.refund_no, status: refund.status };
    logger?.info({ creditId: input.creditId, refundNo: refund.refund_no, amount: refund.amount, actor: input.actor }, 'refund requested');
    return submit(refund, input.note, input.now);
  }

  /** Puts what is open of a credit onto another unpaid item of the same student (never past what it still owes). */
  async function offsetHeldCredit(input: { creditId: number; feeItemId: number; note: string; actor: string; now: number }): Promise<{ applied: Fen }> {
    checkActor(input.note, input.actor);
    return inTransaction(db, async (tx) => {
      const [row] = await listHeldCreditRows(tx, { creditId: input.creditId });
      if (!row) throw new ValidationError(`no credit ${input.creditId}`);
      const open = toHeld(row).openAmount;
      if (open <= 0) throw new ValidationError(`credit ${input.creditId} has nothing left to offset`);
      const [item] = row.student_id ? await listFeeItemsWithReserved(tx, row.student_id, input.now, [input.feeItemId]) : [];
      if (!item) throw new ValidationError(`fee item ${input.feeItemId} does not belong to the credit's student`);
      // Live orders keep their reservation: an offset may not take what a pending payment will cover.
      const room = item.amount_due - item.amount_paid - item.reserved;
      const applied = Math.min(open, room);
      if (applied <= 0) throw new ValidationError(`fee item ${input.feeItemId} has nothing unpaid (or unreserved) left`);
      await addToAmountPaid(tx, item.id, applied, input.now);
      await insertResolution(tx, {
        credit_id: row.id, kind: 'offset', amount: applied, fee_item_id: item.id, refund_no: null,
        note: input.note, actor: input.actor, created_at: input.now,
      });
      if (applied === open) await setCreditFlag(tx, row.id, false);
      logger?.info({ creditId: row.id, feeItemId: item.id, applied, actor: input.actor }, 'held credit offset');
      return { applied };
    });
  }

  /** A refund notification (already verified by the gateway adapter). Unknown numbers change nothing. */
  async function settleRefund(refundNo: string, status: 'succeeded' | 'failed', now: number): Promise<RefundResult['status'] | null> {
    const refund = await findRefund(db, refundNo);
    if (!refund) return null;
    return settle(refund, { status }, now);
  }

  /** Asks the gateways about refunds still pending (reconciliation, the sweeper); returns how many settled. */
  async function syncPendingRefunds(now: number): Promise<number> {
    let settled = 0;
    for (const refund of await listPendingRefunds(db)) {
      const gateway = gateways(refund.gateway);
      if (!gateway) continue;
      try {
        const state = await gateway.queryRefund(refund.refund_no, refund.order_id);
        if (state.status === 'unknown') {
          // The request never arrived (crash or timeout before it was sent): send it again, same number.
          if ((await submit(refund, 'refund', now)).status !== 'pending') settled += 1;
        } else if ((await settle(refund, state, now)) !== 'pending') settled += 1;
      } catch (error) {
        logger?.warn({ err: error, refundNo: refund.refund_no }, 'refund query failed');
      }
    }
    return settled;
  }

  return { listHeldCredits, refundHeldCredit, offsetHeldCredit, settleRefund, syncPendingRefunds };
}

export type HeldCreditService = ReturnType<typeof createHeldCreditService>;
