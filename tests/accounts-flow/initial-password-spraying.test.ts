import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { listAuditEntriesForStudent } from '../../src/db/repositories/audit.repository.js';
import { importStudents } from '../../src/import/student-import.js';
import { startTestFeebot, type TestFeebot } from '../support/test-feebot.js';
import { createWebChatClient } from '../support/web-chat-client.js';
import { login } from '../support/web-chat-flows.js';

// Issue 7, item 5, as the attacker did it: one guess of the default initial password per 学号,
// each from a fresh web chat, all from one client address. Before: 20 of 20 accounts logged in.

const COUNT = 20;
const ids = Array.from({ length: COUNT }, (_, i) => `2026${String(i).padStart(6, '0')}`);
let app: TestFeebot;

beforeAll(async () => {
  app = await startTestFeebot({});
  const rows = ids.map((id, i) => `${id},学生${i},理学院,数学,数学2601班,,,1101012007010${String(i).padStart(5, '0')}`);
  const csv = `student_id,name,college,major,class_name,recovery_email,phone,id_number\n${rows.join('\n')}\n`;
  const result = await importStudents(app.feebot.db, csv, { hasher: createPasswordHasher({ cost: 10 }), initialPasswordPolicy: '123456', now: Date.now() });
  expect(result).toMatchObject({ ok: true, count: COUNT });
});
afterAll(async () => app?.stop());

describe('spraying the initial password from one address', () => {
  it('logs nobody in: the first tries ask for a proof of identity, then every chat of that address gets the captcha', async () => {
    const answers: string[] = [];
    for (const id of ids) {
      const reply = await login(createWebChatClient(app.baseUrl), id, '123456', { answer: (m) => /身份证号|验证码|欠费总额|请输入新密码/.test(m.payload.text) });
      answers.push(reply.payload.text.includes('身份证号') ? 'proof' : /图片中的验证码|请先输入验证码/.test(reply.payload.text) ? 'captcha' : reply.payload.text);
    }
    expect(answers.filter((a) => a === 'proof')).toHaveLength(5);
    expect(answers.filter((a) => a === 'captcha')).toHaveLength(COUNT - 5);
    for (const id of ids) {
      const events = (await listAuditEntriesForStudent(app.feebot.db, id, 10)).map((r) => r.event);
      expect(events).not.toContain('login.ok');
    }
  });
});
