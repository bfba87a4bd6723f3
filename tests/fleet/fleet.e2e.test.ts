import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../adapters/sandbox-gateway/index.js';
import { createEmptyPgTestDatabase } from '../support/test-store.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login, placeOrder } from '../support/web-chat-flows.js';
import { waitUntil } from '../telegram-e2e/telegram-feebot.js';
import { textUpdate } from '../telegram-e2e/telegram-update-builder.js';
import { startFakeBotApi, type FakeBotApi } from '../telegram/fake-bot-api.js';
import { holderPid, maxPerSecond, startFleet, watchStalls, type Fleet } from './fleet-harness.js';

// Three real feebot processes on one PostgreSQL database behave as one: they migrate once, a
// student's consecutive requests land on different instances, a payment notification delivered
// 100 times across the three is credited once, and when the instance holding the leases is
// SIGKILLed mid-load another takes its jobs and Telegram polling within one lease period, every
// chat still gets its answer, and the bot's 30/s budget holds across the fleet.
// (Runs in the `postgres` test project only.)

const SECRET = 'fleet-secret-0123456789abcdef';
const LEASE_SECONDS = 3;
const OUTBOX_LEASE_SECONDS = 5;
const CONCURRENCY = 8; // the outbox worker's default: at most this many claims die with an instance

let fake: FakeBotApi;
let fleet: Fleet;

beforeAll(async () => {
  fake = await startFakeBotApi('777001:FLEET-token');
  const databaseUrl = await createEmptyPgTestDatabase();
  fleet = await startFleet(3, databaseUrl, {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LEASE_SECONDS: String(LEASE_SECONDS),
    OUTBOX_LEASE_SECONDS: String(OUTBOX_LEASE_SECONDS),
    OUTBOX_POLL_MS: '100',
    AGREEMENT_SECONDS: '1',
    SANDBOX_GATEWAY_SECRET: SECRET,
    WEB_LONG_POLL_MS: '3000',
  });
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  await fake?.close();
});

const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await fleet.sql.query<T>(text, values)).rows;
async function leaseHolders(): Promise<Record<string, string>> {
  const rows = await one<{ name: string; holder: string }>('select name, holder from leases');
  return Object.fromEntries(rows.map((r) => [r.name, r.holder]));
}

