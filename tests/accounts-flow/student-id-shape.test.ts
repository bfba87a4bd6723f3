import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { updatePassword } from '../../src/db/repositories/student.repository.js';
import { importStudents } from '../../src/import/student-import.js';
import { startSmtpServer } from '../accounts-email/fixture.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { isHome, login } from '../support/web-chat-flows.js';

// Issue 7, item 10: one definition of a 学号. A 学号 the CSV import accepts (with `-` and `_`,
// up to 32 characters) logs in and gets a reset mail through the real web chat and SMTP.

const STUDENT = 'S-2023_0001';
const hasher = createPasswordHasher({ cost: 12 });
let app: TestFeebot;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestFeebot({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'feebot <fees@example.edu.cn>' });
  const csv = `student_id,name,college,major,class_name,recovery_email,phone,id_number\n${STUDENT},钱七,理学院,数学,数学2301班,qianqi@example.edu.cn,,\n`;
  const result = await importStudents(app.feebot.db, csv, { hasher: hasher, initialPasswordPolicy: '123456', now: Date.now() });
  expect(result).toMatchObject({ ok: true, count: 1 });
  await updatePassword(app.feebot.db, STUDENT, await hasher.hash('Qian#Qi2026'), Date.now());
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

describe('a 学号 with - and _', () => {
  it('logs in', async () => {
    const home = await login(createWebChatClient(app.baseUrl), STUDENT, 'Qian#Qi2026', { answer: isHome });
    expect(home.payload.text).toContain(STUDENT);
  });

  it('gets a reset mail from 忘记密码', async () => {
    const before = smtp.received.length;
    const chat = createWebChatClient(app.baseUrl);
    await chat.start();
    let menu = await chat.waitFor((m) => m.payload.buttons.flat().some((b) => b.label === '忘记密码'));
    await chat.action(chat.buttonCode(menu, '忘记密码'));
    await chat.waitFor((m) => m.payload.text.includes('找回密码'));
    chat.forget();
    await chat.text(STUDENT);
    menu = await chat.waitFor((m) => m.payload.text.includes('是否确认发送'));
    expect(menu.payload.text).toContain('q***@example.edu.cn');
    await chat.action(chat.buttonCode(menu, '发送'));
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual(['qianqi@example.edu.cn']);
  });
});
