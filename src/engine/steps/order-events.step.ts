import { formatMoney } from '../../money.js';
import { assertNever } from '../../errors.js';
import { financeOffice } from '../branding-text.js';
import type { Effect, TransitionResult } from '../effects.js';
import type { EngineEnv } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { translate } from '../i18n/index.js';
import { message, notice, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { toHome } from './navigation.step.js';
import { currentOrderId, leaveReport } from './order.step.js';

// Answers about orders: created, failed, status, closed, expired, paid, problem reported.

type EventOf<K extends EngineEvent['kind']> = Extract<EngineEvent, { kind: K }>;

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

export function onOrderStatus(state: ConversationState, event: EventOf<'order.status'>, env: EngineEnv): TransitionResult {
  if (currentOrderId(state.step) !== event.orderId || !state.session) return stay(state);
  const { lang } = state;
  switch (event.status) {
    case 'paid':
      // payment.confirmed follows with the receipt and takes the student home.
      return stay(state, [notice(lang, 'order.statusPaid')]);
    case 'pending':
      return stay(state, [notice(lang, 'order.statusPending')]);
    case 'failed':
      return toHome(state, env, [notice(lang, 'order.statusFailed', { orderId: event.orderId })]);
    case 'expired':
      return toHome(state, env, [notice(lang, 'order.expired', { orderId: event.orderId })]);
    case 'closed':
      return toHome(state, env, [notice(lang, 'order.statusClosed', { orderId: event.orderId })]);
    default:
      return assertNever(event.status);
  }
}

export function onOrderClosed(state: ConversationState, event: EventOf<'order.closed'>, env: EngineEnv): TransitionResult {
  const lead = [notice(state.lang, 'order.closed')];
  if (currentOrderId(state.step) !== event.orderId || !state.session) return stay(state, lead);
  return toHome(state, env, lead);
}

export function onOrderExpired(state: ConversationState, event: EventOf<'order.expired'>, env: EngineEnv): TransitionResult {
  const text = translate(state.lang, 'order.expired', { orderId: event.orderId });
  const lead: Effect[] = [{ type: 'show', view: { placement: 'message', text, buttons: [], notice: { kind: 'order.expired', orderId: event.orderId } } }];
  if (currentOrderId(state.step) !== event.orderId || !state.session) return stay(state, lead);
  return toHome(state, env, lead);
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
  const receipt: Effect = {
    type: 'show',
    view: {
      placement: 'message',
      text,
      buttons: [[{ label: translate(lang, 'btn.receipt'), url: receiptUrl }]],
      notice: { kind: 'payment.confirmed', orderId, total, receiptNo, receiptUrl },
    },
  };
  if (currentOrderId(state.step) === event.orderId && state.session) return toHome(state, env, [receipt]);
  return stay(state, [receipt]);
}
