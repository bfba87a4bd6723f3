import type { ReminderChannel } from './commands.js';
import type { EngineEnv } from './engine-env.js';
import { payableItems } from './fees.js';

// Read-only questions about the facts that both steps and menus ask: here, so that menus need not
// import steps (which import the presenter, which imports the menus).

/** Items that may be deferred: unpaid, not held by a live order, not already deferred. */
export function deferrableItems(env: EngineEnv) {
  return payableItems(env.facts.items).filter((item) => !item.deferredUntil);
}

/** `YYYY-MM-DD` of an instant on the UTC calendar. */
export function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * The student's today: the local date in TIMEZONE from the facts. Without it (older callers), the
 * UTC date, which in Beijing lags by a day between 00:00 and 08:00.
 */
export function todayOf(env: EngineEnv): string {
  return env.facts.today ?? isoDate(env.at);
}

/** Whether reminders reach the student on `channel`: not when they opted out of it or of all (退订). */
export function remindersOn(env: EngineEnv, channel: ReminderChannel): boolean {
  const out = env.facts.reminderOptOuts ?? [];
  return !out.includes('all') && !out.includes(channel);
}
