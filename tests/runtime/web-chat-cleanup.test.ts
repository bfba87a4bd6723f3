import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatIdForToken } from '../../adapters/web/web-inbound.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';

// Every new browser token leaves a conversation, bubbles, a chat row and outbox entries. Housekeeping
// deletes web chats idle for WEB_CHAT_IDLE_HOURS (all of their rows) and bubbles older than
// WEB_MESSAGE_RETENTION_DAYS, and keeps chats in use.

const HOUR = 60 * 60_000;
let now = Date.now();
let app: TestFeebot;

beforeAll(async () => {
  app = await startTestFeebot({}, { clock: () => now });
});
afterAll(async () => {
  await app?.stop();
});

async function rowsOf(chat: WebChatClient): Promise<Record<string, number>> {
  const db = app.feebot.db;
  const chatId = chatIdForToken(chat.token);
  const lane = `chat:web:${chatId}`;
  const count = async (q: Promise<unknown[]>) => (await q).length;
  return {
    conversations: await count(db.selectFrom('conversations').select('chat_id').where('channel', '=', 'web').where('chat_id', '=', chatId).execute()),
    webMessages: await count(db.selectFrom('web_messages').select('id').where('chat_id', '=', chatId).execute()),
    channelChats: await count(db.selectFrom('channel_chats').select('chat_id').where('channel', '=', 'web').where('chat_id', '=', chatId).execute()),
    outbox: await count(db.selectFrom('outbox').select('id').where('lane', 'in', [lane, `timer:${lane}`, `idle:${lane}`, `cmd:${lane}`]).execute()),
  };
}

/**
 * Until every outbox entry due by now has run (idle timers wait for their time). An entry being run
 * is still pending with run_after pushed to the end of its lease (a claim, or a reply handed to the
 * worker at commit), so those count too.
 */
const LEASE_MS = 60_000;
async function settled(): Promise<void> {
  const due = async () =>
    (await app.feebot.db.selectFrom('outbox').select('id').where('status', '=', 'pending').where('run_after', '<=', now + LEASE_MS).execute()).length;
  await expect.poll(due, { timeout: 10_000 }).toBe(0);
}

describe('web chat housekeeping', () => {
  it('deletes idle anonymous and logged-out chats with all their rows; keeps chats in use; drops old bubbles', async () => {
    // Never logged in.
    const anonymous = createWebChatClient(app.baseUrl);
    await anonymous.start();
    await anonymous.waitFor((m) => m.payload.text.includes('学号'));
    // Logged in, then 退出系统.
    const loggedOut = createWebChatClient(app.baseUrl);
    await loggedOut.start();
    await loggedOut.text('2023010102');
    await loggedOut.waitFor((m) => m.payload.input === 'password');
    await loggedOut.text('Demo@2026');
    const home = await loggedOut.waitFor((m) => m.payload.text.includes('欠费总额'));
    await loggedOut.action(loggedOut.buttonCode(home, '退出系统'));
    await loggedOut.waitFor((m) => m.payload.text.includes('已退出'));
    // In use: started now, used again 25 hours later.
    const active = createWebChatClient(app.baseUrl);
    await active.start();
    await active.waitFor((m) => m.payload.text.includes('学号'));
    await settled();
    for (const chat of [anonymous, loggedOut, active]) expect((await rowsOf(chat)).conversations).toBe(1);
    expect((await rowsOf(anonymous)).outbox).toBeGreaterThan(0);
    // The logged-out chat's idle timer fires (and finds no session) half an hour after the login.
    now += HOUR;
    await settled();

    now += 25 * HOUR;
    active.forget();
    await active.text('help');
    await active.waitFor((m) => m.payload.text.includes('菜单'));
    await settled();
    await app.feebot.housekeeping.run();

    const gone = { conversations: 0, webMessages: 0, channelChats: 0, outbox: 0 };
    expect(await rowsOf(anonymous)).toEqual(gone);
    expect(await rowsOf(loggedOut)).toEqual(gone);
    const kept = await rowsOf(active);
    expect(kept.conversations).toBe(1);
    expect(kept.webMessages).toBeGreaterThan(0);

    // Eight days on, still in use: its bubbles from before the retention go, the new ones stay.
    const oldestOf = async () =>
      (await app.feebot.db.selectFrom('web_messages').select('created_at').where('chat_id', '=', chatIdForToken(active.token)).orderBy('created_at').executeTakeFirst())?.created_at;
    now += 8 * 24 * HOUR;
    active.forget();
    await active.text('help');
    await active.waitFor((m) => m.payload.text.includes('菜单'));
    await settled();
    expect(await oldestOf()).toBeLessThan(now - 7 * 24 * HOUR);
    await app.feebot.housekeeping.run();
    expect((await rowsOf(active)).conversations).toBe(1);
    expect(await oldestOf()).toBeGreaterThanOrEqual(now - 7 * 24 * HOUR);
  });
});
