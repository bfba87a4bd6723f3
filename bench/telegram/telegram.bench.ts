// Side by side: a bare Telegraf bot (bare-bot.child.ts) and feebot (feebot.child.ts), both in
// webhook mode against the same local Bot API sink, on the same stream of typed commands and button
// presses from N chats. Runs alternate (bare, feebot, bare, …) and the medians are printed.
// Usage: npm run bench -- --telegram [--chats 32] [--updates 24] [--runs 3] [--rate 20] [--paced-seconds 20] [--json]
//   --updates: updates per chat per run (closed loop: each chat waits for its reply, then sends again)
//   --rate: updates/s of the default-limits run (open loop, chats in turn, some tapping twice), 0 skips it
//   --only bare|feebot, --paced-limits raised (the paced run without Telegram's limits),
//   --dist (feebot from the production build: `npm run build` first),
//   --db sqlite|postgres (feebot's store; postgres: a fresh database on 127.0.0.1:5432 per run, dropped after),
//   --baseline DIR (a third bot, "base": feebot from another build, e.g. a copy of dist/ from before a
//   change kept inside the checkout, run alternately with the others to compare in one session)
import { fork, type ChildProcess } from 'node:child_process';
import { join, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBotApiSink, type BotApiSink, type SinkSend } from './bot-api-sink.js';
import type { ChildReady, ChildStats } from './child-protocol.js';

