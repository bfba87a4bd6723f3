/* global process */
// feebot.child.ts for the production build: the same wiring imported from dist/ and run by plain
// node (no tsx), so RSS and CPU are what `npm run build` + `feebot start` give. `npm run build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../dist/src/config.js';
import { createLogger } from '../../dist/src/logger.js';
import { createFeebot } from '../../dist/src/main.js';
import { createServer } from 'node:net';

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'feebot-bench-'));
const secret = 'bench_feebot_secret';
const webhookUrl = `http://127.0.0.1:${port}/webhooks/telegram`;
const dbUrl = join(dir, 'feebot.db');
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
    void feebot.stop().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
