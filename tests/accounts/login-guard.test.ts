import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountServices, type AccountServices } from '../../src/accounts/account-services.js';
import { renderCaptchaPng } from '../../src/accounts/captcha.js';
import { KNOWN_CHAT_MAX_AGE_MS } from '../../src/accounts/login-guard.service.js';
import type { Db } from '../../src/db/database.js';
import { listAuditEntriesForStudent } from '../../src/db/repositories/audit.repository.js';
import { updatePassword } from '../../src/db/repositories/student.repository.js';
import type { LoginResult } from '../../src/engine/events.js';
import { createMailer, type FeebotMailer } from '../../src/mail/mailer.js';
import { addStudent, capturedLogger, dbWithStudents, hasher, manualClock, MIN, OLD_PASSWORD, PUBLIC_BASE_URL, tokenFrom } from '../accounts-email/fixture.js';

// The login guard over the real services: captcha after 3 failures (per 学号 and per chat),
// lockout after 5, the known-chat exemption and its limits, the end of a lockout by a reset,
// and the audit rows each outcome writes.

const STUDENT = '2023010101';
const OWN = { channel: 'telegram', chatId: 'own-chat' };
const ATTACKER = { channel: 'web', chatId: 'attacker' };
const DAY = 24 * 60 * MIN;

let db: Db;
let clock: ReturnType<typeof manualClock>;
let mailer: FeebotMailer;
let services: AccountServices;

beforeEach(async () => {
  db = await dbWithStudents([STUDENT, 'li.lei@example.edu.cn']);
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

const login = (where: { channel: string; chatId: string }, password: string, studentId = STUDENT): Promise<LoginResult> =>
  services.guard.login(studentId, password, true, { ...where, now: clock.now() });

/** Five wrong passwords from the attacker's chat (captchas "solved"): the 学号 is locked. */
async function lockFromAttacker(): Promise<void> {
  let last: LoginResult | undefined;
  for (let i = 0; i < 5; i++) last = await login(ATTACKER, `guess-${i}-wrong`);
  expect(last).toMatchObject({ ok: false, reason: 'locked' });
}

const events = async (studentId = STUDENT) => (await listAuditEntriesForStudent(db, studentId, 100)).map((r) => r.event).reverse();

describe('known-chat exemption from lockouts', () => {
  it('applies in a chat the student logged in from recently', async () => {
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: true });
    clock.advance(MIN);
    await lockFromAttacker();
    expect(await login({ channel: 'web', chatId: 'fresh' }, OLD_PASSWORD)).toMatchObject({ ok: false, reason: 'locked' });
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: true });
  });

  it('ends after the student\'s password is changed or reset', async () => {
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: true });
    clock.advance(MIN);
    // E.g. the phone was lost and the student changed the password elsewhere.
    await updatePassword(db, STUDENT, await hasher.hash('Changed#Pass26'), clock.now());
    clock.advance(MIN);
    await lockFromAttacker();
    expect(await login(OWN, 'Changed#Pass26')).toMatchObject({ ok: false, reason: 'locked' });
  });

  it(`lasts ${KNOWN_CHAT_MAX_AGE_MS / DAY} days after the last login from the chat`, async () => {
    expect(KNOWN_CHAT_MAX_AGE_MS).toBe(90 * DAY);
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: true });
    clock.advance(89 * DAY);
    await lockFromAttacker();
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: true }); // and this login renews it

    clock.advance(KNOWN_CHAT_MAX_AGE_MS + MIN);
    await lockFromAttacker();
    expect(await login(OWN, OLD_PASSWORD)).toMatchObject({ ok: false, reason: 'locked' });
  });
});