const { values } = parseArgs({
  options: {
    telegram: { type: 'boolean', default: true },
    chats: { type: 'string', default: '32' },
    updates: { type: 'string', default: '24' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '20' },
    'paced-seconds': { type: 'string', default: '20' },
    only: { type: 'string' },
    // raised: the paced run without Telegram's limits, to see what the limiter itself adds
    'paced-limits': { type: 'string', default: 'default' },
    // feebot from the production build (dist/, plain node; run `npm run build` first)
    dist: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    baseline: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const CHATS = Number(values.chats);
const UPDATES_PER_CHAT = Number(values.updates);
const RUNS = Number(values.runs);
const RATE = Number(values.rate);
const PACED_SECONDS = Number(values['paced-seconds']);
const here = dirname(fileURLToPath(import.meta.url));
type BotKind = 'bare' | 'feebot' | 'base';

interface Bot {
  child: ChildProcess;
  ready: ChildReady;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

async function startBot(kind: BotKind, sink: BotApiSink, limits: 'raised' | 'default'): Promise<Bot> {
  const dist = (kind === 'feebot' && values.dist) || kind === 'base';
  const file = join(here, kind === 'bare' ? 'bare-bot.child.ts' : dist ? 'feebot-dist.child.mjs' : 'feebot.child.ts');
  const child = fork(file, [], {
    execArgv: [...(dist ? [] : ['--import', 'tsx']), ...(process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(' ') : [])],
    env: {
      ...process.env,
      BOT_TOKEN: sink.token,
      API_ROOT: sink.apiRoot,
      LIMITS: limits,
      BENCH_DB: values.db,
      ...(kind === 'base' ? { FEEBOT_DIST: values.baseline } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ChildReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ChildReady));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code} before it was ready`)));
  });
  return {
    child,
    ready,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as ChildStats));
        child.send({ type: 'stats' });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

let redelivered = 0;

/** The stream one chat sends: a typed command, then presses on the menu it got, over and over. */
class ChatDriver {
  private updateId = 0;
  private menu: SinkSend | null = null;
  private waiting: ((send: SinkSend) => void) | null = null;
  constructor(
    readonly chatId: number,
    private readonly bot: ChildReady,
  ) {}

  onSend(send: SinkSend): void {
    if (send.buttons.length > 0) this.menu = send;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(send);
  }

  private nextUpdate(step: number): object {
    const updateId = this.chatId * 1_000_000 + ++this.updateId;
    const from = { id: this.chatId, is_bot: false, first_name: '同学', language_code: 'zh-CN' };
    const chat = { id: this.chatId, type: 'private', first_name: '同学' };
    const date = Math.floor(Date.now() / 1000);
    // Every third update is typed (/start), the others press the menu's language switch.
    const button = this.menu?.buttons.find((b) => b.text === 'English' || b.text === '中文') ?? this.menu?.buttons[0];
    if (step % 3 === 0 || !this.menu || !button) return { update_id: updateId, message: { message_id: updateId, date, chat, from, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] } };
    return { update_id: updateId, callback_query: { id: `cb-${updateId}`, from, chat_instance: `ci-${this.chatId}`, data: button.data, message: { message_id: this.menu.messageId, date, chat, text: '' } } };
  }

  /** Posts the next update; resolves with the ms until the chat's first answer (null: none in 10 s). */
  async step(step: number): Promise<number | null> {
    const update = this.nextUpdate(step);
    const started = performance.now();
    const replied = new Promise<number | null>((resolve) => {
      const timeout = setTimeout(() => {
        this.waiting = null;
        resolve(null);
      }, 10_000);
      this.waiting = () => {
        clearTimeout(timeout);
        resolve(performance.now() - started);
      };
    });
    // A 5xx means "not handled, send it again", as Telegram does (counted: `redelivered`).
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(this.bot.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': this.bot.secret },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      if (res.ok) break;
      if (res.status < 500 || attempt >= 5) throw new Error(`webhook answered ${res.status}`);
      redelivered++;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
    return replied;
  }
}

interface RunResult {
  updatesPerSec: number;
  p50: number;
  p99: number;
  cpuMsPerUpdate: number;
  rssIdleMb: number;
  rssLoadMb: number;
  lost: number;
  /** Updates the bot answered 5xx (not handled) and were sent again. */
  redelivered: number;
  violations: { global: number; chat: number };
  sendsPerUpdate: number;
  sends: Record<string, number>;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mb = (bytes: number) => bytes / 1024 / 1024;

async function measure(kind: BotKind, limits: 'raised' | 'default', drive: (drivers: ChatDriver[]) => Promise<{ latencies: number[]; lost: number; seconds: number }>): Promise<RunResult> {
  const sink = await startBotApiSink();
  const bot = await startBot(kind, sink, limits);
  try {
    const drivers = Array.from({ length: CHATS }, (_, i) => new ChatDriver(700_000 + i, bot.ready));
    const byChat = new Map(drivers.map((d) => [String(d.chatId), d]));
    sink.onSend = (send) => byChat.get(send.chatId)?.onSend(send);
    const idle = await bot.stats();
    // Warm-up: every chat gets its first menu and a few presses (JIT, caches, first rows).
    await Promise.all(drivers.map(async (d) => {
      for (let s = 0; s < 3; s++) await d.step(s);
    }));
    await new Promise((r) => setTimeout(r, 1_500)); // quiet the per-chat limits before measuring
    sink.resetCounts();
    redelivered = 0;
    const before = await bot.stats();
    const { latencies, lost, seconds } = await drive(drivers);
    const after = await bot.stats();
    latencies.sort((a, b) => a - b);
    return {
      updatesPerSec: latencies.length / seconds,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      cpuMsPerUpdate: (after.cpuMs - before.cpuMs) / (latencies.length + lost),
      rssIdleMb: mb(idle.rssBytes),
      rssLoadMb: mb(after.rssBytes),
      lost,
      redelivered,
      violations: sink.violations(),
      sendsPerUpdate: Object.values(sink.sends()).reduce((a, b) => a + b, 0) / (latencies.length + lost),
      sends: sink.sends(),
    };
  } finally {
    await bot.stop();
    await sink.close();
  }
}

/** Closed loop: every chat sends, waits for its answer, sends again. */
async function saturate(drivers: ChatDriver[]) {
  const latencies: number[] = [];
  let lost = 0;
  const started = performance.now();
  await Promise.all(drivers.map(async (d) => {
    for (let s = 3; s < 3 + UPDATES_PER_CHAT; s++) {
      const ms = await d.step(s);
      if (ms === null) lost++;
      else latencies.push(ms);
    }
  }));
  return { latencies, lost, seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop at about RATE updates/s, the way students use a bot: chats take turns (each idle chat
 * in order), and every fourth visit the student taps twice — the second tap right after the first
 * answer, which is where a per-chat limit without burst would make them wait a second.
 */
async function paced(drivers: ChatDriver[]) {
  const latencies: number[] = [];
  let lost = 0;
  const busy = new Set<ChatDriver>();
  const steps = new Map(drivers.map((d) => [d, 3]));
  const visits = Math.round(RATE * PACED_SECONDS * 0.8); // 1.25 updates per visit on average
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  const record = (ms: number | null) => (ms === null ? lost++ : latencies.push(ms));
  const next = (d: ChatDriver) => {
    const s = steps.get(d)!;
    steps.set(d, s + 1);
    return s;
  };
  let cursor = 0;
  for (let i = 0; i < visits; i++) {
    const due = started + (i * 1000) / (RATE * 0.8);
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let d: ChatDriver | undefined;
    for (let k = 0; k < drivers.length && !d; k++) {
      const candidate = drivers[(cursor + k) % drivers.length]!;
      if (!busy.has(candidate)) {
        d = candidate;
        cursor = (cursor + k + 1) % drivers.length;
      }
    }
    if (!d) continue;
    const chat = d;
    busy.add(chat);
    const doubleTap = i % 4 === 0;
    inFlight.push(
      (async () => {
        record(await chat.step(next(chat)));
        if (doubleTap) record(await chat.step(next(chat)));
        busy.delete(chat);
      })(),
    );
  }
  await Promise.all(inFlight);
  return { latencies, lost, seconds: (performance.now() - started) / 1000 };
}

const results: Record<BotKind, RunResult[]> = { bare: [], feebot: [], base: [] };
const kinds: BotKind[] = [...(values.only === 'feebot' ? ['feebot' as const] : values.only === 'bare' ? ['bare' as const] : ['bare' as const, 'feebot' as const]), ...(values.baseline ? ['base' as const] : [])];
for (let run = 0; run < RUNS; run++) {
  for (const kind of run % 2 === 0 ? kinds : [...kinds].reverse()) {
    const r = await measure(kind, 'raised', saturate);
    results[kind].push(r);
    if (!values.json) console.error(`  run ${run + 1} ${kind}: ${r.updatesPerSec.toFixed(0)} updates/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.cpuMsPerUpdate.toFixed(2)} CPU ms/update, RSS ${r.rssLoadMb.toFixed(0)} MB${r.lost ? `, ${r.lost} unanswered` : ''}${r.redelivered ? `, ${r.redelivered} answered 5xx and sent again` : ''}`);
  }
}

function summary(runs: RunResult[]) {
  if (runs.length === 0) return null;
  const m = (f: (r: RunResult) => number) => Number(median(runs.map(f)).toFixed(2));
  return { updatesPerSec: m((r) => r.updatesPerSec), p50: m((r) => r.p50), p99: m((r) => r.p99), cpuMsPerUpdate: m((r) => r.cpuMsPerUpdate), rssIdleMb: m((r) => r.rssIdleMb), rssLoadMb: m((r) => r.rssLoadMb), lost: m((r) => r.lost) };
}
const bare = summary(results.bare);
const feebot = summary(results.feebot);
const base = summary(results.base);
let pacedResult: RunResult | null = null;
if (RATE > 0 && kinds.includes('feebot')) pacedResult = await measure('feebot', values['paced-limits'] === 'raised' ? 'raised' : 'default', paced);

const out = {
  chats: CHATS,
  updatesPerChat: UPDATES_PER_CHAT,
  runs: RUNS,
  db: values.db,
  bare,
  feebot,
  base,
  ratio: bare && feebot ? { updatesPerSec: Number((feebot.updatesPerSec / bare.updatesPerSec).toFixed(2)), p99: Number((feebot.p99 / bare.p99).toFixed(2)) } : null,
  defaultLimits: pacedResult && { rate: RATE, updatesPerSec: Number(pacedResult.updatesPerSec.toFixed(1)), p50: Number(pacedResult.p50.toFixed(1)), p99: Number(pacedResult.p99.toFixed(1)), violations: pacedResult.violations, lost: pacedResult.lost, sends: pacedResult.sends },
};
if (values.json) console.log(JSON.stringify(out));
else {
  const row = (name: string, s: ReturnType<typeof summary>) =>
    s && console.log(`  ${name.padEnd(7)} ${s.updatesPerSec.toFixed(0).padStart(6)} updates/s   reply p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms   ${s.cpuMsPerUpdate.toFixed(2)} CPU ms/update   RSS idle ${s.rssIdleMb.toFixed(0)} MB, load ${s.rssLoadMb.toFixed(0)} MB`);
  console.log(`Telegram side by side (webhook, ${CHATS} chats × ${UPDATES_PER_CHAT} updates, medians of ${RUNS} alternating runs, limits raised, feebot on ${values.db}):`);
  row('bare', bare);
  row('feebot', feebot);
  row('base', base);
  if (out.ratio) console.log(`  ratio   feebot/bare updates/s ${out.ratio.updatesPerSec}×, reply p99 ${out.ratio.p99}×`);
  if (out.defaultLimits) {
    const d = out.defaultLimits;
    console.log(`feebot, ${values['paced-limits'] === 'raised' ? 'limits raised' : 'default limits (30/s, 1/s per chat)'}, ~${d.rate} updates/s for ${PACED_SECONDS} s: reply p50 ${d.p50} ms, p99 ${d.p99} ms, limit violations ${d.violations.global} global / ${d.violations.chat} per chat; sends ${JSON.stringify(d.sends)}${d.lost ? `, ${d.lost} unanswered` : ''}`);
  }
}
// An update never answered is a broken bot, not a slow one: fail (CI smoke-runs this bench).
if ([...results.bare, ...results.feebot, ...results.base, ...(pacedResult ? [pacedResult] : [])].some((r) => r.lost > 0)) process.exitCode = 1;
