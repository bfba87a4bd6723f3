// `npm run bench:dunning-send -- [--reminders 10000] [--json]`: a real feebot (demo data, SQLite)
// long-polling the project's fake Bot API sends a dunning run's Telegram reminders under the default
// caps (30/s per bot, 1/s per chat with bursts of 3 as in bench/telegram/telegram-limits.ts; reminders are `bulk`, paced at the policy's 24/s). Measured at the
// fake: the rate sustained as a share of the cap, the most sends in any 1 s window (violations), the
// reminders that never arrived (lost), and the p99 time for a logged-in student's message to be
// answered while idle and during the run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { maxPerSecond, watchStalls, type Stall } from '../tests/fleet/fleet-harness.js';
import { fakeApiChat, waitForBotMessage, withText } from '../tests/telegram-e2e/telegram-chat-driver.js';
import { startFeebotOnFakeBotApi } from '../tests/telegram-e2e/telegram-feebot.js';
import { chatBucket } from './telegram/telegram-limits.js';

const { values } = parseArgs({ options: { reminders: { type: 'string', default: '10000' }, samples: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } } });
const N = Number(values.reminders);
const SAMPLES = Number(values.samples);
const CAP = 30;

/**
 * Sends beyond `cap` in the 1 s before them (each one over is one violation). Windows this process
 * slept through are left out (`stalls`): what arrived then was stamped together when it woke.
 */
function violations(times: number[], cap: number, stalls: readonly Stall[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let over = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    if (i - j + 1 <= cap) continue;
    if (stalls.some((st) => st.end > sorted[i]! - 1000 && st.start <= sorted[i]!)) continue;
    over++;
  }
  return over;
}

/** One chat's sends over Telegram's per-chat allowance (1/s, bursts of 3); sends in a stall of this process left out. */
function chatViolations(times: number[], stalls: readonly Stall[]): number {
  const bucket = chatBucket();
  return [...times].sort((a, b) => a - b).filter((at) => bucket.take(at) && !stalls.some((st) => st.end > at - 1000 && st.start <= at)).length;
}

