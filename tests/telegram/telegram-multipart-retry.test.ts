import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { MAX_TEXT } from '../../adapters/telegram/telegram-render.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.js';
import { countPendingOutbox, enqueueOutbox } from '../../src/db/repositories/outbox.repository.js';
import type { View } from '../../src/engine/views.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxHandlers, type OutboxHandlerDeps } from '../../src/runtime/outbox-handlers.js';
import { chatLane } from '../../src/runtime/chat-lane.js';
import type { OutboxPayloads } from '../../src/runtime/runtime-types.js';
import { createOutboxWorker, type OutboxWorker } from '../../src/runtime/outbox-worker.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { silentLogger, testConfig } from './telegram-test-helpers.js';

// A view too long for one message goes out in several sends (text parts, or a photo then its
// text). A 429 on a later part must make the outbox retry resume there: every part arrives once.

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
/** Three parts: each line is numbered so the parts can be told apart. */
const LONG = Array.from({ length: 3 * Math.ceil(MAX_TEXT / 20) }, (_, i) => `第${String(i).padStart(5, '0')}行 说明文字。`).join('\n');

describe('multi-part deliveries retried by the outbox', () => {
  let fake: FakeBotApi;
  let adapter: TelegramAdapter;
  let db: Db;
  let worker: OutboxWorker;
  let now = 5_000_000;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    adapter = createTelegramAdapter({ config: testConfig(fake.apiRoot, fake.token), logger: silentLogger });
  });
  afterAll(async () => fake.close());
  beforeEach(async () => {
    db = openDatabase(':memory:');
    await migrateToLatest(db);
    const logger = createLogger('silent');
    // Only `deliver` runs here; the other handlers' collaborators are never touched.
    const deps = { db, transports: { telegram: adapter.transport }, clock: () => now, logger } as unknown as OutboxHandlerDeps;
    const handlers = createOutboxHandlers(deps);
    worker = createOutboxWorker({ db, clock: () => now, logger, pollMs: 10, handlers: { deliver: handlers.deliver } });
  });
  afterEach(async () => db.destroy());

  async function enqueueView(chatId: string, view: View) {
    const payload: OutboxPayloads['deliver'] = { channel: 'telegram', chatId, view, freshMenu: false };
    await enqueueOutbox(db, [{ lane: chatLane('telegram', chatId), kind: 'deliver', payload, runAfter: now }], now);
  }
  const textsTo = (chatId: string) => [...fake.messages.values()].filter((m) => m.chat_id === chatId && m.text !== undefined).map((m) => m.text!);
  const photosTo = (chatId: string) => [...fake.messages.values()].filter((m) => m.chat_id === chatId && m.photo);

  it('resumes a long text at the part that met the 429', async () => {
    const chat = '3101';
    await enqueueView(chat, { placement: 'message', text: LONG, buttons: [] });
    fake.failNext('sendMessage', { code: 429, retryAfter: 2 }, 1, 1); // part 2 is rate limited
    await worker.drain();
    expect(textsTo(chat)).toHaveLength(1);
    now += 2_000;
    await worker.drain();
    expect(await countPendingOutbox(db)).toBe(0);

    const parts = textsTo(chat);
    expect(parts).toHaveLength(3);
    expect(new Set(parts).size).toBe(3);
    expect(parts.join('\n')).toBe(LONG);
  });

  it('does not send the photo again when the text after it is rate limited', async () => {
    const chat = '3102';
    const view: View = { placement: 'menu', text: LONG, buttons: [[{ label: '返回', code: 'v1:home:-:1' }]], image: { kind: 'png', base64: PNG } };
    await enqueueView(chat, view);
    fake.failNext('sendMessage', { code: 429, retryAfter: 1 }, 1, 1); // the photo and part 1 go, part 2 is limited
    await worker.drain();
    now += 1_000;
    await worker.drain();
    expect(await countPendingOutbox(db)).toBe(0);

    expect(photosTo(chat)).toHaveLength(1);
    const parts = textsTo(chat);
    expect(parts.join('\n')).toBe(LONG);
    // Only the last part carries the buttons.
    const last = [...fake.messages.values()].filter((m) => m.chat_id === chat).at(-1)!;
    expect(last.reply_markup).toEqual({ inline_keyboard: [[{ text: '返回', callback_data: 'v1:home:-:1' }]] });
  });

  it('keeps separate deliveries of the same text apart', async () => {
    const chat = '3103';
    await enqueueView(chat, { placement: 'message', text: LONG, buttons: [] });
    await enqueueView(chat, { placement: 'message', text: LONG, buttons: [] });
    fake.failNext('sendMessage', { code: 429, retryAfter: 1 }, 1, 2);
    await worker.drain();
    now += 1_000;
    await worker.drain();
    expect(await countPendingOutbox(db)).toBe(0);
    expect(textsTo(chat).join('\n')).toBe(`${LONG}\n${LONG}`);
  });
});

describe('send progress of one-part messages', () => {
  it('is neither written nor cleared: nothing to resume, two statements less per new message', async () => {
    const fake = await startFakeBotApi();
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    // Counts every write to send_progress, even one cleared right after.
    await sql`create table progress_writes (op text not null)`.execute(db);
    await sql`create trigger progress_ins after insert on send_progress begin insert into progress_writes values ('insert'); end`.execute(db);
    await sql`create trigger progress_del after delete on send_progress begin insert into progress_writes values ('delete'); end`.execute(db);
    const adapter = createTelegramAdapter({ config: testConfig(fake.apiRoot, fake.token), logger: silentLogger, db });
    try {
      const chat = '3201';
      await adapter.transport.deliver({ channel: 'telegram', chatId: chat, view: { placement: 'message', text: '你好', buttons: [] }, menuMessageId: null, key: 'k1' });
      expect([...fake.messages.values()].filter((m) => m.chat_id === chat).map((m) => m.text)).toEqual(['你好']);
      expect((await sql<{ op: string }>`select op from progress_writes`.execute(db)).rows).toEqual([]);
      // A long text still records its parts while some remain (the retry tests above), then clears.
      await adapter.transport.deliver({ channel: 'telegram', chatId: chat, view: { placement: 'message', text: LONG, buttons: [] }, menuMessageId: null, key: 'k2' });
      expect((await sql<{ op: string }>`select op from progress_writes`.execute(db)).rows.map((r) => r.op)).toEqual(['insert', 'delete']);
    } finally {
      await db.destroy();
      await fake.close();
    }
  });
});
