import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createFeebot, type Feebot, type FeebotOptions } from '../../src/main.js';
import { freePort } from './free-port.js';
import { testDatabaseUrl } from './test-store.js';

export interface TestFeebot {
  feebot: Feebot;
  baseUrl: string;
  /** Every log line written, for assertions (e.g. that no secret is logged). */
  logLines: string[];
  stop(): Promise<void>;
}

/** A real feebot on the store under test (a SQLite file in a temp dir, or a fresh PostgreSQL database), listening on 127.0.0.1 with demo data. */
export async function startTestFeebot(env: Record<string, string> = {}, options: FeebotOptions = {}): Promise<TestFeebot> {
  const dir = mkdtempSync(join(tmpdir(), 'feebot-test-'));
  const port = await freePort();
  const dbUrl = await testDatabaseUrl(join(dir, 'feebot.db'));
  const fullEnv = {
    HOST: '127.0.0.1',
    PORT: String(port),
    // One database serves both: a test feebot runs either demo or not.
    DATABASE_URL: dbUrl,
    DEMO_DATABASE_URL: dbUrl,
    OUTBOX_POLL_MS: '50',
    WEB_LONG_POLL_MS: '5000',
    ...env,
  };
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const feebot = await createFeebot(loadConfig(fullEnv), {
    demo: true,
    passwordHashCost: 12,
    gatewayRetryScheduleMs: [200, 500, 1000],
    logger: createLogger('info', sink),
    env: fullEnv,
    ...options,
  });
  await feebot.start();
  return {
    feebot,
    baseUrl: `http://127.0.0.1:${port}`,
    logLines,
    async stop() {
      await feebot.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
