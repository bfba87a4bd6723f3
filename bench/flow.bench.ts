// Drives N simulated students through the whole payment flow against a running feebot over HTTP:
// web chat endpoints for every step, and signed sandbox gateway notifications for the payment.
// Usage: npm run bench -- [--students 40] [--concurrency 8] [--hash-cost 17] [--db sqlite|postgres] [--json]
// --db postgres runs on a fresh database on PG_TEST_URL's server (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signSandboxPayload } from '../adapters/sandbox-gateway/index.js';
import { createPasswordHasher } from '../src/accounts/password-hasher.js';
import { updatePassword } from '../src/db/repositories/student.repository.js';
import { importFees } from '../src/import/fee-import.js';
import { importStudents } from '../src/import/student-import.js';
import { startTestFeebot } from '../tests/support/test-feebot.js';
import { createWebChatClient } from '../tests/support/web-chat-client.js';
import { login, placeOrder } from '../tests/support/web-chat-flows.js';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
    // scrypt cost exponent: 17 is the OWASP default feebot runs with; lower it to measure the rest.
    'hash-cost': { type: 'string', default: '17' },
    db: { type: 'string', default: 'sqlite' },
  },
});
const students = Number(values.students);
const concurrency = Number(values.concurrency);
const hashCost = Number(values['hash-cost']);
const SECRET = 'bench-secret-0123456789abcdef';
const PASSWORD = 'Bench@2026';

// The bench never sends mail, but a non-demo feebot must know where mail would go.
// Every simulated student comes from 127.0.0.1: lift the per-address limits meant for real clients
// (web sends, login failures and initial-password students per source, the per-source queue share).
const store = values.db;
if (store !== 'sqlite' && store !== 'postgres') throw new Error('--db must be sqlite or postgres');
const pgAdminUrl = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgDatabase = `feebot_bench_${process.pid}_${Date.now()}`;
async function pgAdmin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  await client.query(query).finally(() => client.end());
}
let databaseEnv: Record<string, string> = {};
if (store === 'postgres') {
  await pgAdmin(`create database "${pgDatabase}"`);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${pgDatabase}`;
  databaseEnv = { DATABASE_URL: url.toString(), DEMO_DATABASE_URL: url.toString() };
}
const env = { AGREEMENT_SECONDS: '0', SANDBOX_GATEWAY_SECRET: SECRET, LOG_LEVEL: 'warn', DEV_MAILBOX: 'true', WEB_SEND_PER_MINUTE_PER_ADDRESS: '60000', LOGIN_SOURCE_MAX_FAILURES: '10000', LOGIN_SOURCE_MAX_STUDENTS: '10000', PASSWORD_QUEUE_PER_SOURCE: '1000', PASSWORD_QUEUE_MAX: '1000', ...databaseEnv };
const app = await startTestFeebot(env, { demo: false, passwordHashCost: hashCost });
const db = app.feebot.db;

// Bench students: fixed password, no forced change, two fee items each.
const ids = Array.from({ length: students }, (_, i) => `B${String(i).padStart(6, '0')}`);
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
const benchHash = await hasher.hash(PASSWORD);
for (const id of ids) await updatePassword(db, id, benchHash, now);

const latencies: number[] = [];
let steps = 0;

async function timed<T>(work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  latencies.push(performance.now() - started);
  steps++;
  return result;
}

async function flow(studentId: string): Promise<void> {
  const chat = createWebChatClient(app.baseUrl);
  const timing = { around: timed, timeoutMs: 30_000 };
  await login(chat, studentId, PASSWORD, timing);
  const orderId = await placeOrder(chat, timing);
  const order = await app.feebot.ledger.getOrder(orderId);
  const body = JSON.stringify({ transactionId: `BENCH-${orderId}`, orderId, amount: order!.total, status: 'paid', paidAt: Date.now() });
  await timed(async () => {
    const res = await fetch(`${app.baseUrl}/webhooks/gateway/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', ...signSandboxPayload(SECRET, body, Date.now()) }, body });
    if (!res.ok) throw new Error(`notification rejected: ${res.status}`);
    return chat.waitFor((m) => m.payload.text.includes('缴费成功'), 30_000);
  });
}

const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < ids.length) await flow(ids[next++]!);
  }),
);
const seconds = (performance.now() - started) / 1000;
await app.stop();
if (store === 'postgres') await pgAdmin(`drop database if exists "${pgDatabase}" with (force)`);

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const result = {
  store,
  students,
  concurrency,
  hashCost,
  seconds: Number(seconds.toFixed(2)),
  flowsPerSecond: Number((students / seconds).toFixed(2)),
  stepsPerSecond: Number((steps / seconds).toFixed(1)),
  stepLatencyMs: { p50: Number(pct(50).toFixed(1)), p99: Number(pct(99).toFixed(1)) },
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`feebot flow benchmark (${store}): ${students} students, ${concurrency} at a time, ${steps} steps in ${result.seconds} s`);
  console.log(`  flows/s ${result.flowsPerSecond}   steps/s ${result.stepsPerSecond}   step latency p50 ${result.stepLatencyMs.p50} ms, p99 ${result.stepLatencyMs.p99} ms`);
}
