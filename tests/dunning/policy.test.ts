import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, loadPolicy, parsePolicy, PolicyError } from '../../src/dunning/policy.js';

function issuesOf(text: string) {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return { message: (error as PolicyError).message, issues: (error as PolicyError).issues };
  }
  throw new Error('expected a PolicyError');
}

describe('dunning policy file', () => {
  it('has a sound default: weekdays 10:00 Shanghai, 21:00–08:00 quiet, 1/day 2/week', () => {
    expect(DEFAULT_POLICY.schedule).toEqual({ cron: '0 10 * * 1-5', timezone: 'Asia/Shanghai' });
    expect(DEFAULT_POLICY.quietHours).toEqual({ start: '21:00', end: '08:00' });
    expect(DEFAULT_POLICY.caps).toEqual({ perStudentPerDay: 1, perStudentPerWeek: 2 });
    expect(loadPolicy({})).toEqual(DEFAULT_POLICY);
  });

  it('reads YAML and JSON, filling what is left out from the default', () => {
    const y = parsePolicy('cadence:\n  daysBefore: [3]\n  maxPerItem: 3\nescalation:\n  afterReminders: 2\n');
    expect(y.cadence).toEqual({ daysBefore: [3], onDueDate: true, everyDaysAfter: 7, maxPerItem: 3 });
    expect(y.escalation.afterReminders).toBe(2);
    expect(y.quietHours).toEqual(DEFAULT_POLICY.quietHours);
    const j = parsePolicy('{\n  "caps": { "perStudentPerWeek": 3 },\n  "channels": ["email"]\n}');
    expect(j.caps.perStudentPerWeek).toBe(3);
    expect(j.channels).toEqual(['email']);
  });

  it('names the line and column of each mistake', () => {
    const bad = issuesOf('schedule:\n  cron: "0 10 * * 1-5"\nquietHours:\n  start: "9pm"\n  end: "08:00"\ncaps:\n  perStudentPerDay: 0\n');
    expect(bad.issues.map((i) => [i.line, i.path])).toEqual([
      [4, 'quietHours.start'],
      [7, 'caps.perStudentPerDay'],
    ]);
    expect(bad.message).toMatch(/^p\.yaml:4:\d+: quietHours\.start: expected HH:MM/m);
    expect(issuesOf('schedule:\n  cron: "every day"\n').issues[0]).toMatchObject({ line: 2, path: 'schedule.cron' });
    expect(issuesOf('channels: [telegram]\nsmsGateway: true\n').issues[0]!.line).toBe(1); // unknown key: reported at its object
    expect(issuesOf('{\n  "caps": {\n    "perStudentPerWeek": "two"\n  }\n}').issues[0]).toMatchObject({ line: 3, path: 'caps.perStudentPerWeek' });
  });

  it('reports syntax errors with their line', () => {
    expect(issuesOf('caps:\n  perStudentPerDay: 1\n  perStudentPerDay: 2\n').message).toBe('p.yaml:3:3: Map keys must be unique');
    expect(issuesOf('caps:\n  perStudentPerDay: 1\nchannels: [telegram, web\n').issues[0]!.line).toBe(4);
  });

  it('loads DUNNING_POLICY_FILE and fails clearly on a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'sendRatePerSec: 10\n');
    expect(loadPolicy({ DUNNING_POLICY_FILE: file }).sendRatePerSec).toBe(10);
    expect(() => loadPolicy({ DUNNING_POLICY_FILE: join(dir, 'nope.yaml') })).toThrow(/DUNNING_POLICY_FILE .*nope\.yaml/);
  });
});
