import { REMINDER_CHANNELS, type ReminderChannel } from '../commands.js';
import type { TransitionResult } from '../effects.js';
import type { EngineEnv, UserAction } from '../engine-env.js';
import type { EngineEvent } from '../events.js';
import { remindersOn } from '../env-queries.js';
import { translate } from '../i18n/index.js';
import { notice, reshow, showStep, stay } from '../present.js';
import type { ConversationState } from '../state.js';
import { toLogin } from './navigation.step.js';

// 提醒设置: reminders on/off per channel. The state shown comes from the facts (the database);
// a toggle is a command, and its answer redraws the menu from the reloaded facts.

export function isReminderChannel(value: string): value is ReminderChannel {
  return (REMINDER_CHANNELS as readonly string[]).includes(value);
}

export function openReminders(state: ConversationState, env: EngineEnv): TransitionResult {
  return showStep(state, { name: 'reminders' }, env);
}

export function remindersAction(state: ConversationState, action: UserAction, env: EngineEnv): TransitionResult | null {
  if (action.op === 'back') return showStep(state, { name: 'settings' }, env);
  if (action.op !== 'tog' || !isReminderChannel(action.arg)) return null;
  if (!state.session) return toLogin(state, env);
  const optedOut = remindersOn(env, action.arg);
  return stay(state, [{ type: 'command', command: { kind: 'reminders.set', studentId: state.session.studentId, channel: action.arg, optedOut } }]);
}

export function onRemindersUpdated(state: ConversationState, event: Extract<EngineEvent, { kind: 'reminders.updated' }>, env: EngineEnv): TransitionResult {
  const lead = [notice(state.lang, event.optedOut ? 'reminders.turnedOff' : 'reminders.turnedOn', { channel: translate(state.lang, `reminders.channel.${event.channel}`) })];
  // Elsewhere (the student moved on), the note alone: the screen they are on stays.
  if (!state.session || state.step.name !== 'reminders') return stay(state, state.session ? lead : []);
  return reshow(state, env, lead);
}
