// feebot for the web chat bench (flow.bench.ts), in a process of its own so the CPU time it reports
// is feebot's alone, not the simulated students'. Seeds the bench students, starts, says where it
// listens; between `mark` and `stats` it measures CPU time, event-loop delay and (with PROFILE_DIR)
// a CPU profile of that window only, so start-up and seeding stay out of the figures.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPasswordHasher } from '../src/accounts/password-hasher.js';
import { updatePassword } from '../src/db/repositories/student.repository.js';
import { importFees } from '../src/import/fee-import.js';
import { importStudents } from '../src/import/student-import.js';
import { startTestFeebot } from '../tests/support/test-feebot.js';
import type { FlowServerReady, FlowServerRequest, FlowServerStats } from './flow-server-protocol.js';

const ids = JSON.parse(process.env.BENCH_STUDENT_IDS!) as string[];
const hashCost = Number(process.env.BENCH_HASH_COST);
const password = process.env.BENCH_PASSWORD!;
const env = JSON.parse(process.env.BENCH_FEEBOT_ENV!) as Record<string, string>;
const profileDir = process.env.PROFILE_DIR;

const app = await startTestFeebot(env, { demo: false, passwordHashCost: hashCost });
const db = app.feebot.db;
const hasher = createPasswordHasher({ cost: hashCost });
const now = Date.now();
const studentCsv = ['student_id,name,college,major,class_name,recovery_email,phone,id_number', ...ids.map((id) => `${id},Bench ${id},Bench,,,,,`)].join('\n');
const feeCsv = [
  'student_id,fee_period,code,name,amount_due,installment_allowed,min_installment,due_date',
  ...ids.flatMap((id) => [`${id},2025-2026,TUITION,学费,5000,1,1000,`, `${id},2025-2026,DORM,住宿费,1200,0,0,`]),
].join('\n');
const s = await importStudents(db, studentCsv, { hasher, initialPasswordPolicy: '123456', now });
const f = await importFees(db, feeCsv, { now });
if (!s.ok || !f.ok) throw new Error('bench seed failed');
// One known (non-initial) password for all, so no forced change: one hash serves every student.
const benchHash = await hasher.hash(password);
for (const id of ids) await updatePassword(db, id, benchHash, now);

// The histogram records the time between two ticks of a 10 ms timer: the delay is what exceeds 10 ms.
const LOOP_TICK_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
const lateBy = (ns: number) => Math.max(0, ns / 1e6 - LOOP_TICK_MS);
let cpuAtMark = process.cpuUsage();
let session: Session | null = null;

process.on('message', (message: FlowServerRequest) => {
  void (async () => {
    if (message.type === 'mark') {
      if (profileDir) {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      loopDelay.reset();
      loopDelay.enable();
      cpuAtMark = process.cpuUsage();
      process.send!({ type: 'marked' });
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage(cpuAtMark);
      loopDelay.disable();
      let profile: string | undefined;
      if (session) {
        const { profile: taken } = await session.post('Profiler.stop');
        profile = join(profileDir!, `flow-server-${process.pid}.cpuprofile`);
        writeFileSync(profile, JSON.stringify(taken));
        session.disconnect();
        session = null;
      }
      const stats: FlowServerStats = {
        type: 'stats',
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBytes: process.memoryUsage().rss,
        loopDelayMs: { p50: lateBy(loopDelay.percentile(50)), p99: lateBy(loopDelay.percentile(99)), max: lateBy(loopDelay.max) },
        ...(profile ? { profile } : {}),
      };
      process.send!(stats);
    } else if (message.type === 'stop') {
      await app.stop();
      process.exit(0);
    }
  })();
});
process.send!({ type: 'ready', baseUrl: app.baseUrl } satisfies FlowServerReady);