const dir = mkdtempSync(join(tmpdir(), 'dunning-send-'));
writeFileSync(join(dir, 'policy.json'), JSON.stringify({ quietHours: { start: '00:00', end: '00:00' } }));
const { fake, bot, stop } = await startFeebotOnFakeBotApi('777003:BENCH-dunning', {
  DUNNING_POLICY_FILE: join(dir, 'policy.json'),
  TELEGRAM_RATE_PER_CHAT_PER_SEC: '1',
  TELEGRAM_RATE_GLOBAL_PER_SEC: String(CAP),
  LOG_LEVEL: 'warn',
});
const { feebot } = bot.app;
try {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const { db } = feebot;
  for (let s = 0; s < N; s += 500) {
    const ids = Array.from({ length: Math.min(500, N - s) }, (_, i) => `B${String(s + i).padStart(8, '0')}`);
    await db.insertInto('students').values(ids.map((id) => ({ student_id: id, name: `学生${id}`, college: '计算机学院', major: 'CS', class_name: '1', recovery_email: null, phone: null, id_number: null, password_hash: 'x', must_change_password: 0, password_changed_at: null, created_at: 0, updated_at: 0 }))).execute();
    await db.insertInto('fee_items').values(ids.map((id) => ({ student_id: id, fee_period: '2026-2027', code: 'T', name: '学费', amount_due: 500_000, amount_paid: 0, installment_allowed: 0, min_installment: 0, due_date: today, updated_at: 0 }))).execute();
    await db.insertInto('conversations').values(ids.map((id, i) => ({ channel: 'telegram', chat_id: String(5_000_000 + s + i), state_version: 1, revision: 1, state_json: `{"lang":"zh-CN","session":{"studentId":"${id}"}}`, student_id: id, updated_at: 0 }))).execute();
  }
  // The live student: logged in on Telegram, asking for the menu again and again.
  const chat = fakeApiChat(fake, 4242);
  await chat.sendText('/start');
  await waitForBotMessage(chat, withText('请输入学号'));
  await chat.sendText('2023010101');
  await waitForBotMessage(chat, withText('请输入密码'));
  await chat.sendText('Demo@2026');
  await waitForBotMessage(chat, withText('欠费总额'), 15_000);

  async function replyMs(): Promise<number> {
    const before = fake.calls.length;
    // The fake stamps calls with performance.now().
    const start = performance.now();
    await chat.sendText('/help');
    for (;;) {
      const answered = fake.calls.slice(before).find((c) => String(c.params.chat_id) === '4242' && (c.method === 'sendMessage' || c.method === 'editMessageText'));
      if (answered) return answered.at - start;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  async function sample(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      out.push(await replyMs());
      // Telegram's 1/s per chat applies to the student's own chat too.
      await new Promise((r) => setTimeout(r, 1_100));
    }
    return out;
  }
  const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)]!;

  const idle = await sample(SAMPLES);
  const watch = watchStalls();
  const before = fake.callsOf('sendMessage').length;
  const fired = await feebot.dunning.service.runNow();
  feebot.outbox.kick();
  const during: number[] = [];
  const started = performance.now();
  const deadline = Date.now() + (N / 24) * 1000 * 2 + 60_000;
  // The bench's students only (demo students with a chat and arrears are reminded too).
  const reminders = () => fake.callsOf('sendMessage').slice(before).filter((c) => Number(c.params.chat_id) >= 5_000_000 && String(c.params.text ?? '').includes('【缴费提醒】'));
  while (reminders().length < N && Date.now() < deadline) {
    if (during.length < SAMPLES) during.push(...(await sample(1)));
    if (!values.json) process.stderr.write(`\r${reminders().length}/${N} reminders, ${during.length} interactive samples`);
    // Always yield: the bot runs in this process, and a loop without an await (samples done) starves it.
    if (during.length >= SAMPLES) await new Promise((r) => setTimeout(r, 500));
  }
  watch.stop();
  // The watcher stamps with Date.now(), the fake with performance.now().
  const offset = Date.now() - performance.now();
  const stalls = watch.stalls.map((st) => ({ start: st.start - offset, end: st.end - offset }));
  const sent = reminders();
  const times = sent.map((c) => c.at);
  const allSends = fake.calls.filter((c) => c.at >= started && (c.method === 'sendMessage' || c.method === 'editMessageText' || c.method === 'sendPhoto'));
  const byChat = new Map<string, number[]>();
  for (const c of allSends) byChat.set(String(c.params.chat_id), [...(byChat.get(String(c.params.chat_id)) ?? []), c.at]);
  const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
  const result = {
    reminders: N,
    planned: fired?.result.planned ?? 0,
    arrived: sent.length,
    lost: N - new Set(sent.map((c) => String(c.params.chat_id))).size,
    duplicates: sent.length - new Set(sent.map((c) => String(c.params.chat_id))).size,
    seconds: Number(seconds.toFixed(1)),
    reminderRate: Number((sent.length / seconds).toFixed(2)),
    capUsedPct: Number(((sent.length / seconds / CAP) * 100).toFixed(1)),
    bulkBudgetUsedPct: Number(((sent.length / seconds / 24) * 100).toFixed(1)),
    // The bulk budget is what live conversations leave: the live student's answers in the run's span
    // took turns the reminders then could not (each reply goes first).
    liveSendsDuringRun: allSends.filter((c) => c.at >= Math.min(...times) && c.at <= Math.max(...times)).length - sent.length,
    bulkBudgetUsedWithLivePct: Number(((allSends.filter((c) => c.at >= Math.min(...times) && c.at <= Math.max(...times)).length / seconds / 24) * 100).toFixed(1)),
    maxSendsInAnySecond: maxPerSecond(allSends.map((c) => c.at)),
    maxPerChatInAnySecond: Math.max(...[...byChat.values()].map((times) => maxPerSecond(times))),
    // Over the cap (30/s) and over the per-chat allowance, counting every send too many; stalls of this process left out.
    violationsPerSecond: violations(allSends.map((c) => c.at), CAP, stalls),
    violationsPerChat: [...byChat.values()].reduce((sum, times) => sum + chatViolations(times, stalls), 0),
    chatsOverLimit: [...byChat.entries()].filter(([, times]) => chatViolations(times, stalls) > 0).map(([chat]) => chat).slice(0, 5),
    violationsRaw: { perSecond: violations(allSends.map((c) => c.at), CAP, []), perChat: [...byChat.values()].reduce((sum, times) => sum + chatViolations(times, []), 0) },
    stalls: { count: watch.stalls.length, totalMs: Math.round(watch.stalls.reduce((s, st) => s + st.end - st.start, 0)) },
    interactiveP99IdleMs: p99(idle),
    interactiveP99DuringMs: p99(during),
    samples: { idle: idle.length, during: during.length },
  };
  result.lost = Math.max(0, result.lost);
  console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  if (result.violationsPerSecond > 0 || result.violationsPerChat > 0 || result.lost > 0) process.exitCode = 1;
} finally {
  await stop();
}
