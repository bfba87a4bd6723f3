import { formatMoney } from '../../money.js';
import { assertNever } from '../../errors.js';
import { financeOffice } from '../branding-text.js';
import type { Effect, TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { translate } from '../i18n/index.js';
import { message, notice, showStep, stay } from '../present.js';
import type { ConversationState, OrderCardStatus } from '../state.js';
import type { NoticeFacts } from '../views.js';
import { currentOrderId, leaveReport, orderDetailsOf } from './order.step.js';

// Answers about orders: created, failed, status, closed, expired, paid, problem reported.

type EventOf<K extends EngineEvent['kind']> = Extract<EngineEvent, { kind: K }>;
type CardDetails = Omit<StepOf<'order.paying'>, 'name'>;

/** The pay card of this order, when the student is on it (the card, 付款出现问题 or 报告问题). */
function cardOf(state: ConversationState, orderId: string): CardDetails | null {
  const step = state.step;
  if (!state.session || currentOrderId(step) !== orderId) return null;
  if (step.name === 'order.report') return orderDetailsOf(step);
  if (step.name !== 'order.paying' && step.name !== 'order.problem') return null;
  const { name: _name, ...details } = step;
  return details;
}

/** A later word never takes a card back: 已开票 stays, and a paid order is not shown as closed. */
function advance(current: OrderCardStatus | undefined, next: OrderCardStatus): OrderCardStatus {
  if (current === 'receipted' || (current === 'paid' && next !== 'receipted')) return current;
  return next;
}

/**
 * Redraws the card with its new status, in place. `facts` go with it for channels that must send
 * it another way (a WeChat template outside the 48-hour window).
 */
function showCard(state: ConversationState, card: CardDetails, env: EngineEnv, change: Partial<CardDetails> & { status: OrderCardStatus }, facts?: NoticeFacts): TransitionResult {
  const status = advance(card.status, change.status);
  const result = showStep(state, { name: 'order.paying', ...card, ...change, status }, env);
  if (!facts) return result;
  return { state: result.state, effects: result.effects.map((e) => (e.type === 'show' && e.view.placement === 'menu' ? { ...e, view: { ...e.view, notice: facts } } : e)) };
}

export function onOrderCreated(state: ConversationState, event: EventOf<'order.created'>, env: EngineEnv): TransitionResult {
  const step = state.step;
  if (step.name === 'order.creating' && state.session) {
    const { orderId, payUrl, qrPayload, total, expiresAt } = event;
    return showStep(state, { name: 'order.paying', orderId, payUrl, qrPayload, total, lines: step.selection, expiresAt }, env);
  }
  // The student moved on meanwhile: the order exists and holds the money, so still offer its link.
  if (!state.session) return stay(state);
  const text = translate(state.lang, 'order.createdElsewhere', { orderId: event.orderId, total: formatMoney(event.total) });
  return stay(state, [message(text, [[{ label: translate(state.lang, 'btn.goPay'), url: event.payUrl }]])]);
}

export function onOrderFailed(state: ConversationState, event: EventOf<'order.failed'>, env: EngineEnv): TransitionResult {
  const key = event.reason === 'exceedsOutstanding' ? 'order.failedExceeds' : 'order.failedGateway';
  const lead = [notice(state.lang, key)];
  const step = state.step;
  if (step.name !== 'order.creating' || !state.session) return stay(state, lead);
  return event.reason === 'exceedsOutstanding'
    ? showStep(state, { name: 'select', selection: [] }, env, lead)
    : showStep(state, { name: 'confirm', selection: step.selection }, env, lead);
}

/**
 * The order's state, from 付款已成功 (a query) or pushed by the gateway (a failed or cancelled
 * payment): the card shows it in place, with 重新支付 where the order can no longer be paid.
 */
export function onOrderStatus(state: ConversationState, event: EventOf<'order.status'>, env: EngineEnv): TransitionResult {
  const card = cardOf(state, event.orderId);
  const { lang } = state;
  if (!card) {
    // Pushed while the student is elsewhere: still say so (the card is gone from the screen).
    return event.pushed && event.status === 'failed' ? stay(state, [notice(lang, 'order.statusFailed', { orderId: event.orderId })]) : stay(state);
  }
  switch (event.status) {
    case 'paid':
      // payment.confirmed follows with the receipt and turns the card to 已开票.
      return showCard(state, card, env, { status: 'paid' });
    case 'pending':
      return stay(state, [notice(lang, 'order.statusPending')]);
    case 'failed':
    case 'expired':
    case 'closed':
      return showCard(state, card, env, { status: event.status });
    default:
      return assertNever(event.status);
  }
}

/** 分享给家长代付: the link, to copy or forward, under the card; or why there is none. */
export function onOrderShared(state: ConversationState, event: EventOf<'order.shared'>): TransitionResult {
  if (!state.session) return stay(state);
  if (event.url === null) return stay(state, [notice(state.lang, 'share.gone', { orderId: event.orderId })]);
  const text = translate(state.lang, 'share.text', { orderId: event.orderId, url: event.url });
  return stay(state, [message(text, [[{ label: translate(state.lang, 'btn.openShare'), url: event.url }]])]);
}

export function onOrderClosed(state: ConversationState, event: EventOf<'order.closed'>, env: EngineEnv): TransitionResult {
  const card = cardOf(state, event.orderId);
  if (!card) return stay(state, [notice(state.lang, 'order.closed')]);
  return showCard(state, card, env, { status: 'closed' });
}

export function onOrderExpired(state: ConversationState, event: EventOf<'order.expired'>, env: EngineEnv): TransitionResult {
  const text = translate(state.lang, 'order.expired', { orderId: event.orderId });
  const facts: NoticeFacts = { kind: 'order.expired', orderId: event.orderId };
  const card = cardOf(state, event.orderId);
  if (card) return showCard(state, card, env, { status: 'expired' }, facts);
  return stay(state, [{ type: 'show', view: { placement: 'message', text, buttons: [], notice: facts } }]);
}

export function onProblemReported(state: ConversationState, event: EventOf<'problem.reported'>, env: EngineEnv): TransitionResult {
  const lead = [notice(state.lang, 'report.done', { reportId: event.reportId, financeOffice: financeOffice(env, state.lang) })];
  const step = state.step;
  if (step.name !== 'order.report' || !state.session) return stay(state, lead);
  return showStep(state, leaveReport(step, 'order.paying'), env, lead);
}

const HELD_TEXT = { exceedsDue: 'payment.heldExceeds', partlyExceedsDue: 'payment.heldPart', amountMismatch: 'payment.heldMismatch' } as const;

/** Proactive, in any step: money that went to the finance office instead of fee items. No receipt. */
export function onPaymentHeld(state: ConversationState, event: EventOf<'payment.held'>): TransitionResult {
  return stay(state, [notice(state.lang, HELD_TEXT[event.reason], { orderId: event.orderId, amount: formatMoney(event.amount) })]);
}

/** Proactive: the receipt arrives in any step, logged in or not. */
export function onPaymentConfirmed(state: ConversationState, event: EventOf<'payment.confirmed'>, env: EngineEnv): TransitionResult {
  const { lang } = state;
  const text = [
    translate(lang, 'receipt.title'),
    translate(lang, 'receipt.orderId', { orderId: event.orderId }),
    translate(lang, 'receipt.total', { total: formatMoney(event.total) }),
    translate(lang, 'receipt.no', { receiptNo: event.receiptNo }),
  ].join('\n');
  const { orderId, total, receiptNo, receiptUrl } = event;
  const receipt: Extract<Effect, { type: 'show' }> = {
    type: 'show',
    view: {
      placement: 'message',
      text,
      buttons: [[{ label: translate(lang, 'btn.receipt'), url: receiptUrl }]],
      notice: { kind: 'payment.confirmed', orderId, total, receiptNo, receiptUrl },
    },
  };
  const card = cardOf(state, orderId);
  if (card) return showCard(state, card, env, { status: 'receipted', receiptUrl, receiptNo }, receipt.view.notice);
  return stay(state, [receipt]);
}