describe('per-chat failure counter', () => {
  it('3 failures with 3 different 学号 in one chat bring the captcha', async () => {
    await addStudent(db, '2023010102', null);
    await addStudent(db, '2023010103', null);
    const where = { ...ATTACKER, now: clock.now() };
    expect(await services.guard.login('2023010101', 'wrong-pass-1', false, where)).toEqual({ ok: false, reason: 'invalid' });
    expect(await services.guard.login('2023010102', 'wrong-pass-1', false, where)).toEqual({ ok: false, reason: 'invalid' });
    const third = await services.guard.login('2023010103', 'wrong-pass-1', false, where);
    expect(third).toMatchObject({ ok: false, reason: 'invalid', challengePng: expect.any(String) });
    // A fourth 学号, never tried before, is gated in this chat (its password is not even checked)…
    await addStudent(db, '2023010104', null);
    expect(await services.guard.login('2023010104', OLD_PASSWORD, false, where)).toMatchObject({ ok: false, reason: 'challenge' });
    // …but not in another chat.
    expect(await services.guard.login('2023010104', OLD_PASSWORD, false, { ...OWN, now: clock.now() })).toMatchObject({ ok: true });
  });
});

describe('audit rows written by the login flow', () => {
  it('records login.failed, login.challenge, login.locked and login.ok with channel and chat', async () => {
    const where = { ...ATTACKER, now: clock.now() };
    for (let i = 0; i < 3; i++) await services.guard.login(STUDENT, 'wrong-pass-1', false, where);
    await services.guard.login(STUDENT, 'wrong-pass-1', false, where); // gated
    await services.guard.login(STUDENT, 'wrong-pass-1', true, where);
    await services.guard.login(STUDENT, 'wrong-pass-1', true, where); // 5th failure: locked
    await services.guard.verifyCaptcha(STUDENT, 'nope', where);
    await login(OWN, OLD_PASSWORD); // locked there too (never logged in from it)
    expect(await events()).toEqual([
      'login.failed',
      'login.failed',
      'login.failed',
      'login.challenge',
      'login.challenge',
      'login.failed',
      'login.challenge',
      'login.locked',
      'login.challengeFailed',
      'login.locked',
    ]);
    const rows = await listAuditEntriesForStudent(db, STUDENT, 100);
    expect(rows.filter((r) => r.event !== 'login.locked' || r.chat_id === 'attacker').every((r) => r.channel === 'web' && r.chat_id === 'attacker')).toBe(true);
    expect(rows[0]).toMatchObject({ channel: 'telegram', chat_id: 'own-chat', event: 'login.locked' });
    expect(JSON.stringify(rows)).not.toContain('wrong-pass-1');
  });
});

describe('login.challenge in the audit trail', () => {
  // Issue 7, item 11: the captcha that comes with the 3rd failure was never audited.
  it('is recorded when the captcha comes with the 3rd failure', async () => {
    const where = { ...ATTACKER, now: clock.now() };
    for (let i = 0; i < 2; i++) expect(await services.guard.login(STUDENT, 'wrong-pass-1', false, where)).toEqual({ ok: false, reason: 'invalid' });
    expect(await services.guard.login(STUDENT, 'wrong-pass-1', false, where)).toMatchObject({ challengePng: expect.any(String) });
    expect(await events()).toEqual(['login.failed', 'login.failed', 'login.failed', 'login.challenge']);
  });
});

describe('a password reset ends a lockout', () => {
  it('the new password works at once, everywhere, and the failure count starts afresh', async () => {
    await lockFromAttacker();
    await services.resets.request(STUDENT, 'zh-CN', ATTACKER);
    await services.resets.idle();
    const token = tokenFrom(mailer.devMailbox?.messages()[0]?.text ?? '');
    expect(await services.resets.consume(token, 'Reset#Pass2026', 'Reset#Pass2026')).toMatchObject({ ok: true });
    expect(await login({ channel: 'web', chatId: 'new-browser' }, 'Reset#Pass2026')).toMatchObject({ ok: true });
    // The 4 failures before the lockout no longer count: one more failure is just "invalid".
    expect(await login(ATTACKER, 'guess-again-1')).toEqual({ ok: false, reason: 'invalid' });
  });
});
