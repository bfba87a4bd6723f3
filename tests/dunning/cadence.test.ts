import { describe, expect, it } from 'vitest';
import { capSkip, dueStep, quietWaitMs, sendOffsetMs, stepOffsets } from '../../src/dunning/cadence.js';
import { DEFAULT_POLICY } from '../../src/dunning/policy.js';

const TZ = 'Asia/Shanghai';
/** An instant at a Beijing wall-clock time. */
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);

describe('dunning cadence', () => {
  it('steps: 7 days before, on the day, then every 7 days, at most maxPerItem', () => {
    expect(stepOffsets(DEFAULT_POLICY.cadence)).toEqual([-7, 0, 7, 14, 21, 28]);
    expect(stepOffsets({ daysBefore: [3, 10], onDueDate: false, everyDaysAfter: 0, maxPerItem: 5 })).toEqual([-10, -3]);
  });

  it('names the step due relative to the due date, once per step', () => {
    const steps = stepOffsets(DEFAULT_POLICY.cadence);
    expect(dueStep(steps, '2026-12-20', '2026-12-12', null)).toBeNull(); // 8 days before
    expect(dueStep(steps, '2026-12-20', '2026-12-13', null)).toBe(-7);
    expect(dueStep(steps, '2026-12-20', '2026-12-14', -7)).toBeNull(); // already reminded for this step
    expect(dueStep(steps, '2026-12-20', '2026-12-20', -7)).toBe(0);
    // A run missed over a weekend still sends the latest step, and only that one.
    expect(dueStep(steps, '2026-12-20', '2026-12-29', -7)).toBe(7);
    expect(dueStep(steps, '2026-12-20', '2027-03-01', 28)).toBeNull(); // all steps used
  });

  it('quiet hours 21:00–08:00 wrap midnight and say how long is left', () => {
    const q = DEFAULT_POLICY.quietHours;
    expect(quietWaitMs(at('2026-12-03', '10:00'), q, TZ)).toBe(0);
    expect(quietWaitMs(at('2026-12-03', '20:59'), q, TZ)).toBe(0);
    expect(quietWaitMs(at('2026-12-03', '21:00'), q, TZ)).toBe(11 * 3600_000);
    expect(quietWaitMs(at('2026-12-04', '07:30'), q, TZ)).toBe(30 * 60_000);
    expect(quietWaitMs(at('2026-12-04', '08:00'), q, TZ)).toBe(0);
    expect(quietWaitMs(at('2026-12-03', '12:00'), { start: '12:00', end: '13:00' }, TZ)).toBe(3600_000);
  });

  it('caps one reminder per day and two per week', () => {
    const caps = DEFAULT_POLICY.caps;
    expect(capSkip([], '2026-12-10', caps)).toBeNull();
    expect(capSkip(['2026-12-10'], '2026-12-10', caps)).toBe('capDay');
    expect(capSkip(['2026-12-05', '2026-12-08'], '2026-12-10', caps)).toBe('capWeek');
    expect(capSkip(['2026-12-03', '2026-12-08'], '2026-12-10', caps)).toBeNull(); // 12-03 is 7 days ago
  });
});

describe('sendOffsetMs', () => {
  it('makes a run due a whole second at a time, `rate` deliveries each', () => {
    expect([0, 1, 23, 24, 47, 48].map((seq) => sendOffsetMs(seq, 24))).toEqual([0, 0, 0, 1000, 1000, 2000]);
    expect([0, 1, 2].map((seq) => sendOffsetMs(seq, 0.5))).toEqual([0, 2000, 4000]);
  });
});
