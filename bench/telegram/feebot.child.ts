// feebot for the side-by-side benchmark: the production wiring (createFeebot from the
// environment, SQLite file, Telegram in webhook mode) pointed at the parent's Bot API sink.
// LIMITS=raised lifts the send limits so only feebot's own work is measured. BENCH_DB=postgres: a
// fresh database on 127.0.0.1:5432 instead of the SQLite file, dropped at stop.
import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createFeebot } from '../../src/main.js';
import { freePort } from '../../tests/support/free-port.js';
import { serveParent } from './child-protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'feebot-bench-'));
const port = await freePort();
const secret = 'bench_feebot_secret';
const webhookUrl = `http://127.0.0.1:${port}/webhooks/telegram`;
const raised = process.env.LIMITS === 'raised';
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const pgName = `feebot_bench_${process.pid}`;
async function pgAdmin(statement: string): Promise<void> {
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
const env: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: String(port),
  DATABASE_URL: dbUrl,
  DEMO_DATABASE_URL: dbUrl,
  LOG_LEVEL: 'warn',
  TELEGRAM_BOT_TOKEN: process.env.BOT_TOKEN!,
  TELEGRAM_API_ROOT: process.env.API_ROOT!,
  TELEGRAM_WEBHOOK_URL: webhookUrl,
  TELEGRAM_WEBHOOK_SECRET: secret,
  ...(raised ? { TELEGRAM_RATE_PER_CHAT_PER_SEC: '100000', TELEGRAM_RATE_GLOBAL_PER_SEC: '1000000' } : {}),
};
const feebot = await createFeebot(loadConfig(env), { demo: true, passwordHashCost: 12, env, logger: createLogger('warn') });
await feebot.start();
serveParent({ type: 'ready', webhookUrl, secret }, async () => {
  await feebot.stop();
  if (postgres) await pgAdmin(`drop database if exists ${pgName} with (force)`);
  rmSync(dir, { recursive: true, force: true });
});
