import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { localTime } from '../../src/dunning/local-time.js';
import { testDatabaseUrl } from '../support/test-store.js';
import { addChat, addStudent } from './dunning-fixture.js';

// Real processes on a real store: a dunning run SIGKILLed again and again resumes with every reminder
// planned, queued and shown exactly once; two processes whose cron fires the same tick make one run.

const CHILD = join(import.meta.dirname, 'dunning-child.ts');
const STUDENTS = 1_500;
let url: string;
let db: Db;

beforeAll(async () => {
  url = await testDatabaseUrl(join(mkdtempSync(join(tmpdir(), 'dunning-crash-')), 'feebot.db'));
  db = openDatabase(url);
  await migrateToLatest(db);
});
afterAll(async () => db?.destroy());

function child(mode: string, policy: string): { done: Promise<{ code: number | null; out: string }>; kill: () => void } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { env: { ...process.env, DATABASE_URL: url, POLICY: policy }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { done: new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out }))), kill: () => proc.kill('SIGKILL') };
}

describe('dunning across crashes and instances', () => {
  it('a run SIGKILLed mid-planning and mid-sending resumes with no duplicate and no loss', async () => {
    const today = localTime(Date.now(), 'Asia/Shanghai').date;
    for (let i = 0; i < STUDENTS; i++) {
      const id = `2026${String(i).padStart(5, '0')}`;
      await addStudent(db, id, { items: [{ due: 1_000 + i, dueDate: today }, { due: 500, dueDate: today }] });
      await addChat(db, id, 'web', `chat${i}`);
    }
    const policy = JSON.stringify({ quietHours: { start: '00:00', end: '00:00' }, sendRatePerSec: 400 });
    let kills = 0;
    for (const lifeMs of [1_200, 1_700, 2_200, 2_700, 3_200]) {
      const c = child('run', policy);
      const timer = setTimeout(c.kill, lifeMs);
      const { code } = await c.done;
      clearTimeout(timer);
      if (code === null) kills += 1;
    }
    const last = await child('run', policy).done;
    expect(last.code, last.out).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(3);

    const runs = await db.selectFrom('dunning_runs').selectAll().execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('done');
    const reminders = await db.selectFrom('dunning_reminders').select(['student_id', 'status']).execute();
    expect(reminders).toHaveLength(STUDENTS);
    expect(new Set(reminders.map((r) => r.student_id)).size).toBe(STUDENTS);
    expect(reminders.every((r) => r.status === 'sent')).toBe(true);
    const entries = await db.selectFrom('outbox').select(['payload_json', 'status']).where('kind', '=', 'dunning').execute();
    expect(entries).toHaveLength(STUDENTS);
    expect(new Set(entries.map((e) => (JSON.parse(e.payload_json) as { reminderId: number }).reminderId)).size).toBe(STUDENTS);
    expect(entries.every((e) => e.status === 'done')).toBe(true);
    // Every chat shows exactly one reminder (a resend after a kill replaces it by its key).
    const shown = await db.selectFrom('web_messages').select(['chat_id', 'message_key']).execute();
    const perChat = new Map<string, Set<string>>();
    for (const m of shown) perChat.set(m.chat_id, (perChat.get(m.chat_id) ?? new Set()).add(m.message_key));
    expect(perChat.size).toBe(STUDENTS);
    expect([...perChat.values()].every((keys) => keys.size === 1)).toBe(true);
    expect(JSON.parse(runs[0]!.summary_json!)).toMatchObject({ planned: STUDENTS, sent: STUDENTS, failed: 0 });
  }, 240_000);

  it('two processes whose cron fires the same tick make one run', async () => {
    const policy = JSON.stringify({ schedule: { cron: '* * * * * *', timezone: 'Asia/Shanghai' }, quietHours: { start: '00:00', end: '00:00' } });
    const [a, b] = await Promise.all([child('cron', policy).done, child('cron', policy).done]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    // stderr is in `out` too: node-cron warns of a missed tick on a loaded machine ([NODE-CRON] [WARN] …).
    const fires = [...a.out.trim().split('\n'), ...b.out.trim().split('\n')].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { key: string; created: boolean });
    const byKey = new Map<string, boolean[]>();
    for (const f of fires) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.created]);
    // Ticks both processes fired: exactly one of them created (and planned) the run.
    expect([...byKey.values()].filter((v) => v.length === 2).length).toBeGreaterThan(0);
    for (const created of byKey.values()) expect(created.filter(Boolean)).toHaveLength(1);
    const keys = await db.selectFrom('dunning_runs').select('fire_key').where('fire_key', 'like', 'cron:dunning:%').execute();
    expect(keys.length).toBe(byKey.size);
  }, 60_000);
});
