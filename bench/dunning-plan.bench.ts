// `npm run bench:dunning [-- --students N --items M]`: plans a dunning run for N students × M items
// (default 100,000 × 10; env STUDENTS / ITEMS work too) on a SQLite file and reports the planning
// time, its CPU time (what a loaded machine does not inflate) and peak RSS (targets: < 5 s,
// < 250 MB). The planning runs in a fresh process (`--plan FILE`), so the RSS is the planner's, not
// the seeding's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { claimDunningRun } from '../src/db/repositories/dunning-run.repository.js';
import { createPlanner } from '../src/dunning/planner.js';
import { DEFAULT_POLICY } from '../src/dunning/policy.js';

const { values: args } = parseArgs({ options: { plan: { type: 'string' }, students: { type: 'string' }, items: { type: 'string' } } });
const planFile = args.plan;
const STUDENTS = Number(args.students ?? process.env.STUDENTS ?? 100_000);
const ITEMS = Number(args.items ?? process.env.ITEMS ?? 10);
if (!(Number.isInteger(STUDENTS) && STUDENTS > 0 && Number.isInteger(ITEMS) && ITEMS > 0)) {
  console.error('usage: dunning-plan.bench.ts [--students N] [--items M]');
  process.exit(2);
}
const TODAY = '2026-12-10';
if (planFile) {
  await plan(planFile);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'dunning-bench-'));
const db = openDatabase(join(dir, 'bench.db'));
await migrateToLatest(db);

const seedStart = Date.now();
for (let s = 0; s < STUDENTS; s += 1000) {
  const ids = Array.from({ length: Math.min(1000, STUDENTS - s) }, (_, i) => `S${String(s + i).padStart(8, '0')}`);
  await db.insertInto('students').values(ids.map((id) => ({ student_id: id, name: `学生${id}`, college: '计算机学院', major: 'CS', class_name: '1', recovery_email: `${id}@example.edu.cn`, phone: null, id_number: null, password_hash: 'x', must_change_password: 0, password_changed_at: null, created_at: 0, updated_at: 0 }))).execute();
  const items = ids.flatMap((id) => Array.from({ length: ITEMS }, (_, n) => ({ student_id: id, fee_period: '2026-2027', code: `F${n}`, name: `费用${n}`, amount_due: 10_000, amount_paid: n % 3 === 0 ? 10_000 : 0, installment_allowed: 0, min_installment: 0, due_date: n % 2 === 0 ? TODAY : '2026-12-17', updated_at: 0 })));
  for (let i = 0; i < items.length; i += 2000) await db.insertInto('fee_items').values(items.slice(i, i + 2000)).execute();
  // Half the students use a chat (web), the rest are reached by e-mail.
  const chats = ids.filter((_, i) => i % 2 === 0).map((id) => ({ channel: 'web', chat_id: `c${id}`, state_version: 1, revision: 1, state_json: `{"lang":"zh-CN","session":{"studentId":"${id}"}}`, student_id: id, updated_at: 0 }));
  await db.insertInto('conversations').values(chats).execute();
}
console.log(`seeded ${STUDENTS} students × ${ITEMS} items in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

await db.destroy();
const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--plan', join(dir, 'bench.db')], { stdio: 'inherit', env: { ...process.env, STUDENTS: String(STUDENTS), ITEMS: String(ITEMS) } });
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
process.exit(child.status ?? 1);

async function plan(file: string): Promise<void> {
  const db = openDatabase(file);
  const startRss = process.memoryUsage().rss;
  resetPeakRss();
  // Fallback where /proc is missing: a sampler, which sees only the moments planning waits for I/O.
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const now = Date.parse(`${TODAY}T10:00:00+08:00`);
  const { run } = await claimDunningRun(db, 'bench', TODAY, now);
  const planner = createPlanner({ db, policy: DEFAULT_POLICY, timezone: 'Asia/Shanghai', defaultLang: 'zh-CN', clock: () => now });
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = await planner.plan(run);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  peak = peakRss() ?? Math.max(peak, process.memoryUsage().rss);
  const outbox = await db.selectFrom('outbox').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(JSON.stringify({ students: STUDENTS, items: STUDENTS * ITEMS, planned: result.planned, skips: result.skips, outboxEntries: Number(outbox.n), planMs: Math.round(ms), planCpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMB: Math.round(peak / 1048576), startRssMB: Math.round(startRss / 1048576), targets: { planMs: 5000, peakRssMB: 250 } }));
  await db.destroy();
}

// Linux keeps the process's RSS high-water mark (VmHWM); writing 5 to clear_refs resets it, so the
// peak is the planning's, sampled by the kernel rather than between awaits.
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the sampler's figure stands
  }
}

function peakRss(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}
