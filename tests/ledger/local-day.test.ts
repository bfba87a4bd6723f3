import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertAnnouncement } from '../../src/db/repositories/announcement.repository.js';
import { decideDeferral } from '../../src/db/repositories/deferral.repository.js';
import { reminderFor } from '../../adapters/slack/slack-inbound.js';
import { loadStudentCard } from '../../adapters/slack/slack-reports.js';
import { createLedger } from '../../src/ledger/index.js';
import { dayRange, localDate } from '../../src/local-date.js';
import { EXPIRY_MS, setupLedger, T0, type Fixture } from './ledger-fixture.js';

// Which day it is, for 缓缴 and announcements, is the TIMEZONE's day. At 23:30 UTC on 1 September
// it is already 07:30 on 2 September in Beijing: a deferral "until 2026-09-01" has run out and an
// announcement "shown until 2026-09-01" is gone, though the UTC date is still the 1st.

const LATE_UTC = Date.UTC(2026, 8, 1, 23, 30); // 2026-09-02 07:30 Beijing

let f: Fixture;
beforeEach(async () => {
  f = await setupLedger();
});
afterEach(async () => f.db.destroy());

describe('local days (TIMEZONE)', () => {
  it('knows the date and the bounds of a day in a zone, across midnight UTC', () => {
    expect(localDate(LATE_UTC, 'Asia/Shanghai')).toBe('2026-09-02');
    expect(localDate(LATE_UTC, 'UTC')).toBe('2026-09-01');
    expect(localDate(Date.UTC(2026, 8, 1, 15, 59, 59), 'Asia/Shanghai')).toBe('2026-09-01');
    expect(dayRange('2026-09-02', 'Asia/Shanghai')).toEqual({ from: Date.UTC(2026, 8, 1, 16), to: Date.UTC(2026, 8, 2, 16) });
    expect(dayRange('2026-02-30', 'Asia/Shanghai')).toBeNull();
    // A zone with summer time: the day of the change is 23 hours long.
    const spring = dayRange('2026-03-29', 'Europe/Berlin')!;
    expect(spring.to - spring.from).toBe(23 * 3600_000);
  });

  it("fills facts.today with the local date (the 缓缴 step's today): at 23:30 UTC it is the next day in Beijing", async () => {
    expect((await f.ledger.loadFacts('S1', LATE_UTC)).today).toBe('2026-09-02');
    expect((await f.ledger.loadPublicFacts(LATE_UTC)).today).toBe('2026-09-02');
    const utcLedger = createLedger({ db: f.db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox', timezone: 'UTC' });
    expect((await utcLedger.loadFacts('S1', LATE_UTC)).today).toBe('2026-09-01');
  });

  it('a deferral until yesterday (local) no longer holds its item at 23:30 UTC; with TIMEZONE=UTC it still does', async () => {
    const requested = await f.ledger.requestDeferral({ studentId: 'S1', itemIds: [f.ids.DORM], until: '2026-09-01', reason: '家庭困难', channel: 'web', chatId: 'c1', now: T0 });
    expect(requested.ok).toBe(true);
    const id = (await f.db.selectFrom('deferrals').select('id').executeTakeFirstOrThrow()).id;
    expect(await decideDeferral(f.db, Number(id), { status: 'approved', by: '钱会计', note: null, now: T0 })).toBe(true);

    const dorm = async (ledger: typeof f.ledger, at: number) => (await ledger.loadFacts('S1', at)).items.find((i) => i.id === f.ids.DORM)!.deferredUntil;
    expect(await dorm(f.ledger, Date.UTC(2026, 8, 1, 15, 30))).toBe('2026-09-01'); // 23:30 Beijing on the 1st
    expect(await dorm(f.ledger, LATE_UTC)).toBeNull(); // the default zone is Asia/Shanghai
    const utcLedger = createLedger({ db: f.db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox', timezone: 'UTC' });
    expect(await dorm(utcLedger, LATE_UTC)).toBe('2026-09-01');

    // The officer's Slack card and /fees remind count the same local day.
    const card = async (at: number) => (await loadStudentCard(f.db, 'S1', at, 'Asia/Shanghai'))!.unpaid.find((i) => i.name === '住宿费')!.deferredUntil;
    expect(await card(Date.UTC(2026, 8, 1, 15, 30))).toBe('2026-09-01');
    expect(await card(LATE_UTC)).toBeNull();
    const owed = async (at: number) => (await reminderFor(f.db, 'S1', at, 'Asia/Shanghai'))!.total;
    expect((await owed(LATE_UTC)) - (await owed(Date.UTC(2026, 8, 1, 15, 30)))).toBe(120_000); // 住宿费 is reminded about again
  });

  it('an announcement shown until yesterday (local) is gone at 23:30 UTC, for students and on the login screen', async () => {
    await insertAnnouncement(f.db, { title: '缴费通知', body: '请于 9 月 1 日前缴费', lang: 'all', audience: 'all', college: null, showUntil: '2026-09-01', createdBy: 'qian', now: T0 });
    expect((await f.ledger.loadFacts('S1', Date.UTC(2026, 8, 1, 15, 30))).announcements).toHaveLength(1);
    expect((await f.ledger.loadFacts('S1', LATE_UTC)).announcements).toBeUndefined();
    expect((await f.ledger.loadPublicFacts(LATE_UTC)).announcements).toBeUndefined();
    const utcLedger = createLedger({ db: f.db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox', timezone: 'UTC' });
    expect((await utcLedger.loadPublicFacts(LATE_UTC)).announcements).toHaveLength(1);
  });
});
