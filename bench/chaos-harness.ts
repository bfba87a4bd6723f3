// The reliability suite behind `npm run chaos` (and a small run in the tests): feebot as a real
// process on a fresh SQLite file, driven with order commands, signed gateway notifications (lost,
// duplicated, concurrent, out of order, a second transaction, a wrong amount) and Telegram webhook
// updates, SIGKILLed at random moments and restarted; then reconciled and checked.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { signSandboxPayload } from '../adapters/sandbox-gateway/index.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase, type Db } from '../src/db/database.js';
import { upsertFeeItem } from '../src/db/repositories/fee-item.repository.js';
import { enqueueOutbox, nextOutboxRunAfter } from '../src/db/repositories/outbox.repository.js';
import { saveSandboxMethod, saveSandboxPhone, settleSandboxOrder, verifySandboxCode } from '../src/db/repositories/sandbox-order.repository.js';
import { upsertStudent } from '../src/db/repositories/student.repository.js';
import { createLedger } from '../src/ledger/index.js';
import { createLogger } from '../src/logger.js';
import { createFeebot } from '../src/main.js';
import { startFakeBotApi, type FakeBotApi } from '../tests/telegram/fake-bot-api.js';
import { freePort } from '../tests/support/free-port.js';
import { checkInvariants, type InvariantReport } from './chaos-invariants.js';

export interface ChaosOptions {
  kills: number;
  students: number;
  /** Random pause before each kill, in ms. */
  lifeMs: [number, number];
  seed: number;
  log?: (line: string) => void;
}

export interface ChaosReport extends InvariantReport {
  kills: number;
  orderCommands: number;
  notificationsSent: number;
  telegramUpdates: number;
  seconds: number;
}

