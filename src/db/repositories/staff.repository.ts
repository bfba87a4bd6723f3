import type { Db } from '../database.js';
import type { StaffRole } from '../schema.js';

export interface StaffMember {
  email: string;
  name: string;
  role: StaffRole;
  college: string | null;
  slackUserId: string | null;
}

export interface StaffUpsert {
  email: string;
  name: string;
  role: StaffRole;
  college: string | null;
}

type Row = { email: string; name: string; role: StaffRole; college: string | null; slack_user_id: string | null };
const toMember = (r: Row): StaffMember => ({ email: r.email, name: r.name, role: r.role, college: r.college, slackUserId: r.slack_user_id });

/** Import: insert or update by e-mail; a remembered Slack user id is kept. */
export async function upsertStaff(db: Db, rows: StaffUpsert[], now: number): Promise<void> {
  for (const r of rows) {
    await db
      .insertInto('staff')
      .values({ email: r.email, name: r.name, role: r.role, college: r.college, slack_user_id: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('email').doUpdateSet({ name: r.name, role: r.role, college: r.college, updated_at: now }))
      .execute();
  }
}

export async function findStaffBySlackUser(db: Db, slackUserId: string): Promise<StaffMember | null> {
  const row = await db.selectFrom('staff').selectAll().where('slack_user_id', '=', slackUserId).executeTakeFirst();
  return row ? toMember(row) : null;
}

export async function findStaffByEmail(db: Db, email: string): Promise<StaffMember | null> {
  const row = await db.selectFrom('staff').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row ? toMember(row) : null;
}

/** Remembers which Slack user an e-mail belongs to (first use). */
export async function linkStaffSlackUser(db: Db, email: string, slackUserId: string, now: number): Promise<void> {
  await db.updateTable('staff').set({ slack_user_id: slackUserId, updated_at: now }).where('email', '=', email.toLowerCase()).execute();
}
