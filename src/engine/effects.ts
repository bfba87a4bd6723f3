import type { Command } from './commands.js';
import type { View } from './views.js';

export type Effect =
  /** Deliver a view to this conversation's chat. */
  | { type: 'show'; view: View }
  /** Short answer to the button press that caused this transition (Telegram's callback answer). */
  | { type: 'ack'; text: string; alert: boolean }
  /** Delete the inbound message (a password) where the platform allows. */
  | { type: 'deleteInbound' }
  /**
   * Forget what this chat has shown so far (the student's name, 学号, arrears): a session ended, and
   * the next person at a shared computer must not see it. Comes before the views that follow it.
   */
  | { type: 'clearHistory' }
  /** Ask the outside world; the answer arrives as the next event. */
  | { type: 'command'; command: Command }
  /** Deliver `event` back to this conversation after `delayMs`. */
  | { type: 'timer'; delayMs: number; event: { kind: 'timer.agreementUnlocked'; menuRev: number } | { kind: 'timer.idle' } };

export interface TransitionResult {
  state: import('./state.js').ConversationState;
  effects: Effect[];
}
