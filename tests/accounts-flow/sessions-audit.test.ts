import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntriesForStudent } from '../../src/db/repositories/audit.repository.js';
import { findConversation } from '../../src/db/repositories/conversation.repository.js';
import type { ChannelAdapter, Delivery } from '../../src/ports/channel.port.js';
import type { InboundUpdate } from '../../src/runtime/inbound.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient, type WebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';

// Session rules end to end on the real runtime: a password change in the web chat ends the
// student's conversation on another channel (a 'telegram' chat driven through the dispatcher,
// with a recording transport), voids open reset links, and every step leaves its audit row;
// no table ever holds a plaintext password.

const DEMO_PASSWORD = 'Demo@2026';
let app: TestFeebot;
let offset = 0;
const telegramViews: Delivery[] = [];

const recordingTelegram = (): ChannelAdapter => ({
  channel: 'telegram',
  transport: {
    deliver: async (delivery) => {
      telegramViews.push(delivery);
      return {};
    },
    deleteMessage: async () => undefined,
  },
});

beforeAll(async () => {
  app = await startTestFeebot({}, { clock: () => Date.now() + offset, channels: () => [recordingTelegram()] });
});
afterAll(async () => app?.stop());

let updateSeq = 0;
const telegram = (chatId: string, event: InboundUpdate['event']) =>
  app.feebot.dispatcher.dispatch({ channel: 'telegram', chatId, updateId: `u${++updateSeq}`, event });

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function webLogin(studentId: string, password = DEMO_PASSWORD): Promise<WebChatClient> {
  const chat = createWebChatClient(app.baseUrl);
  await login(chat, studentId, password);
  return chat;
}

async function changePassword(chat: WebChatClient, oldPassword: string, newPassword: string): Promise<void> {
  const menu = await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
  await chat.action(chat.buttonCode(menu, '修改密码'));
  await chat.waitFor((m) => m.payload.text.includes('请输入旧密码'));
  await chat.text(oldPassword);
  await chat.waitFor((m) => m.payload.text.includes('请输入新密码'));
  await chat.text(newPassword);
  await chat.waitFor((m) => m.payload.text.includes('确认密码'));
  await chat.text(newPassword);
  await chat.waitFor((m) => m.payload.text.includes('密码修改成功'));
}

const sessionOf = async (channel: string, chatId: string): Promise<{ studentId: string } | null> => {
  const stored = await findConversation(app.feebot.db, channel, chatId);
  return stored ? ((JSON.parse(stored.stateJson) as { session: { studentId: string } | null }).session ?? null) : null;
};
const auditOf = async (studentId: string) => (await listAuditEntriesForStudent(app.feebot.db, studentId, 200)).reverse();

describe('a password change in the web chat', () => {
  it('ends the student\'s conversation on another channel, keeps the current chat, voids reset links, and is audited', async () => {
    const student = '2023010101';
    // Logged in on "Telegram", through the dispatcher.
    await telegram('tg-1', { kind: 'start' });
    await telegram('tg-1', { kind: 'text', text: student });
    await telegram('tg-1', { kind: 'text', text: DEMO_PASSWORD });
    expect((await sessionOf('telegram', 'tg-1'))?.studentId).toBe(student);

    // An open reset link from before the change.
    await app.feebot.resets.request(student, 'zh-CN', { channel: 'test', chatId: 'x' });
    await app.feebot.resets.idle();
    const token = /token=([A-Za-z0-9_-]+)/.exec(app.feebot.mailer.devMailbox?.messages()[0]?.text ?? '')![1]!;
    expect(await app.feebot.resets.inspect(token)).toMatchObject({ ok: true });

    const web = await webLogin(student);
    await changePassword(web, DEMO_PASSWORD, 'Changed#Pass2026');

    await waitUntil(async () => (await sessionOf('telegram', 'tg-1')) === null, 'the telegram session to end');
    await waitUntil(() => telegramViews.some((d) => d.chatId === 'tg-1' && d.view.text.includes('请重新登录')), 'the telegram notice');
    expect((await sessionOf('web', (await findWebChat(student))!))?.studentId).toBe(student);

    expect(await app.feebot.resets.inspect(token)).toEqual({ ok: false });
    expect(await app.feebot.resets.consume(token, 'Other#Pass2026', 'Other#Pass2026')).toMatchObject({ ok: false, problem: 'invalidToken' });

    const rows = await auditOf(student);
    expect(rows.find((r) => r.event === 'password.changed')).toMatchObject({ channel: 'web' });
    await waitUntil(async () => (await auditOf(student)).some((r) => r.event === 'session.revoked'), 'the revocation audit row');
    expect((await auditOf(student)).find((r) => r.event === 'session.revoked')).toMatchObject({ channel: 'telegram', chat_id: 'tg-1', detail: 'revoked' });
  });
});