const SECRET = 'chaos-sandbox-secret-0123456789';
const WEBHOOK_SECRET = 'chaos_webhook_secret';
const DAY = 24 * 60 * 60_000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pending {
  url: string;
  body: string;
  headers: () => Record<string, string>;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const rnd = prng(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'feebot-chaos-'));
  const dbFile = join(dir, 'chaos.db');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fake: FakeBotApi = await startFakeBotApi('777:CHAOS');
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: dbFile,
    DEV_MAILBOX: 'true',
    LOG_LEVEL: 'error',
    OUTBOX_POLL_MS: '50',
    SANDBOX_GATEWAY_SECRET: SECRET,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: `${base}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_RATE_PER_CHAT_PER_SEC: '1000',
    TELEGRAM_RATE_GLOBAL_PER_SEC: '1000',
  };

  const db: Db = openDatabase(dbFile);
  await migrateToLatest(db);
  await seed(db, options.students);
  const ledger = createLedger({ db, orderExpiryMs: 30 * 60_000, gateway: 'sandbox' });

  // Requests the platforms would retry until they get a 2xx: gateway notifications, Telegram updates.
  const outstanding: Pending[] = [];
  const counts = { orderCommands: 0, notificationsSent: 0, telegramUpdates: 0 };
  const telegramSent = new Map<number, number>();
  let updateId = 1;
  let txCounter = 1;
  const paidOrders = new Set<string>();

  async function post(p: Pending): Promise<boolean> {
    try {
      const res = await fetch(p.url, { method: 'POST', headers: p.headers(), body: p.body, signal: AbortSignal.timeout(15_000) });
      await res.body?.cancel().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Sends every outstanding request once (concurrently, in random order); keeps the unanswered. */
  async function flush(): Promise<void> {
    const batch = outstanding.splice(0).sort(() => rnd() - 0.5);
    const results = await Promise.all(batch.map(async (p) => ((await post(p)) ? null : p)));
    outstanding.push(...results.filter((p): p is Pending => p !== null));
  }

  function notification(orderId: string, transactionId: string, amount: number): Pending {
    const body = JSON.stringify({ transactionId, orderId, amount, status: 'paid', paidAt: Date.now() });
    counts.notificationsSent++;
    return { url: `${base}/webhooks/gateway/sandbox`, body, headers: () => ({ 'content-type': 'application/json', ...signSandboxPayload(SECRET, body, Date.now()) }) };
  }

  function telegramUpdate(chat: number, text: string): Pending {
    const id = updateId++;
    counts.telegramUpdates++;
    telegramSent.set(chat, (telegramSent.get(chat) ?? 0) + 1);
    const body = JSON.stringify({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), text, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'C', language_code: 'zh-hans' } } });
    return { url: `${base}/webhooks/telegram`, body, headers: () => ({ 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }) };
  }

  /** Order commands as the engine queues them, for random students' free items. */
  async function queueOrders(n: number): Promise<void> {
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const s = 1 + Math.floor(rnd() * options.students);
      const studentId = `C${String(s).padStart(5, '0')}`;
      const facts = await ledger.loadFacts(studentId, now);
      const free = facts.items.filter((item) => item.outstanding > 0);
      if (free.length === 0) continue;
      const item = free[Math.floor(rnd() * free.length)]!;
      const payload = { channel: 'web', chatId: `chaos-${studentId}`, command: { kind: 'order.create', studentId, lines: [{ itemId: item.id, amount: item.outstanding }] }, lang: 'zh-CN' };
      await enqueueOutbox(db, [{ lane: `cmd:chat:web:chaos-${studentId}`, kind: 'command', payload, runAfter: now }], now);
      counts.orderCommands++;
    }
  }

  /** Pays live orders at the sandbox, then notifies in every way a gateway may (or not at all). */
  async function payOrders(n: number): Promise<void> {
    const live = (await ledger.listPending({ liveAt: Date.now() })).filter((o) => o.payUrl && !paidOrders.has(o.id));
    for (const order of live.sort(() => rnd() - 0.5).slice(0, n)) {
      const transactionId = `CHAOS${txCounter++}`;
      await saveSandboxPhone(db, order.id, '13800138000', '123456');
      await verifySandboxCode(db, order.id, '123456');
      await saveSandboxMethod(db, order.id, 'wechat');
      if (!(await settleSandboxOrder(db, order.id, { status: 'paid', transactionId, at: Date.now() }))) continue;
      paidOrders.add(order.id);
      const r = rnd();
      if (r < 0.15) continue; // the notification is lost: reconciliation must find the payment
      const copies = 1 + Math.floor(rnd() * 4);
      for (let c = 0; c < copies; c++) outstanding.push(notification(order.id, transactionId, order.total));
      if (r > 0.9) outstanding.push(notification(order.id, `${transactionId}B`, order.total)); // paid twice
      else if (r > 0.85) outstanding.push(notification(order.id, `${transactionId}W`, order.total + 1)); // a wrong amount
    }
  }

  let child: ChildProcess | null = null;
  const startChild = async (): Promise<void> => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`feebot exited at start: ${stderr}`);
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`feebot did not start: ${stderr}`);
      await delay(100);
    }
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };

  try {
    for (let k = 0; k < options.kills; k++) {
      await startChild();
      const life = options.lifeMs[0] + rnd() * (options.lifeMs[1] - options.lifeMs[0]);
      const until = Date.now() + life;
      const chats = [1001, 1002, 1003, 1004, 1005];
      // Load keeps going while the kill lands: requests in flight fail and are sent again later.
      const load = (async () => {
        while (Date.now() < until + 50) {
          await queueOrders(2);
          await payOrders(3);
          for (const chat of chats) if (rnd() < 0.5) outstanding.push(telegramUpdate(chat, rnd() < 0.5 ? 'help' : '/menu'));
          await flush();
          await delay(20);
        }
      })();
      await delay(life);
      await kill();
      await load;
      log(`kill ${k + 1}/${options.kills}: ${counts.orderCommands} order commands, ${paidOrders.size} paid, ${outstanding.length} requests to resend`);
    }
    // Last life: everything unanswered is delivered, the outbox drains.
    await startChild();
    log('last start: resending what was not accepted');
    for (let i = 0; i < 100 && outstanding.length > 0; i++) await flush();
    log('waiting for the outbox');
    await waitForOutbox(db);
    await kill();
    log('reconciling a day later');

    // Reconciliation a day later (every order expired): closed at the gateway, or credited if paid there.
    const later = await createFeebot(loadConfig(env), { env, clock: () => Date.now() + DAY, logger: createLogger('silent') });
    await later.sweeper.sweep();
    await later.outbox.drain();
    await later.stop();
    log('checking invariants');

    const report = await checkInvariants(db, { paidAtGateway: paidOrders, telegramSent, telegramCalls: fake.calls, unanswered: outstanding.length });
    return { ...report, kills: options.kills, ...counts, seconds: (Date.now() - started) / 1000 };
  } finally {
    await kill();
    await db.destroy();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(db: Db, students: number): Promise<void> {
  const now = Date.now();
  for (let s = 1; s <= students; s++) {
    const studentId = `C${String(s).padStart(5, '0')}`;
    await upsertStudent(db, { student_id: studentId, name: `学生${s}`, college: '信息学院', major: '软件工程', class_name: '软工1', recovery_email: null, phone: null, id_number: null }, 'x', now);
    const item = (code: string, name: string, amount_due: number) =>
      upsertFeeItem(db, { student_id: studentId, fee_period: '2025-2026', code, name, amount_due, installment_allowed: 0, min_installment: 0, due_date: null }, now);
    await item('TUITION', '学费', 500_000);
    await item('DORM', '住宿费', 120_000);
    await item('BOOKS', '教材费', 30_000);
  }
}

/** Until no entry is due (the live process works them off). */
async function waitForOutbox(db: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const next = await nextOutboxRunAfter(db);
    if (next === null || next > Date.now()) return;
    await delay(100);
  }
}
