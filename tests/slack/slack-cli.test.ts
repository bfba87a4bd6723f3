import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { insertStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';

// `feebot import staff` and `feebot audit --staff` as an operator runs them.

const dir = mkdtempSync(join(tmpdir(), 'feebot-staff-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: join(dir, 'feebot.db'), LOG_LEVEL: 'silent', TIMEZONE: 'Asia/Shanghai' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const feebot = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/feebot.js', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('feebot staff commands', () => {
  it('imports staff.csv (rejecting a bad file whole) and prints the staff audit trail', async () => {
    const good = join(dir, 'staff.csv');
    writeFileSync(good, '\uFEFFemail,name,role,college\r\nofficer@uni.edu.cn,钱会计,officer,\r\nview@uni.edu.cn,孙查看,viewer,外国语学院\r\n');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'email,name,role,college\nx@uni.edu.cn,某,chief,\n');
    const rejected = feebot('import', 'staff', bad);
    expect(rejected.code).toBe(1);
    expect(rejected.err).toContain('role "chief" must be viewer, officer or admin');
    const imported = feebot('import', 'staff', good);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Imported 2 staff.');

    expect(feebot('audit', '--staff').out).toContain('No staff actions recorded.');
    const db = openDatabase(join(dir, 'feebot.db'));
    await migrateToLatest(db);
    await insertStaffAudit(db, { staffEmail: 'officer@uni.edu.cn', slackUserId: 'U1', action: 'ticket.resolve', studentId: '2023010101', subject: 'ticket:3', detail: '款项已入账', at: Date.parse('2026-12-02T02:00:00Z') });
    await db.destroy();
    const trail = feebot('audit', '--staff');
    expect(trail.code).toBe(0);
    expect(trail.out).toContain('2026-12-02 10:00:00  officer@uni.edu.cn  ticket.resolve  2023010101  ticket:3  "款项已入账"');
    expect(feebot('audit', '--staff', 'extra').code).toBe(2);
  }, 150_000);
});
