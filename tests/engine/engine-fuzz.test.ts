import { describe, expect, it } from 'vitest';
import { fuzzEngine } from './engine-fuzz.js';

// Fixed seeds in CI; `npm run fuzz -- --events N --seed S` runs longer walks on demand.

describe('engine fuzz', () => {
  for (const seed of [1, 2, 3, 20261202]) {
    it(`seed ${seed}: 20,000 random events, no throw, every user event answered`, () => {
      const report = fuzzEngine(seed, 20_000);
      expect(report.throws).toEqual([]);
      expect(report.unanswered).toEqual([]);
      expect(report.violations).toEqual([]);
      // The walk really goes places (logged in, paying, settings…), not round in the login screen.
      expect(report.stepsSeen).toBeGreaterThanOrEqual(10);
    });
  }
});
