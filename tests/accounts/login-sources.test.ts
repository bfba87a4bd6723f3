import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountServices, type AccountServices } from '../../src/accounts/account-services.js';
import { renderCaptchaPng } from '../../src/accounts/captcha.js';
import type { Db } from '../../src/db/database.js';
import { listAuditEntriesForStudent } from '../../src/db/repositories/audit.repository.js';
import type { LoginResult } from '../../src/engine/events.js';
import { createMailer, type FeebotMailer } from '../../src/mail/mailer.js';
import { capturedLogger, freshDb, hasher, manualClock, MIN, OLD_PASSWORD, PUBLIC_BASE_URL } from '../accounts-email/fixture.js';
import { seedStudent } from './accounts-fixture.js';

// Issue 7, item 5: spraying accounts on the initial password. Limits per source (client address,
// platform user) across 学号, and a first login with the fixed initial password that must prove
// something only the student has before the forced password change.

const ATTACKER = 'ip:203.0.113.9';
const ELSEWHERE = 'ip:198.51.100.7';
let db: Db;
let clock: ReturnType<typeof manualClock>;
let mailer: FeebotMailer;
let services: AccountServices;
let chat = 0;

beforeEach(async () => {
  db = await freshDb();
  clock = manualClock();
  const log = capturedLogger();
  mailer = createMailer({ from: 'feebot <no-reply@localhost>', logger: log.logger });
  services = createAccountServices({
    db,
    hasher,
    mailer,
    initialPasswordPolicy: '123456',
    publicBaseUrl: PUBLIC_BASE_URL,
    timezone: 'Asia/Shanghai',
    clock: clock.now,
    logger: log.logger,
    captchaGenerator: () => ({ answer: 'K7PX', png: renderCaptchaPng('K7PX') }),
    onPasswordReset: async () => undefined,
  });
});

/** A try from a fresh chat each time (no per-chat history), from `source`. */
const tryLogin = (studentId: string, password: string, source: string, solved = false, chatId = `fresh-${chat++}`): Promise<LoginResult> =>
  services.guard.login(studentId, password, solved, { channel: 'web', chatId, now: clock.now(), source });

const reasonOf = (r: LoginResult) => (r.ok ? 'ok' : r.reason);
const initialStudent = (studentId: string, opts: { idNumber?: string; email?: string | null } = {}) =>
  hasher.hash('123456').then((hash) => seedStudent(db, studentId, hash, { initial: true, ...opts }));

describe('limits per source', () => {
  it('5 distinct 学号 failing from one source bring the captcha to every fresh chat of that source, not to others', async () => {
    for (let i = 0; i < 6; i++) await seedStudent(db, `20230100${i}`, await hasher.hash(OLD_PASSWORD));
    for (let i = 0; i < 5; i++) expect(reasonOf(await tryLogin(`20230100${i}`, 'wrong-pass-1', ATTACKER))).toBe('invalid');
    expect(reasonOf(await tryLogin('202301005', OLD_PASSWORD, ATTACKER))).toBe('challenge');
    expect(reasonOf(await tryLogin('202301005', OLD_PASSWORD, ELSEWHERE))).toBe('ok');
  });

  it('10 failures from one source bring the captcha there, whatever the 学号', async () => {
    for (const id of ['A1', 'A2', 'A3', 'A4']) await seedStudent(db, id, await hasher.hash(OLD_PASSWORD));
    // 3 + 3 + 3 + 1 failures on four 学号 (captchas "solved"), each from a fresh chat.
    for (const id of ['A1', 'A2', 'A3']) for (let i = 0; i < 3; i++) await tryLogin(id, 'wrong-pass-1', ATTACKER, true);
    await tryLogin('A4', 'wrong-pass-1', ATTACKER, true);
    // A4 has one failure, the chat none, four 学号 only: the source's ten failures decide.
    expect(reasonOf(await tryLogin('A4', OLD_PASSWORD, ATTACKER))).toBe('challenge');
    expect(reasonOf(await tryLogin('A4', OLD_PASSWORD, ELSEWHERE))).toBe('ok');
  });

  it('spraying the initial password: after 5 accounts from one source, the captcha; never a session', async () => {
    for (let i = 0; i < 20; i++) await initialStudent(`S${String(i).padStart(3, '0')}`, { idNumber: `11010120050101${String(i).padStart(4, '0')}` });
    const results = [];
    for (let i = 0; i < 20; i++) results.push(reasonOf(await tryLogin(`S${String(i).padStart(3, '0')}`, '123456', ATTACKER)));
    expect(results.slice(0, 5)).toEqual(Array(5).fill('proof'));
    expect(results.slice(5)).toEqual(Array(15).fill('challenge'));
    const events = (await listAuditEntriesForStudent(db, 'S000', 10)).map((r) => r.event);
    expect(events).not.toContain('login.ok');
  });

  it('without a source, the per-chat and per-学号 rules still apply', async () => {
    await seedStudent(db, 'B1', await hasher.hash(OLD_PASSWORD));
    for (let i = 0; i < 3; i++) await services.guard.login('B1', 'wrong-pass-1', false, { channel: 'web', chatId: `c${i}`, now: clock.now() });
    expect(reasonOf(await services.guard.login('B1', OLD_PASSWORD, false, { channel: 'web', chatId: 'c9', now: clock.now() }))).toBe('challenge');
  });

  it('the counts end with the window', async () => {
    for (let i = 0; i < 6; i++) await seedStudent(db, `C${i}`, await hasher.hash(OLD_PASSWORD));
    for (let i = 0; i < 5; i++) await tryLogin(`C${i}`, 'wrong-pass-1', ATTACKER);
    clock.advance(15 * MIN);
    expect(reasonOf(await tryLogin('C5', OLD_PASSWORD, ATTACKER))).toBe('ok');
  });
});

