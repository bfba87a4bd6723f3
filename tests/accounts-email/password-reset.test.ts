import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createMailer } from '../../src/mail/mailer.js';
import { capturedLogger, dbWithStudents, MIN, OLD_PASSWORD, passwordMatches, resetsHarness, smtpSuite, tokenFrom } from './fixture.js';

const CTX = { channel: 'web', chatId: 'chat-9' };
const NEW_PASSWORD = 'Brand-New#Pass9';

describe('password resets', () => {
  const smtp = smtpSuite();
  let db: Db;
  let h: ReturnType<typeof resetsHarness>;

  beforeEach(async () => {
    db = await dbWithStudents(['2023010101', 'li.lei@example.edu.cn'], ['2023010102', null]);
    h = resetsHarness(db, smtp.mailer);
  });

  /** Requests a reset and returns the token of the newest mail. */
  const requestToken = async (): Promise<string> => {
    const before = smtp.received.length;
    await h.resets.request('2023010101', 'zh-CN', CTX);
    await h.resets.idle();
    const all = await smtp.waitFor(before + 1);
    return tokenFrom(all[before]?.mail.text ?? '');
  };

  const passwordIs = (password: string) => passwordMatches(db, '2023010101', password);

  it('a request from an outbox entry that runs twice (a crash before it was marked done) sends mails with one Message-ID', async () => {
    await h.resets.request('2023010101', 'zh-CN', { ...CTX, requestKey: 'outbox:41' });
    await h.resets.request('2023010101', 'zh-CN', { ...CTX, requestKey: 'outbox:41' });
    await h.resets.request('2023010101', 'zh-CN', { ...CTX, requestKey: 'outbox:42' });
    await h.resets.idle();
    const mails = (await smtp.waitFor(3)).map((r) => r.mail.messageId);
    expect(mails[0]).toMatch(/^<reset\.[0-9a-f]{32}@fees\.example\.edu>$/);
    expect(mails[1]).toBe(mails[0]);
    expect(mails[2]).not.toBe(mails[0]);
  });

  it('stores only the SHA-256 of the token', async () => {
    const token = await requestToken();
    const rows = await db.selectFrom('password_resets').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.expires_at).toBe(rows[0]!.created_at + 30 * MIN);
  });

  it('honours the link for 30 minutes and not a moment longer', async () => {
    const token = await requestToken();
    h.clock.advance(30 * MIN - 1);
    expect(await h.resets.inspect(token)).toEqual({ ok: true, studentId: '2023010101' });
    h.clock.advance(1);
    expect(await h.resets.inspect(token)).toEqual({ ok: false });
    expect(await h.resets.consume(token, NEW_PASSWORD, NEW_PASSWORD)).toEqual({ ok: false, problem: 'invalidToken' });
    expect(await passwordIs(OLD_PASSWORD)).toBe(true);
  });

  it('is single use, and using one link voids the other open links', async () => {
    const first = await requestToken();
    const second = await requestToken();
    expect(await h.resets.consume(second, NEW_PASSWORD, NEW_PASSWORD)).toEqual({ ok: true, studentId: '2023010101' });
    expect(await h.resets.consume(second, 'Third#Pass123', 'Third#Pass123')).toEqual({ ok: false, problem: 'invalidToken' });
    expect(await h.resets.inspect(first)).toEqual({ ok: false });
    expect(await passwordIs(NEW_PASSWORD)).toBe(true);
  });

  it('lets exactly one of two concurrent submissions win', async () => {
    const token = await requestToken();
    const results = await Promise.all([
      h.resets.consume(token, 'First#Winner11', 'First#Winner11'),
      h.resets.consume(token, 'Second#Winner2', 'Second#Winner2'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, problem: 'invalidToken' }]);
  });

  it('voidAllFor (after any password change) makes open links useless', async () => {
    const token = await requestToken();
    expect(await h.resets.voidAllFor('2023010101', h.clock.now())).toBe(1);
    expect(await h.resets.inspect(token)).toEqual({ ok: false });
    expect(await h.resets.consume(token, NEW_PASSWORD, NEW_PASSWORD)).toEqual({ ok: false, problem: 'invalidToken' });
    expect(await passwordIs(OLD_PASSWORD)).toBe(true);
  });

  it('applies the password rules and does not consume the link on a refused password', async () => {
    const token = await requestToken();
    expect(await h.resets.consume(token, 'short', 'short')).toEqual({ ok: false, problem: 'tooShort' });
    expect(await h.resets.consume(token, '2023010101', '2023010101')).toEqual({ ok: false, problem: 'sameAsStudentId' });
    expect(await h.resets.consume(token, OLD_PASSWORD, OLD_PASSWORD)).toEqual({ ok: false, problem: 'sameAsCurrent' });
    expect(await h.resets.consume(token, NEW_PASSWORD, 'Brand-New#Pass8')).toEqual({ ok: false, problem: 'mismatch' });
    expect(await h.resets.inspect(token)).toEqual({ ok: true, studentId: '2023010101' });
  });

  it('refuses the initial password', async () => {
    const token = await requestToken();
    const initial = resetsHarness(db, smtp.mailer, { initialPasswordPolicy: 'Initial#Pass1' });
    expect(await initial.resets.consume(token, 'Initial#Pass1', 'Initial#Pass1')).toEqual({ ok: false, problem: 'sameAsInitial' });
  });

  it('answers the same for an unknown student, a student without e-mail and a malformed ID, and mails nobody', async () => {
    const answers = [
      await h.resets.request('2099999999', 'zh-CN', CTX),
      await h.resets.request('2023010102', 'zh-CN', CTX),
      await h.resets.request('../../etc', 'zh-CN', CTX),
      await h.resets.request('2023010101', 'zh-CN', CTX),
    ];
    expect(new Set(answers)).toEqual(new Set([undefined]));
    await h.resets.idle();
    await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.received.map((r) => r.to)).toEqual([['li.lei@example.edu.cn']]);
    expect(await db.selectFrom('password_resets').select('student_id').execute()).toEqual([{ student_id: '2023010101' }]);
  });

  it('sends at most 3 reset mails per student per hour', async () => {
    for (let i = 0; i < 4; i += 1) {
      await h.resets.request('2023010101', 'zh-CN', CTX);
      h.clock.advance(10 * MIN);
    }
    await h.resets.idle();
    await smtp.waitFor(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.received).toHaveLength(3);
    // An hour after the first, the window has room again.
    h.clock.advance(21 * MIN);
    await h.resets.request('2023010101', 'zh-CN', CTX);
    await h.resets.idle();
    await smtp.waitFor(4);
  });

  it('records requests and uses in the audit trail, and never logs the token', async () => {
    await h.resets.request('2099999999', 'zh-CN', CTX);
    const token = await requestToken();
    await h.resets.consume(token, NEW_PASSWORD, NEW_PASSWORD);
    const rows = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.student_id, r.event, r.channel, r.chat_id, r.detail])).toEqual([
      [null, 'reset.requested', 'web', 'chat-9', 'unknownStudent'],
      ['2023010101', 'reset.requested', 'web', 'chat-9', 'sent'],
      ['2023010101', 'reset.used', 'reset-page', '-', null],
      ['2023010101', 'password.changed', 'reset-page', '-', 'via reset link'],
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(NEW_PASSWORD);
    const trail = await h.audit.trail('2023010101');
    expect(trail).toContain('reset.used');
    expect(trail).toContain('password.changed');
    expect(trail).not.toContain(token);
    expect(trail).not.toContain(NEW_PASSWORD);
    const log = h.log.text();
    expect(log).toContain('password reset requested');
    expect(log).not.toContain(token);
    expect(log).not.toContain(NEW_PASSWORD);
  });

  it('logs a failed send instead of failing the request', async () => {
    const broken = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'feebot <a@b.c>', logger: capturedLogger().logger });
    const hb = resetsHarness(db, broken);
    await expect(hb.resets.request('2023010101', 'zh-CN', CTX)).resolves.toBeUndefined();
    await hb.resets.idle();
    expect(hb.log.text()).toContain('password reset mail failed');
    broken.close();
  });
});
