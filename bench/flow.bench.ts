// Drives N simulated students through the whole payment flow against feebot over HTTP: web chat
// endpoints for every step, and signed sandbox gateway notifications for the payment. feebot runs
// in a child process (flow-server.child.ts), so its CPU time is measured apart from the students'.
// A step is one thing a student does (start, 学号, password, a button, or the payment notification)
// until the bubble answering it has been read over the long poll; a flow is 9 steps.
// Usage: npm run bench -- [--students 40] [--concurrency 8] [--warmup 8] [--hash-cost 17] [--db sqlite|postgres] [--profile DIR] [--json]
// --warmup: students run first, untimed (lazy modules, JIT, caches); --profile: a .cpuprofile of the
// server over the timed window. --db postgres runs on a fresh database on PG_TEST_URL's server
// (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signSandboxPayload } from '../adapters/sandbox-gateway/index.js';
import { createWebChatClient } from '../tests/support/web-chat-client.js';
import { login, placeOrder } from '../tests/support/web-chat-flows.js';
import type { FlowServerReady, FlowServerStats } from './flow-server-protocol.js';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string' },
    json: { type: 'boolean', default: false },
    // scrypt cost exponent: 17 is the OWASP default feebot runs with; lower it to measure the rest.
    'hash-cost': { type: 'string', default: '17' },
    db: { type: 'string', default: 'sqlite' },
    profile: { type: 'string' },
  },
});
const students = Number(values.students);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup ?? values.concurrency);
const hashCost = Number(values['hash-cost']);
const SECRET = 'bench-secret-0123456789abcdef';
const PASSWORD = 'Bench@2026';
// Every bench student owes 学费 5000 + 住宿费 1200 yuan (flow-server.child.ts) and pays it all.
const ORDER_TOTAL_FEN = 620_000;

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

const ids = Array.from({ length: warmup + students }, (_, i) => `B${String(i).padStart(6, '0')}`);
const profileDir = values.profile ? resolve(values.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const server = fork(join(dirname(fileURLToPath(import.meta.url)), 'flow-server.child.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: {
    ...process.env,
    BENCH_STUDENT_IDS: JSON.stringify(ids),
    BENCH_HASH_COST: String(hashCost),
    BENCH_PASSWORD: PASSWORD,
    BENCH_FEEBOT_ENV: JSON.stringify(env),
    ...(profileDir ? { PROFILE_DIR: profileDir } : {}),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
function ask<T>(type: string, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: { type: string }) => {
      if (m.type !== answer) return;
      server.off('message', listener);
      resolve(m as T);
    };
    server.on('message', listener);
    server.send({ type });
  });
}
const { baseUrl } = await new Promise<FlowServerReady>((resolve, reject) => {
  server.once('message', (m) => resolve(m as FlowServerReady));
  server.once('exit', (code) => reject(new Error(`the bench server exited with ${code} before it was ready`)));
});

let latencies: number[] = [];
let steps = 0;
let requests = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => {
  requests++;
  return realFetch(...args);
};

async function timed<T>(work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  latencies.push(performance.now() - started);
  steps++;
  return result;
}

async function flow(studentId: string): Promise<void> {
  const chat = createWebChatClient(baseUrl);
  const timing = { around: timed, timeoutMs: 30_000 };
  await login(chat, studentId, PASSWORD, timing);
  const orderId = await placeOrder(chat, timing);
  const body = JSON.stringify({ transactionId: `BENCH-${orderId}`, orderId, amount: ORDER_TOTAL_FEN, status: 'paid', paidAt: Date.now() });
  await timed(async () => {
    const res = await fetch(`${baseUrl}/webhooks/gateway/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', ...signSandboxPayload(SECRET, body, Date.now()) }, body });
    if (!res.ok) throw new Error(`notification rejected: ${res.status}`);
    return chat.waitFor((m) => m.payload.text.includes('缴费成功'), 30_000);
  });
}

async function runStudents(batch: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
      while (next < batch.length) await flow(batch[next++]!);
    }),
  );
}

await runStudents(ids.slice(0, warmup));
latencies = [];
steps = 0;
requests = 0;
await ask('mark', 'marked');
const clientCpuAtStart = process.cpuUsage();
const started = performance.now();
await runStudents(ids.slice(warmup));
const seconds = (performance.now() - started) / 1000;
const clientCpu = process.cpuUsage(clientCpuAtStart);
const stats = await ask<FlowServerStats>('stats', 'stats');
await new Promise<void>((resolve) => {
  server.once('exit', () => resolve());
  server.send({ type: 'stop' });
});
if (store === 'postgres') await pgAdmin(`drop database if exists "${pgDatabase}" with (force)`);

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const round = (n: number, digits: number) => Number(n.toFixed(digits));
const result = {
  store,
  students,
  concurrency,
  warmup,
  hashCost,
  steps,
  seconds: round(seconds, 2),
  flowsPerSecond: round(students / seconds, 2),
  stepsPerSecond: round(steps / seconds, 1),
  stepLatencyMs: { p50: round(pct(50), 1), p99: round(pct(99), 1) },
  requestsPerStep: round(requests / steps, 2),
  server: {
    cpuMsPerStep: round(stats.cpuMs / steps, 2),
    // Share of one core the server used over the window: near 1 (or more, with scrypt on libuv's threads) means CPU-bound.
    cpuCores: round(stats.cpuMs / 1000 / seconds, 2),
    rssMb: round(stats.rssBytes / 2 ** 20, 0),
    loopDelayMs: { p50: round(stats.loopDelayMs.p50, 1), p99: round(stats.loopDelayMs.p99, 1), max: round(stats.loopDelayMs.max, 1) },
  },
  studentsCpuMsPerStep: round((clientCpu.user + clientCpu.system) / 1000 / steps, 2),
  ...(stats.profile ? { profile: stats.profile } : {}),
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`feebot web chat benchmark (${store}, scrypt cost ${hashCost}): ${students} students (+${warmup} warm-up), ${concurrency} at a time, ${steps} steps in ${result.seconds} s`);
  console.log(`  flows/s ${result.flowsPerSecond}   steps/s ${result.stepsPerSecond}   step latency p50 ${result.stepLatencyMs.p50} ms, p99 ${result.stepLatencyMs.p99} ms   HTTP requests/step ${result.requestsPerStep}`);
  const s = result.server;
  console.log(`  server: ${s.cpuMsPerStep} CPU ms/step (${s.cpuCores} cores busy), RSS ${s.rssMb} MB, event-loop delay p50 ${s.loopDelayMs.p50} / p99 ${s.loopDelayMs.p99} / max ${s.loopDelayMs.max} ms`);
  console.log(`  simulated students: ${result.studentsCpuMsPerStep} CPU ms/step (their own process)`);
  if (result.profile) console.log(`  profile: ${result.profile}`);
}