describe('a fleet of three feebot instances on one PostgreSQL', () => {
  it('started together, they migrated once and share one holder per lease', async () => {
    const migrations = await one<{ name: string }>('select name from kysely_migration');
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    expect(migrations.map((m) => m.name)).toContain('202612021500_fleet');
    await waitUntil(async () => Object.keys(await leaseHolders()).length === 2, 20_000, 'both leases taken');
    const holders = await leaseHolders();
    const pids = fleet.instances.map((i) => i.child.pid);
    expect(pids).toContain(holderPid(holders['background-jobs']!));
    expect(pids).toContain(holderPid(holders['telegram-polling']!));
  });

  it('a student whose every request hits the next instance pays; 100 notifications over the three credit once', async () => {
    let turn = 0;
    const chat = createWebChatClient(() => fleet.live()[turn++ % fleet.live().length]!.baseUrl);
    await login(chat, '2024020201', 'Demo@2026', { timeoutMs: 60_000 });
    const orderId = await placeOrder(chat, { timeoutMs: 30_000 });
    const [order] = await one<{ total: string; status: string }>('select total, status from orders where id = $1', [orderId]);
    expect(order!.status).toBe('pending');
    const body = JSON.stringify({ transactionId: `FLEET-${orderId}`, orderId, amount: Number(order!.total), status: 'paid', paidAt: Date.now() });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${fleet.instances[i % 3]!.baseUrl}/webhooks/gateway/sandbox`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signSandboxPayload(SECRET, body, Date.now()) },
          body,
        }),
      ),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(await one('select id from payments where order_id = $1', [orderId])).toHaveLength(1);
    expect(await one('select id from credits')).toHaveLength(0);
    expect((await one<{ status: string }>('select status from orders where id = $1', [orderId]))[0]!.status).toBe('paid');
    await chat.waitFor((m) => m.payload.text.includes('缴费成功'), 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await chat.latest();
    expect(chat.all().filter((m) => m.payload.text.includes('缴费成功'))).toHaveLength(1);
    // The receipt was issued once.
    expect(await one('select receipt_no from receipts where order_id = $1', [orderId])).toHaveLength(1);
  }, 240_000);

  it('SIGKILL of the lease holder mid-load: leases handed over within a period, every chat answered, the 30/s budget held', async () => {
    const before = fake.callsOf('sendMessage').length;
    const watch = watchStalls();
    const chats = Array.from({ length: 150 }, (_, i) => 880_000 + i);
    let updateId = 10_000;
    for (const chatId of chats.slice(0, 120)) fake.pushUpdate(textUpdate(updateId++, chatId, '/start'));
    // Mid-load: some answers are out, most are not.
    await waitUntil(() => fake.callsOf('sendMessage').length - before >= 25, 60_000, 'the first answers');
    const holders = await leaseHolders();
    const victim = fleet.instances.find((i) => i.child.pid === holderPid(holders['telegram-polling']!))!;
    fleet.kill(victim);
    const killedAt = Date.now();

    // Another instance takes both of the dead holder's leases within one lease period.
    const survivors = fleet.live().map((i) => i.child.pid);
    await waitUntil(async () => {
      const now = await leaseHolders();
      return ['telegram-polling', 'background-jobs'].every((name) => survivors.includes(holderPid(now[name]!)));
    }, 30_000, 'lease handover');
    const handedOverAt = Date.now();
    // One period after its last renewal at the latest; the margin covers a busy 2-core machine.
    expect(handedOverAt - killedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + 3_000);

    // More students write after the kill: the new poller takes them.
    for (const chatId of chats.slice(120)) fake.pushUpdate(textUpdate(updateId++, chatId, '/start'));
    const sendsTo = () => {
      const counts = new Map<number, number>();
      for (const call of fake.callsOf('sendMessage').slice(before)) {
        const chatId = Number(call.params.chat_id);
        counts.set(chatId, (counts.get(chatId) ?? 0) + 1);
      }
      return counts;
    };
    // Entries the dead instance had claimed run again once their claim expires (OUTBOX_LEASE_SECONDS).
    await waitUntil(() => chats.every((c) => (sendsTo().get(c) ?? 0) > 0), 120_000, 'every chat answered');
    // The idle-timeout timers of the student logged in above stay pending for 30 minutes, by design.
    await waitUntil(async () => (await one("select id from outbox where status = 'pending' and lane not like 'idle:%'")).length === 0, (OUTBOX_LEASE_SECONDS + 30) * 1000, 'outbox drained');
    const counts = sendsTo();
    const perChat = [...counts.values()].sort((a, b) => a - b);
    const usual = perChat[Math.floor(perChat.length / 2)]!;
    // Nothing lost: every chat got at least its usual answer. At-least-once window: only a delivery
    // the killed instance had claimed (at most its CONCURRENCY lanes) may have gone out twice.
    expect(chats.filter((c) => (counts.get(c) ?? 0) < usual)).toEqual([]);
    expect(chats.filter((c) => (counts.get(c) ?? 0) > usual).length).toBeLessThanOrEqual(CONCURRENCY);
    expect(await one("select id from outbox where status = 'dead'")).toEqual([]);
    // The bot's budget is fleet-wide: at most 30 arrivals in any second at the Bot API.
    const sends = fake.callsOf('sendMessage').slice(before).map((c) => c.at);
    watch.stop();
    expect(maxPerSecond(sends, watch.stalls)).toBeLessThanOrEqual(30);
  }, 240_000);
});
