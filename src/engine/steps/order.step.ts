import type { TransitionResult } from '../effects.js';
import type { EngineEnv, StepOf, UserAction } from '../engine-env.js';
import { ack, notice, progressNotice, reshow, showStep, stay } from '../present.js';
import type { ConversationState, Step } from '../state.js';
import { toLogin } from './navigation.step.js';

// The pay menu, 付款出现问题 and 报告问题: what the student can press or type.

export const MAX_REPORT_LENGTH = 500;

type OrderDetails = Omit<StepOf<'order.paying'>, 'name'>;

export function orderAction(
  state: ConversationState,
  step: StepOf<'order.paying'> | StepOf<'order.problem'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  const { name: _name, ...order } = step;
  const orderId = step.orderId;
  // A card that is no longer 待支付 cannot be paid, reported as paid, or shared (its buttons are gone).
  const open = step.name !== 'order.paying' || (step.status ?? 'pending') === 'pending';
  if (!open) return null;
  switch (action.op) {
    case 'share':
      if (step.name !== 'order.paying') return null;
      return stay(state, [{ type: 'command', command: { kind: 'order.share', orderId } }]);
    case 'paid':
      if (step.name !== 'order.paying') return null;
      return stay(state, [ack(state.lang, false, 'order.querying'), { type: 'command', command: { kind: 'order.query', orderId } }]);
    case 'problem':
      if (step.name !== 'order.paying') return null;
      return showStep(state, { name: 'order.problem', ...order }, env);
    case 'close':
      if (step.name !== 'order.problem') return null;
      return stay(state, [ack(state.lang, false, 'order.closing'), { type: 'command', command: { kind: 'order.close', orderId } }]);
    case 'report':
      if (step.name !== 'order.problem') return null;
      return showStep(state, { name: 'order.report', ...order }, env);
    case 'back':
      if (step.name !== 'order.problem') return null;
      return showStep(state, { name: 'order.paying', ...order }, env);
    default:
      return null;
  }
}

/** The pay menu's details kept in the report step, if the state has them. */
export function orderDetailsOf(step: StepOf<'order.report'>): OrderDetails | null {
  const { payUrl, qrPayload, total } = step;
  if (payUrl === undefined || qrPayload === undefined || total === undefined) return null;
  const details: OrderDetails = { orderId: step.orderId, payUrl, qrPayload, total };
  if (step.lines) details.lines = step.lines;
  if (step.expiresAt !== undefined) details.expiresAt = step.expiresAt;
  return details;
}

/** Where the report step returns to: `order.problem` after 取消, `order.paying` after sending. */
export function leaveReport(step: StepOf<'order.report'>, to: 'order.problem' | 'order.paying'): Step {
  const details = orderDetailsOf(step);
  return details ? { name: to, ...details } : { name: 'home' };
}

export function reportAction(
  state: ConversationState,
  step: StepOf<'order.report'>,
  action: UserAction,
  env: EngineEnv,
): TransitionResult | null {
  return action.op === 'cancel' ? showStep(state, leaveReport(step, 'order.problem'), env) : null;
}

export function reportText(state: ConversationState, step: StepOf<'order.report'>, text: string, env: EngineEnv): TransitionResult {
  const description = text.trim();
  if (description === '') return reshow(state, env, [notice(state.lang, 'report.empty')]);
  if ([...description].length > MAX_REPORT_LENGTH) {
    return reshow(state, env, [notice(state.lang, 'report.tooLong', { max: MAX_REPORT_LENGTH })]);
  }
  if (!state.session) return toLogin(state, env);
  return stay(state, [
    progressNotice(state.lang, 'report.sending'),
    {
      type: 'command',
      command: { kind: 'problem.report', studentId: state.session.studentId, orderId: step.orderId, description },
    },
  ]);
}

/** The order the current step is about, if any. */
export function currentOrderId(step: Step): string | null {
  return step.name === 'order.paying' || step.name === 'order.problem' || step.name === 'order.report' ? step.orderId : null;
}
