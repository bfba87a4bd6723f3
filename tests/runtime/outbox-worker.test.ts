import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { enqueueOutbox, countPendingOutbox } from '../../src/db/repositories/outbox.repository.js';
import { ChannelError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxWorker } from '../../src/runtime/outbox-worker.js';
import { openAnotherPool, openTestDb } from '../support/test-store.js';

let db: Db;
let now = 1_000_000;
const clock = () => now;

beforeEach(async () => {
  db = await openTestDb();
  now = 1_000_000;
});
afterEach(async () => db.destroy());

function worker(handler: (payload: { chat: string; n: number }) => Promise<void>, extra: Partial<Parameters<typeof createOutboxWorker>[0]> = {}) {
  return createOutboxWorker({
    db,
    clock,
    logger: createLogger('silent'),
    pollMs: 10,
    backoffMs: [100, 200],
    maxAttempts: 3,
    handlers: { send: (entry) => handler(entry.payload as { chat: string; n: number }) },
    ...extra,
  });
}

async function enqueue(chat: string, count: number) {
  await enqueueOutbox(db, Array.from({ length: count }, (_, n) => ({ lane: `chat:t:${chat}`, kind: 'send', payload: { chat, n }, runAfter: now })), now);
}

describe('outbox worker', () => {
  it('delivers every entry once, in order per lane', async () => {
    const seen: string[] = [];
    await enqueue('a', 5);
    await enqueue('b', 5);
    await worker(async (p) => void seen.push(`${p.chat}${p.n}`)).drain();
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(seen.filter((s) => s.startsWith('b'))).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('waits out a 429 without dropping or reordering the chat, and other chats go on', async () => {
    const seen: string[] = [];
    let limited = 2;
    await enqueue('a', 3);
    await enqueue('b', 2);
    const w = worker(async (p) => {
      if (p.chat === 'a' && p.n === 1 && limited-- > 0) throw new ChannelError('Too Many Requests', 3);
      seen.push(`${p.chat}${p.n}`);
    });
    await w.drain();
    expect(seen).toContain('b1');
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a0']);
    now += 3_000; // retry_after elapsed
    await w.drain();
    now += 3_000;
    await w.drain();
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a0', 'a1', 'a2']);
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('waits the full retry_after of a 429 even when it is far longer than the backoff', async () => {
    const tries: number[] = [];
    await enqueue('a', 2);
    const w = worker(
      async (p) => {
        tries.push(now);
        if (p.n === 0 && tries.length === 1) throw new ChannelError('Too Many Requests: retry after 5', 5);
      },
      { backoffMs: [1_000, 2_000] },
    );
    const start = now;
    await w.drain();
    expect(tries).toEqual([start]);
    now = start + 2_000; // past the first backoff steps, still inside retry_after
    await w.drain();
    expect(tries).toEqual([start]);
    now = start + 4_999;
    await w.drain();
    expect(tries).toEqual([start]);
    now = start + 5_000;
    await w.drain();
    // Retried, and the lane's next entry went right after it.
    expect(tries).toEqual([start, start + 5_000, start + 5_000]);
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('does not count 429s as failed attempts: a chat is never dropped for being rate limited', async () => {
    const delivered: number[] = [];
    let limited = 0;
    await enqueue('a', 2);
    const w = worker(async (p) => {
      if (p.n === 0 && limited < 10) {
        limited++;
        throw new ChannelError('Too Many Requests', 1);
      }
      delivered.push(p.n);
    }); // maxAttempts 3
    for (let i = 0; i < 12; i++) {
      await w.drain();
      now += 1_000;
    }
    expect(limited).toBe(10);
    expect(delivered).toEqual([0, 1]);
    expect(await countPendingOutbox(db)).toBe(0);
    const rows = await db.selectFrom('outbox').select(['status', 'attempts']).execute();
    expect(rows).toEqual([{ status: 'done', attempts: 0 }, { status: 'done', attempts: 0 }]);
  });

  it('stops a chat that blocked the bot and reports it', async () => {
    const blocked: string[] = [];
    await enqueue('a', 3);
    const w = worker(async () => {
      throw new ChannelError('Forbidden: bot was blocked by the user', undefined, true);
    }, { onPermanentFailure: async (e) => void blocked.push(e.lane) });
    await w.drain();
    expect(blocked).toEqual(['chat:t:a']);
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('retries other failures with backoff, then gives up', async () => {
    let calls = 0;
    await enqueue('a', 1);
    const w = worker(async () => {
      calls++;
      throw new Error('network down');
    });
    await w.drain();
    expect(calls).toBe(1);
    await w.drain();
    expect(calls).toBe(1); // backoff not elapsed
    now += 100;
    await w.drain();
    expect(calls).toBe(2);
    now += 200;
    await w.drain();
    expect(calls).toBe(3);
    now += 10_000;
    await w.drain();
    expect(calls).toBe(3);
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('never runs an entry twice when two workers drain the same outbox', async () => {
    const seen: string[] = [];
    for (const chat of ['a', 'b', 'c', 'd']) await enqueue(chat, 10);
    const slowly = async (p: { chat: string; n: number }) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(`${p.chat}${p.n}`);
    };
    await Promise.all([worker(slowly).drain(), worker(slowly).drain()]);
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    for (const chat of ['a', 'b', 'c', 'd']) expect(seen.filter((s) => s.startsWith(chat))).toEqual(Array.from({ length: 10 }, (_, n) => `${chat}${n}`));
  });

  it('three workers on their own connections (instances): each entry once, one at a time per lane, in order', async () => {
    const lanes = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const chat of lanes) await enqueue(chat, 15);
    const seen: string[] = [];
    const inFlight = new Set<string>();
    let overlaps = 0;
    const handler = async (p: { chat: string; n: number }) => {
      if (inFlight.has(p.chat)) overlaps++;
      inFlight.add(p.chat);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      seen.push(`${p.chat}${p.n}`);
      inFlight.delete(p.chat);
    };
    const workers = [db, openAnotherPool(db), openAnotherPool(db)].map((pool) => worker(handler, { db: pool, concurrency: 3 }));
    await Promise.all(workers.map((w) => w.drain()));
    expect(overlaps).toBe(0);
    expect(seen).toHaveLength(90);
    expect(new Set(seen).size).toBe(90);
    for (const chat of lanes) expect(seen.filter((s) => s.startsWith(chat))).toEqual(Array.from({ length: 15 }, (_, n) => `${chat}${n}`));
    expect(await countPendingOutbox(db)).toBe(0);
  });

  it('runs a reply while bulk entries hold their slots, and refills a slot without waiting for the others', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const w = createOutboxWorker({
      db,
      clock,
      logger: createLogger('silent'),
      pollMs: 10,
      concurrency: 4,
      handlers: {
        // A reminder waiting for its turn in the rate limiter: slow, until released.
        dunning: (entry) => {
          started.push(`bulk:${(entry.payload as { n: number }).n}`);
          return new Promise<void>((resolve) => release.push(resolve));
        },
        send: async (entry) => void started.push(`reply:${(entry.payload as { chat: string }).chat}`),
      },
    });
    await enqueueOutbox(db, Array.from({ length: 12 }, (_, n) => ({ lane: `dunning:1:${n}`, kind: 'dunning', payload: { n }, runAfter: now })), now);
    const drained = w.drain();
    await expect.poll(() => started.length).toBe(2); // concurrency 4 − 2 slots kept for everything else
    await enqueue('student', 1); // newer than every reminder
    w.kick();
    await expect.poll(() => started).toContain('reply:student');
    expect(started.filter((s) => s.startsWith('bulk'))).toHaveLength(2);
    release.shift()!(); // one reminder done: its slot is refilled at once, the other still runs
    await expect.poll(() => started.filter((s) => s.startsWith('bulk'))).toHaveLength(3);
    while (started.filter((s) => s.startsWith('bulk')).length < 12 || release.length > 0) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    await drained;
    expect(await countPendingOutbox(db)).toBe(0);
  });
});
