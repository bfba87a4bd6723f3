import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The `feebot` command as an operator runs it: a real process on a real SQLite file.

const dir = mkdtempSync(join(tmpdir(), 'feebot-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: join(dir, 'feebot.db'), LOG_LEVEL: 'silent', PORT: '0' };
delete env.SMTP_URL;
delete env.DEV_MAILBOX;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function feebot(...args: string[]) {
  return feebotWith({}, ...args);
}

function feebotWith(extra: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/feebot.js', ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('feebot CLI', () => {
  it('prints help', () => {
    const { code, out } = feebot('--help');
    expect(code).toBe(0);
    expect(out).toContain('feebot import students FILE.csv');
  });

  it('migrates, imports students and fees, re-imports idempotently, and rejects a bad file whole', () => {
    expect(feebot('migrate').out).toMatch(/Applied|up to date/);
    expect(feebot('migrate').out).toContain('Already up to date.');
    const students = feebot('import', 'students', 'tests/fixtures/students.csv');
    expect(students.code).toBe(0);
    expect(students.out).toMatch(/Imported \d+ students/);
    expect(feebot('import', 'fees', 'tests/fixtures/fees.csv').code).toBe(0);
    expect(feebot('import', 'fees', 'tests/fixtures/fees.csv').out).toMatch(/Imported \d+ fees/);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'student_id,fee_period,code,name,amount_due,installment_allowed,min_installment,due_date\nnobody,2025-2026,X,学费,12.345,0,,\n');
    const rejected = feebot('import', 'fees', bad);
    expect(rejected.code).toBe(1);
    expect(rejected.err).toContain('Nothing was imported');
    expect(rejected.err).toMatch(/line 2:/);
  });

  it('prints an audit trail and refuses unknown commands', () => {
    expect(feebot('audit', '2023010101').code).toBe(0);
    const unknown = feebot('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command');
  });

  it('`feebot start` without SMTP_URL or DEV_MAILBOX=true refuses to start (mail would be undeliverable)', () => {
    const { code, err } = feebot('start');
    expect(code).toBe(1);
    expect(err).toContain('SMTP_URL is not set and DEV_MAILBOX is not true');
  });
});
