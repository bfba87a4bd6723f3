import type { Effect, TransitionResult } from '../effects.js';
import type { EngineEnv } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { notice, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { endSession } from './navigation.step.js';

// The idle timeout ends a session on time, not only at the next message: a page left open on a
// shared computer must not keep showing the student. A timer is armed when a session begins; when
// it fires, the session ends if it has been idle long enough, else the timer is armed again for
// the moment it would be.

function idleTimer(delayMs: number): Effect {
  return { type: 'timer', delayMs, event: { kind: 'timer.idle' } };
}

/** Adds the idle timer to a transition that began a session. */
export function armIdleTimerOnLogin(before: ConversationState, result: TransitionResult, env: EngineEnv): TransitionResult {
  if (before.session || !result.state.session) return result;
  return { state: result.state, effects: [...result.effects, idleTimer(env.config.idleTimeoutMs + 1)] };
}

export function onIdleTimer(state: ConversationState, _event: Extract<EngineEvent, { kind: 'timer.idle' }>, env: EngineEnv): TransitionResult {
  const { session } = state;
  if (!session) return stay(state);
  const idleFor = env.at - session.lastActiveAt;
  // The same rule as at a message (user-event.ts): idle for more than the timeout.
  if (idleFor > env.config.idleTimeoutMs) return endSession(state, env, 'idle', [notice(state.lang, 'session.timeout')]);
  return stay(state, [idleTimer(env.config.idleTimeoutMs - idleFor + 1)]);
}