describe('first login with the fixed initial password', () => {
  it('asks for the last 6 characters of the ID number, then completes the login (forced change next)', async () => {
    await initialStudent('2023010103', { idNumber: '11010120050303003x', email: 'wangwu@example.edu.cn' });
    const where = { channel: 'telegram', chatId: 'wangwu', now: clock.now(), source: 'telegram:42' };
    expect(await services.guard.login('2023010103', '123456', false, where)).toEqual({ ok: false, reason: 'proof', method: 'idNumber' });
    expect(await services.guard.prove('2023010103', '000000', where)).toEqual({ ok: false, reason: 'proofWrong' });
    // Case and full-width characters do not matter.
    expect(await services.guard.prove('2023010103', '０３００３X', where)).toEqual({ ok: true, studentId: '2023010103', mustChangePassword: true });
    const events = (await listAuditEntriesForStudent(db, '2023010103', 10)).map((r) => r.event).reverse();
    expect(events).toEqual(['login.proofAsked', 'login.proofFailed', 'login.ok']);
  });

  it('without an ID number, mails a 6-digit code to the recovery address', async () => {
    await initialStudent('2023010104', { email: 'zhao@example.edu.cn' });
    const where = { channel: 'web', chatId: 'zhao', now: clock.now() };
    expect(await services.guard.login('2023010104', '123456', false, where)).toEqual({ ok: false, reason: 'proof', method: 'emailCode', maskedEmail: 'z***@example.edu.cn' });
    const mail = mailer.devMailbox!.messages().at(-1)!;
    expect(mail.to).toBe('zhao@example.edu.cn');
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    expect(await services.guard.prove('2023010104', code === '000000' ? '111111' : '000000', where)).toEqual({ ok: false, reason: 'proofWrong' });
    expect(await services.guard.prove('2023010104', code, where)).toMatchObject({ ok: true, mustChangePassword: true });
  });

  it('with neither, sends the student to the finance office', async () => {
    await initialStudent('2023010105', { email: null });
    expect(await services.guard.login('2023010105', '123456', false, { channel: 'web', chatId: 'x', now: clock.now() })).toEqual({ ok: false, reason: 'noProof' });
  });

  it('binds the proof to the chat whose password was right, ends it after 3 wrong answers, and counts them as failures', async () => {
    await initialStudent('2023010106', { idNumber: '110101200601010066' });
    const own = { channel: 'web', chatId: 'own', now: clock.now() };
    expect(await services.guard.login('2023010106', '123456', false, own)).toMatchObject({ reason: 'proof' });
    // The right answer from a chat that never passed the password: nothing pending there.
    expect(await services.guard.prove('2023010106', '010066', { ...own, chatId: 'other' })).toEqual({ ok: false, reason: 'proofEnded' });
    expect(await services.guard.prove('2023010106', '111111', own)).toEqual({ ok: false, reason: 'proofWrong' });
    expect(await services.guard.prove('2023010106', '222222', own)).toEqual({ ok: false, reason: 'proofWrong' });
    expect(await services.guard.prove('2023010106', '333333', own)).toEqual({ ok: false, reason: 'proofEnded' });
    expect(await services.guard.prove('2023010106', '010066', own)).toEqual({ ok: false, reason: 'proofEnded' });
    // Three failures on the 学号: the next password try needs a captcha.
    expect(await services.guard.login('2023010106', '123456', false, own)).toMatchObject({ reason: 'challenge' });
  });

  it('is not asked under @studentId or @idLast6 (not a value everyone knows)', async () => {
    const log = capturedLogger();
    const policyServices = createAccountServices({
      db, hasher, mailer, initialPasswordPolicy: '@studentId', publicBaseUrl: PUBLIC_BASE_URL, timezone: 'Asia/Shanghai', clock: clock.now, logger: log.logger, onPasswordReset: async () => undefined,
    });
    await seedStudent(db, '2023010107', await hasher.hash('2023010107'), { initial: true, idNumber: '110101200601010077' });
    expect(await policyServices.guard.login('2023010107', '2023010107', false, { channel: 'web', chatId: 'y', now: clock.now() })).toEqual({
      ok: true,
      studentId: '2023010107',
      mustChangePassword: true,
    });
  });
});
