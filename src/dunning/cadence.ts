import type { DunningPolicy } from './policy.js';
import { addDays, daysBetween, localTime } from './local-time.js';

// Pure rules: which step of the cadence is due for an item, quiet hours, and the per-student caps.

/** Step offsets in days relative to the due date (negative = before), at most maxPerItem of them. */
export function stepOffsets(cadence: DunningPolicy['cadence']): number[] {
  const steps = [...new Set(cadence.daysBefore)].map((d) => -d).sort((a, b) => a - b);
  if (cadence.onDueDate) steps.push(0);
  if (cadence.everyDaysAfter > 0) {
    for (let d = cadence.everyDaysAfter; steps.length < cadence.maxPerItem; d += cadence.everyDaysAfter) steps.push(d);
  }
  return steps.slice(0, cadence.maxPerItem);
}

/**
 * The step due for an item today: the latest step on or before today that comes after the last step
 * already reminded about (a run missed over a weekend still sends that step, once). Null when none.
 */
export function dueStep(steps: readonly number[], dueDate: string, today: string, lastStep: number | null): number | null {
  return dueStepOnDay(steps, daysBetween(dueDate, today), lastStep);
}

/** dueStep for an item `day` days past its due date (the planner computes it once per due date). */
export function dueStepOnDay(steps: readonly number[], day: number, lastStep: number | null): number | null {
  let due: number | null = null;
  for (const step of steps) {
    if (step > day) break;
    if (lastStep === null || step > lastStep) due = step;
  }
  return due;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Milliseconds until quiet hours end, or 0 when `now` is outside them. Quiet hours may wrap midnight
 * (21:00–08:00).
 */
export function quietWaitMs(now: number, quiet: DunningPolicy['quietHours'], timezone: string): number {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return 0;
  const t = localTime(now, timezone);
  const quietNow = start < end ? t.minute >= start && t.minute < end : t.minute >= start || t.minute < end;
  if (!quietNow) return 0;
  const minutes = (end - t.minute + 1440) % 1440;
  return (minutes * 60 - t.second) * 1000 - (now % 1000);
}

export type CapSkip = 'capDay' | 'capWeek';

/** Whether a student reminded on `history` (local dates of earlier reminders) may be reminded on `today`. */
export function capSkip(history: readonly string[], today: string, caps: DunningPolicy['caps']): CapSkip | null {
  if (history.length === 0) return null; // most students: no date arithmetic
  const weekStart = addDays(today, -6);
  let day = 0;
  let week = 0;
  for (const date of history) {
    if (date === today) day += 1;
    if (date >= weekStart && date <= today) week += 1;
  }
  if (day >= caps.perStudentPerDay) return 'capDay';
  if (week >= caps.perStudentPerWeek) return 'capWeek';
  return null;
}

/**
 * When the run's `seq`-th delivery is due, after the run starts sending: `rate` a second, due a whole
 * second at a time. Due in batches, a send that goes late is caught up within its second (the
 * limiter still spaces them); spaced one by one, every late send was lost from the run's rate.
 */
export function sendOffsetMs(seq: number, rate: number): number {
  return Math.floor(seq / rate) * 1000;
}
