import type { Db } from '../database.js';
import type { AnnouncementsTable } from '../schema.js';

export type AnnouncementAudience = AnnouncementsTable['audience'];

export interface AnnouncementInput {
  title: string;
  body: string;
  lang: string;
  audience: AnnouncementAudience;
  college: string | null;
  showUntil: string;
  createdBy: string;
  now: number;
}

export interface ShownAnnouncement {
  id: number;
  title: string;
  body: string;
  lang: string;
}

export async function insertAnnouncement(db: Db, a: AnnouncementInput): Promise<number> {
  const row = await db
    .insertInto('announcements')
    .values({ title: a.title, body: a.body, lang: a.lang, audience: a.audience, college: a.college, show_until: a.showUntil, created_by: a.createdBy, created_at: a.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Announcements shown on `today` (`YYYY-MM-DD`), newest first: to everyone; with a student, also
 * those for their college and, if they owe something, those for students in arrears.
 */
export async function listShownAnnouncements(db: Db, today: string, student: { college: string; inArrears: boolean } | null, limit = 3): Promise<ShownAnnouncement[]> {
  const rows = await db
    .selectFrom('announcements')
    .select(['id', 'title', 'body', 'lang', 'audience', 'college'])
    .where('show_until', '>=', today)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return rows
    .filter((r) => r.audience === 'all' || (student !== null && ((r.audience === 'college' && r.college === student.college) || (r.audience === 'arrears' && student.inArrears))))
    .slice(0, limit)
    .map((r) => ({ id: Number(r.id), title: r.title, body: r.body, lang: r.lang }));
}

/** Chats of logged-in students an announcement is for (its optional send through the outbox). */
export async function listAnnouncementChats(db: Db, audience: AnnouncementAudience, college: string | null): Promise<{ channel: string; chatId: string }[]> {
  let query = db.selectFrom('conversations as c').innerJoin('students as s', 's.student_id', 'c.student_id').select(['c.channel', 'c.chat_id']);
  if (audience === 'college') query = query.where('s.college', '=', college ?? '');
  if (audience === 'arrears') {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom('fee_items as f').select('f.id').whereRef('f.student_id', '=', 's.student_id').whereRef('f.amount_due', '>', 'f.amount_paid')),
    );
  }
  const rows = await query.execute();
  return rows.map((r) => ({ channel: r.channel, chatId: r.chat_id }));
}
