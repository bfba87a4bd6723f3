import { userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { createAudit } from './accounts/audit.service.js';
import { fixedInitialPasswordWarning } from './accounts/initial-password.js';
import { createPasswordHasher } from './accounts/password-hasher.js';
import { loadConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { DEMO_LOGINS } from './demo/demo-data.js';
import { importFees } from './import/fee-import.js';
import { importStaff } from './import/staff-import.js';
import { importStudents } from './import/student-import.js';
import { formatStaffAudit } from './accounts/staff-audit-format.js';
import { listStaffAudit } from './db/repositories/staff-audit.repository.js';
import type { ImportResult } from './import/csv-table.js';
import { loadMailConfig } from './mail/mail-config.js';
import { createLogger } from './logger.js';
import type { Feebot } from './main.js';
import { formatReconcileReport } from './runtime/daily-reconcile.js';
import { dunningCommand } from './dunning/dunning-cli.js';
import { loadWechatConfig } from '../adapters/wechat/wechat-config.js';

const HELP = `feebot — fee payments in chat

Usage:
  feebot demo                      start on the demo database with demo students (no setup needed)
  feebot start                     start on DATABASE_URL (migrates first)
  feebot migrate                   apply pending migrations to DATABASE_URL
  feebot import students FILE.csv  import or update students (see README "CSV formats")
  feebot import fees FILE.csv      import or update fee items
  feebot import staff FILE.csv     import or update finance staff for Slack (email,name,role,college)
  feebot audit [--demo] STUDENT_ID  print the student's recent security audit trail
                                   (DATABASE_URL; --demo: DEMO_DATABASE_URL)
  feebot refund CREDIT_ID --note TEXT [--actor NAME]
                                   refund a held credit through the gateway that took it
  feebot reconcile --date YYYY-MM-DD
                                   ask the gateways about that day's orders, report differences
  feebot dunning preview [--date YYYY-MM-DD]
                                   who would be reminded today (or on that date), on which channel, and
                                   why others are skipped; sends nothing
  feebot dunning run [--plan-only] run the reminders now (progress bar), then send them
  feebot wechat menu               (re)create the WeChat Official Account's custom menu
  feebot audit --staff [--demo]    print what finance staff did on Slack, newest first
  feebot help                      this text

Configuration comes from environment variables (see .env.example).`;

/** main.js (every adapter and SDK) loads only for the commands that run feebot: help, migrate and import start fast. */
async function loadFeebot() {
  return (await import('./main.js')).createFeebot;
}

async function serve(demo: boolean): Promise<void> {
  const config = loadConfig();
  const createFeebot = await loadFeebot();
  const feebot = await createFeebot(config, { demo });
  const { url } = await feebot.start();
  console.log(`\nfeebot is running: open ${url} in a browser.`);
  const mail = loadMailConfig();
  if (!demo && !mail.smtpUrl) {
    console.warn(`\n*** WARNING: DEV_MAILBOX=true and no SMTP_URL: mail is NOT delivered. ${url}/dev/mailbox shows every reset link to anyone. Development only. ***\n`);
  }
  const initialWarning = demo ? null : fixedInitialPasswordWarning(config.INITIAL_PASSWORD);
  if (initialWarning) console.warn(`\n*** WARNING: ${initialWarning} ***\n`);
  if (demo) {
    console.log('Demo students (学号 / password):');
    for (const login of DEMO_LOGINS) console.log(`  ${login.studentId}  ${login.name}  ${login.password === 'initial' ? `${config.INITIAL_PASSWORD.startsWith('@') ? 'the initial password' : config.INITIAL_PASSWORD} (initial, must change)` : login.password}  — ${login.note}`);
  }
  const shutdown = () => void feebot.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function report(kind: string, result: ImportResult): number {
  if (result.ok) {
    console.log(`Imported ${result.count} ${kind}.`);
    return 0;
  }
  console.error(`Nothing was imported: ${result.errors.length} problem(s) in the file.`);
  for (const e of result.errors) console.error(`  line ${e.line}: ${e.reason}`);
  return 1;
}

async function runImport(kind: string | undefined, file: string | undefined): Promise<number> {
  if ((kind !== 'students' && kind !== 'fees' && kind !== 'staff') || !file) {
    console.error('Usage: feebot import students|fees|staff FILE.csv');
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase(config.DATABASE_URL, { poolSize: 2 });
  try {
    await migrateToLatest(db);
    const text = readFileSync(file, 'utf8');
    const now = Date.now();
    const result =
      kind === 'students'
        ? await importStudents(db, text, { hasher: createPasswordHasher(), initialPasswordPolicy: config.INITIAL_PASSWORD, now })
        : kind === 'staff'
          ? await importStaff(db, text, { now })
          : await importFees(db, text, { now });
    return report(kind, result);
  } finally {
    await db.destroy();
  }
}

async function printAudit(args: string[]): Promise<number> {
  const demo = args.includes('--demo');
  if (args.includes('--staff')) return printStaffAudit(demo, args.filter((a) => a !== '--demo' && a !== '--staff'));
  const rest = args.filter((a) => a !== '--demo');
  const studentId = rest[0];
  if (!studentId || rest.length > 1 || studentId.startsWith('-')) {
    console.error('Usage: feebot audit [--demo] STUDENT_ID');
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase(demo ? config.DEMO_DATABASE_URL : config.DATABASE_URL, { poolSize: 2 });
  try {
    await migrateToLatest(db);
    console.log(await createAudit({ db, timezone: config.TIMEZONE }).trail(studentId));
    return 0;
  } finally {
    await db.destroy();
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs `work` on a feebot that is wired but not listening (no channels polling, no workers). */
async function withFeebot<T>(work: (feebot: Feebot) => Promise<T>): Promise<T> {
  const createFeebot = await loadFeebot();
  const feebot = await createFeebot(loadConfig(), { logger: createLogger('warn') });
  try {
    return await work(feebot);
  } finally {
    await feebot.stop();
  }
}

async function refund(args: string[]): Promise<number> {
  const creditId = Number(args[0]);
  const note = flag(args, '--note');
  if (!Number.isSafeInteger(creditId) || creditId <= 0 || !note) {
    console.error('Usage: feebot refund CREDIT_ID --note TEXT [--actor NAME]');
    return 2;
  }
  const actor = flag(args, '--actor') ?? `cli:${userInfo().username}`;
  return withFeebot(async (feebot) => {
    const r = await feebot.ledger.heldCredits.refundHeldCredit({ creditId, note, actor, now: Date.now() });
    console.log(`Refund ${r.refundId}: ${r.status}`);
    return r.status === 'failed' ? 1 : 0;
  });
}

async function reconcile(args: string[]): Promise<number> {
  const date = flag(args, '--date');
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    console.error('Usage: feebot reconcile --date YYYY-MM-DD');
    return 2;
  }
  return withFeebot(async (feebot) => {
    const report = await feebot.reconciler.run(date);
    console.log(formatReconcileReport(report));
    return report.differences.length > 0 ? 1 : 0;
  });
}

/** `feebot wechat menu`: the same menu/create the channel does at start, with the shared token. */
async function wechatCommand(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'menu') {
    console.error('Usage: feebot wechat menu');
    return 2;
  }
  const wechat = loadWechatConfig();
  if (!wechat) {
    console.error('WeChat is not configured: set WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_TOKEN.');
    return 2;
  }
  // Imported here: the WeChat adapter (XML parser…) is not loaded for every other command.
  const { createWechatApi, WECHAT_MENU } = await import('../adapters/wechat/index.js');
  const db = openDatabase(loadConfig().DATABASE_URL);
  try {
    await migrateToLatest(db);
    await createWechatApi({ db, apiRoot: wechat.apiRoot, appId: wechat.appId, appSecret: wechat.appSecret, clock: Date.now }).createMenu(WECHAT_MENU);
    console.log(`WeChat menu created: ${WECHAT_MENU.map((b) => b.name).join(' / ')}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function printStaffAudit(demo: boolean, rest: string[]): Promise<number> {
  if (rest.length > 0) {
    console.error('Usage: feebot audit --staff [--demo]');
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase(demo ? config.DEMO_DATABASE_URL : config.DATABASE_URL);
  try {
    await migrateToLatest(db);
    console.log(formatStaffAudit(await listStaffAudit(db, 200), config.TIMEZONE));
    return 0;
  } finally {
    await db.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'demo':
      await serve(true);
      return -1;
    case 'start':
      await serve(false);
      return -1;
    case 'migrate': {
      const db = openDatabase(loadConfig().DATABASE_URL, { poolSize: 2 });
      const applied = await migrateToLatest(db);
      await db.destroy();
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
      return 0;
    }
    case 'import':
      return runImport(args[0], args[1]);
    case 'audit':
      return printAudit(args);
    case 'refund':
      return refund(args);
    case 'reconcile':
      return reconcile(args);
    case 'dunning':
      return dunningCommand(args, withFeebot);
    case 'wechat':
      return wechatCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
