// Fleet send budget: N feebot processes on one PostgreSQL share one Telegram bot. M messages are
// queued in the outbox at once (K chats, M/K each); every instance's worker sends. Measured at the
// fake Bot API: the most arrivals in any 1 s window (must stay ≤ the cap, 30/s by default, and
// ≤ 1/s per chat after a burst of 3, interactive deliveries being allowed that burst) and the mean rate over the run as a share of the cap (target ≥ 90 %).
// Usage: npm run bench:fleet -- [--instances 3] [--messages 3000] [--chats 1000] [--json]
// (PG_TEST_URL names the server, default postgres://postgres@127.0.0.1:5432/test; a database is
// created and dropped.)
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { enqueueOutbox, type NewOutboxEntry } from '../src/db/repositories/outbox.repository.js';
import { chatLane } from '../src/runtime/chat-lane.js';
import type { OutboxPayloads } from '../src/runtime/runtime-types.js';
import { maxPerSecond, startFleet } from '../tests/fleet/fleet-harness.js';
import { startFakeBotApi } from '../tests/telegram/fake-bot-api.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    messages: { type: 'string', default: '3000' },
    chats: { type: 'string', default: '1000' },
    cap: { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const instances = Number(values.instances);
const messages = Number(values.messages);
const chats = Math.min(Number(values.chats), messages);
const cap = Number(values.cap);

const adminUrl = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `feebot_fleet_bench_${process.pid}_${Date.now()}`;
const admin = async (query: string) => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(query).finally(() => client.end());
};
const url = new URL(adminUrl);
url.pathname = `/${database}`;
const databaseUrl = url.toString();

await admin(`create database "${database}"`);
const fake = await startFakeBotApi('777002:BENCH-token');
const fleet = await startFleet(instances, databaseUrl, {
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  TELEGRAM_RATE_GLOBAL_PER_SEC: String(cap),
  TELEGRAM_RATE_PER_CHAT_PER_SEC: '1',
  OUTBOX_POLL_MS: '100',
});
try {
  const db = openDatabase(databaseUrl, { poolSize: 2 });
  await migrateToLatest(db);
  const now = Date.now();
  const entries: NewOutboxEntry[] = Array.from({ length: messages }, (_, i) => {
    const chatId = String(990_000 + (i % chats));
    const payload: OutboxPayloads['deliver'] = {
      channel: 'telegram',
      chatId,
      view: { placement: 'message', text: `催缴提醒 ${i}: 2025-2026 学费尚未缴清。`, buttons: [] },
      freshMenu: false,
    };
    return { lane: chatLane('telegram', chatId), kind: 'deliver', payload, runAfter: now };
  });
  for (let i = 0; i < entries.length; i += 500) await enqueueOutbox(db, entries.slice(i, i + 500), now);
  await db.destroy();

  const before = fake.callsOf('sendMessage').length;
  const deadline = Date.now() + (messages / cap) * 3000 + 60_000;
  while (fake.callsOf('sendMessage').length - before < messages) {
    if (Date.now() > deadline) throw new Error(`only ${fake.callsOf('sendMessage').length - before} of ${messages} arrived`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const calls = fake.callsOf('sendMessage').slice(before);
  const times = calls.map((c) => c.at);
  const byChat = new Map<string, number[]>();
  for (const c of calls) byChat.set(String(c.params.chat_id), [...(byChat.get(String(c.params.chat_id)) ?? []), c.at]);
  const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
  // Aligned seconds too (how a per-second counter at Telegram would see it).
  const buckets = new Map<number, number>();
  for (const t of times) buckets.set(Math.floor(t / 1000), (buckets.get(Math.floor(t / 1000)) ?? 0) + 1);
  const result = {
    instances,
    messages,
    chats,
    cap,
    seconds: Number(seconds.toFixed(1)),
    maxInAnySecond: maxPerSecond(times),
    maxInAlignedSecond: Math.max(...buckets.values()),
    maxPerChatInAnySecond: Math.max(...[...byChat.values()].map((times) => maxPerSecond(times))),
    meanRate: Number((messages / seconds).toFixed(2)),
    capUsed: Number(((messages / seconds / cap) * 100).toFixed(1)),
    // The same message arriving twice would be a bug (no instance died here).
    duplicates: calls.length - new Set(calls.map((c) => `${String(c.params.chat_id)}\n${String(c.params.text)}`)).size,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`fleet send budget: ${instances} instances, ${messages} messages to ${chats} chats, cap ${cap}/s`);
    console.log(`  ${result.seconds} s; max ${result.maxInAnySecond} in any 1 s window (${result.maxInAlignedSecond} in an aligned second), max ${result.maxPerChatInAnySecond}/s per chat`);
    console.log(`  mean ${result.meanRate}/s = ${result.capUsed} % of the cap; ${result.duplicates} duplicates`);
  }
  if (result.maxInAnySecond > cap || result.maxPerChatInAnySecond > 3 || result.duplicates > 0) process.exitCode = 1;
} finally {
  await fleet.stop();
  await fake.close();
  await admin(`drop database if exists "${database}" with (force)`);
}
