import { beforeEach, describe, expect, it } from 'vitest';
import { createAudit } from '../../src/accounts/audit.service.js';
import { createEmailChanges, type EmailChanges } from '../../src/accounts/email-change.service.js';
import type { Db } from '../../src/db/database.js';
import { findStudentById } from '../../src/db/repositories/student.repository.js';
import { dbWithStudents, manualClock, MIN, resetsHarness, smtpSuite } from './fixture.js';

const CTX = { channel: 'telegram', chatId: '42' };

describe('recovery e-mail change', () => {
  const smtp = smtpSuite();
  let db: Db;
  let clock: ReturnType<typeof manualClock>;
  let changes: EmailChanges;

  beforeEach(async () => {
    db = await dbWithStudents(['2023010101', 'old@example.edu.cn']);
    clock = manualClock();
    changes = createEmailChanges({ db, mailer: smtp.mailer, clock: clock.now, audit: createAudit({ db, clock: clock.now }) });
  });

  const email = async () => (await findStudentById(db, '2023010101'))?.recovery_email;

  /** Requests a change and returns the code from the mail the new address received. */
  const requestCode = async (to = 'new@example.com', lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> => {
    const before = smtp.received.length;
    expect(await changes.request('2023010101', to, lang, CTX)).toEqual({ ok: true, maskedEmail: `n***@example.com` });
    const received = (await smtp.waitFor(before + 1))[before];
    expect(received?.to).toEqual([to]);
    const code = /^\s+(\d{6})$/m.exec(received?.mail.text ?? '')?.[1];
    if (!code) throw new Error('no code in mail');
    return code;
  };

  it('mails a 6-digit code to the new address and changes nothing until it is confirmed', async () => {
    const code = await requestCode();
    expect(smtp.received[0]?.mail.subject).toBe('【示例大学】密保邮箱验证码');
    expect(await email()).toBe('old@example.edu.cn');
    const row = await db.selectFrom('email_changes').selectAll().executeTakeFirstOrThrow();
    expect(row.new_email).toBe('new@example.com');
    expect(JSON.stringify(row)).not.toContain(code);
    expect(await changes.pending('2023010101')).toEqual({ maskedEmail: 'n***@example.com' });
  });

  it('refuses a wrong code, accepts the right one, and sends the old address a notice', async () => {
    const code = await requestCode();
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await changes.confirm('2023010101', wrong, CTX)).toEqual({ ok: false, reason: 'wrongCode' });
    expect(await email()).toBe('old@example.edu.cn');
    // Full-width digits typed with a Chinese IME count as the same code.
    const typed = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(await changes.confirm('2023010101', ` ${typed} `, { ...CTX, lang: 'en' })).toEqual({ ok: true, email: 'new@example.com' });
    expect(await email()).toBe('new@example.com');

    const notice = (await smtp.waitFor(2))[1];
    expect(notice?.to).toEqual(['old@example.edu.cn']);
    expect(notice?.mail.subject).toBe('Demo University: your recovery e-mail was changed');
    expect(notice?.mail.text).toContain('n***@example.com');
    expect(notice?.mail.text).not.toContain('new@example.com');
    // The code is spent.
    expect(await changes.confirm('2023010101', code, CTX)).toEqual({ ok: false, reason: 'none' });
  });

  it('gives up after 5 wrong attempts', async () => {
    const code = await requestCode();
    const wrong = code === '111111' ? '222222' : '111111';
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push((await changes.confirm('2023010101', wrong, CTX)) as { reason: string });
    expect(answers.map((a) => a.reason)).toEqual(['wrongCode', 'wrongCode', 'wrongCode', 'wrongCode', 'tooManyAttempts']);
    expect(await changes.confirm('2023010101', code, CTX)).toEqual({ ok: false, reason: 'none' });
    expect(await email()).toBe('old@example.edu.cn');
  });

  it('expires the code after 30 minutes', async () => {
    const code = await requestCode();
    clock.advance(30 * MIN);
    expect(await changes.confirm('2023010101', code, CTX)).toEqual({ ok: false, reason: 'expired' });
    expect(await email()).toBe('old@example.edu.cn');
  });

  it('a new request replaces the pending code', async () => {
    const first = await requestCode();
    const second = await requestCode('next@example.com');
    if (first !== second) expect(await changes.confirm('2023010101', first, CTX)).toEqual({ ok: false, reason: 'wrongCode' });
    expect(await changes.confirm('2023010101', second, CTX)).toEqual({ ok: true, email: 'next@example.com' });
  });

  it('refuses invalid or unchanged addresses and more than 3 code mails an hour', async () => {
    expect(await changes.request('2023010101', 'not-an-email', 'zh-CN')).toEqual({ ok: false, reason: 'invalidEmail' });
    expect(await changes.request('2023010101', 'OLD@example.edu.cn', 'zh-CN')).toEqual({ ok: false, reason: 'sameAsCurrent' });
    for (let i = 0; i < 3; i += 1) await requestCode();
    expect(await changes.request('2023010101', 'new@example.com', 'zh-CN')).toEqual({ ok: false, reason: 'rateLimited' });
    expect(smtp.received).toHaveLength(3);
    clock.advance(61 * MIN);
    await requestCode();
  });

  it('voids open reset links and records the change in the audit trail without the full addresses', async () => {
    const h = resetsHarness(db, smtp.mailer);
    await h.resets.request('2023010101', 'zh-CN', CTX);
    await h.resets.idle();
    await smtp.waitFor(1);
    const resetToken = /token=([A-Za-z0-9_-]+)/.exec(smtp.received[0]?.mail.text ?? '')?.[1] ?? '';
    const code = await requestCode();
    await changes.confirm('2023010101', code, CTX);
    expect(await h.resets.inspect(resetToken)).toEqual({ ok: false });
    const trail = await createAudit({ db, clock: clock.now }).trail('2023010101');
    expect(trail).toContain('email.changeRequested');
    expect(trail).toContain('email.changed');
    expect(trail).toContain('o***@example.edu.cn -> n***@example.com');
    expect(trail).not.toContain('new@example.com');
    expect(trail).not.toContain(code);
  });
});
