// A dunning worker process for the crash and double-fire tests: `run` fires the run of a fixed key,
// resumes it if a killed predecessor left it half planned, and sends through the real web chat
// transport until the run is done; `cron` lets node-cron fire every second and reports each fire.
import { createWebTransport } from '../../adapters/web/web-transport.js';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { findDunningRun } from '../../src/db/repositories/dunning-run.repository.js';
import { createDunningScheduler } from '../../src/dunning/dunning-scheduler.js';
import { createDunningService } from '../../src/dunning/dunning-service.js';
import { parsePolicy } from '../../src/dunning/policy.js';
import { createReminderSender } from '../../src/dunning/reminder-sender.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxWorker } from '../../src/runtime/outbox-worker.js';

const [mode = 'run'] = process.argv.slice(2);
const db = openDatabase(process.env.DATABASE_URL!, { poolSize: 4 });
await migrateToLatest(db);
const logger = createLogger('silent');
const clock = Date.now;
const policy = parsePolicy(process.env.POLICY ?? '{}');
const service = createDunningService({ db, policy, timezone: 'Asia/Shanghai', defaultLang: 'zh-CN', clock, logger });

if (mode === 'cron') {
  let fires = 0;
  const real = service.fire;
  const reporting = {
    ...service,
    async fire(key: string) {
      const result = await real(key);
      process.stdout.write(`${JSON.stringify({ key, created: result !== null })}\n`);
      if (++fires >= 3) {
        await scheduler.stop();
        await db.destroy();
        process.exit(0);
      }
      return result;
    },
  };
  const scheduler = createDunningScheduler({ service: reporting, policy, logger });
  scheduler.start();
} else {
  const web = createWebTransport(db, clock);
  const sender = createReminderSender({ db, policy, timezone: 'Asia/Shanghai', transports: { web: web.transport }, payUrl: () => 'http://t/?start=pay', unsubscribeUrl: () => 'http://t/u', clock, logger });
  const outbox = createOutboxWorker({ db, clock, logger, pollMs: 10, concurrency: 8, leaseMs: 1_000, handlers: { dunning: (e) => sender.send(e), 'dunning-finish': (e) => service.finish(e), staff: async () => undefined } });
  const fired = await service.fire('cron:crash-test');
  await service.resumeInterrupted();
  outbox.start();
  const runId = fired?.run.id ?? (await db.selectFrom('dunning_runs').select('id').where('fire_key', '=', 'cron:crash-test').executeTakeFirstOrThrow()).id;
  for (;;) {
    if ((await findDunningRun(db, Number(runId)))?.status === 'done') break;
    outbox.kick();
    await new Promise((r) => setTimeout(r, 50));
  }
  await outbox.stop();
  await db.destroy();
  process.exit(0);
}