/** The chat id of the web conversation logged in as `studentId` (the newest one). */
async function findWebChat(studentId: string): Promise<string | undefined> {
  const rows = (await auditOf(studentId)).filter((r) => r.event === 'login.ok' && r.channel === 'web');
  return rows.at(-1)?.chat_id;
}

describe('audit rows for the end of a session', () => {
  it('【退出系统】 writes logout, the idle timeout writes idle', async () => {
    const student = '2024020201';
    const chat = await webLogin(student);
    chat.forget();
    await chat.text('logout');
    await chat.waitFor((m) => m.payload.text.includes('您已退出系统'));
    expect((await auditOf(student)).at(-1)).toMatchObject({ event: 'logout', detail: 'logout', channel: 'web' });

    const idle = await webLogin(student);
    offset += 31 * 60_000;
    idle.forget();
    await idle.text('menu');
    await idle.waitFor((m) => m.payload.text.includes('会话已超时'));
    expect((await auditOf(student)).at(-1)).toMatchObject({ event: 'logout', detail: 'idle' });
  });

  it('5 wrong old passwords in 修改密码 log the student out, each one audited', async () => {
    const student = '2025030301';
    const chat = await webLogin(student);
    const menu = await chat.waitFor((m) => m.payload.text.includes('欠费总额'));
    await chat.action(chat.buttonCode(menu, '修改密码'));
    for (let i = 1; i <= 5; i++) {
      await chat.waitFor((m) => m.payload.text.includes('请输入旧密码'));
      chat.forget();
      await chat.text(`not-it-${i}x`);
      if (i < 5) await chat.waitFor((m) => m.payload.text.includes('旧密码不正确'));
    }
    await chat.waitFor((m) => m.payload.text.includes('旧密码连续输错5次'));
    chat.forget();
    await chat.text('menu');
    await chat.waitFor((m) => m.payload.text.includes('请输入学号'));
    const events = (await auditOf(student)).map((r) => `${r.event}${r.detail ? `:${r.detail}` : ''}`);
    expect(events.slice(-6)).toEqual([...Array(5).fill('password.wrongOld'), 'logout:wrongOldPassword']);
  });
});

describe('plaintext passwords', () => {
  it('never reach any table after a login, a failed login and a password change', async () => {
    const student = '2023010102';
    const wrong = 'Wrong#Guess2026';
    const fresh = 'Plain#Secret77';
    await login(createWebChatClient(app.baseUrl), student, wrong, { answer: (m) => m.payload.text.includes('学号或密码有误') });
    const web = await webLogin(student);
    await changePassword(web, DEMO_PASSWORD, fresh);

    const tables = await app.feebot.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('outbox');
    for (const table of tables) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every table, whatever its type
      const rows = await app.feebot.db.selectFrom(table.name as any).selectAll().execute();
      const text = JSON.stringify(rows);
      for (const secret of [DEMO_PASSWORD, wrong, fresh]) expect(text, `${table.name} holds a plaintext password`).not.toContain(secret);
    }
  });
});
