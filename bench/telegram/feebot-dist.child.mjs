/* global process */
// feebot.child.ts for the production build: the same wiring imported from dist/ and run by plain
// node (no tsx), so RSS and CPU are what `npm run build` + `feebot start` give. `npm run build` first.
// FEEBOT_DIST points at another build (the bench's --baseline: a copy of dist/ from before a change,
// kept inside the checkout so its imports resolve node_modules). BENCH_DB=postgres: a fresh
// database on 127.0.0.1:5432, dropped at stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer } from 'node:net';

const distDir = process.env.FEEBOT_DIST ? resolve(process.env.FEEBOT_DIST) : join(fileURLToPath(import.meta.url), '..', '..', '..', 'dist');
const load = (path) => import(pathToFileURL(join(distDir, path)).href);
const { loadConfig } = await load('src/config.js');
const { createLogger } = await load('src/logger.js');
const { createFeebot } = await load('src/main.js');

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'feebot-bench-'));
const secret = 'bench_feebot_secret';
const webhookUrl = `http://127.0.0.1:${port}/webhooks/telegram`;

const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const pgName = `feebot_bench_${process.pid}`;
async function pgAdmin(statement) {
  const pg = createRequire(import.meta.url)('pg');
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
const postgres = process.env.BENCH_DB === 'postgres';
if (postgres) await pgAdmin(`create database ${pgName}`);
const dbUrl = postgres ? `postgres://postgres@127.0.0.1:5432/${pgName}` : join(dir, 'feebot.db');
const env = {
  HOST: '127.0.0.1',
  PORT: String(port),
  DATABASE_URL: dbUrl,
  DEMO_DATABASE_URL: dbUrl,
  LOG_LEVEL: 'warn',
  TELEGRAM_BOT_TOKEN: process.env.BOT_TOKEN,
  TELEGRAM_API_ROOT: process.env.API_ROOT,
  TELEGRAM_WEBHOOK_URL: webhookUrl,
  TELEGRAM_WEBHOOK_SECRET: secret,
  ...(process.env.LIMITS === 'raised' ? { TELEGRAM_RATE_PER_CHAT_PER_SEC: '100000', TELEGRAM_RATE_GLOBAL_PER_SEC: '1000000' } : {}),
};
const feebot = await createFeebot(loadConfig(env), { demo: true, passwordHashCost: 12, env, logger: createLogger('warn') });
await feebot.start();
process.send({ type: 'ready', webhookUrl, secret });
process.on('message', (message) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send({ type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage().rss });
  } else if (message.type === 'stop') {
    void feebot
      .stop()
      .then(() => (postgres ? pgAdmin(`drop database if exists ${pgName} with (force)`) : undefined))
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  }
});
