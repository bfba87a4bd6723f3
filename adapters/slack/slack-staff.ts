import type { WebClient } from '@slack/web-api';
import type { Db } from '../../src/db/database.js';
import { insertStaffAudit } from '../../src/db/repositories/staff-audit.repository.js';
import { findStaffByEmail, findStaffBySlackUser, linkStaffSlackUser, type StaffMember } from '../../src/db/repositories/staff.repository.js';

export type { StaffMember } from '../../src/db/repositories/staff.repository.js';

/** Who may do what: viewers look, officers and admins act; a college scope limits both. */
export function canAct(member: StaffMember): boolean {
  return member.role === 'officer' || member.role === 'admin';
}

export function canSeeCollege(member: StaffMember, college: string | null): boolean {
  return member.college === null || member.college === college;
}

export interface StaffDirectory {
  /** The staff member behind a Slack user, matched by e-mail on first use and remembered. */
  resolve(slackUserId: string): Promise<StaffMember | null>;
  audit(member: StaffMember, slackUserId: string, action: string, about: { studentId?: string | null; subject?: string | null; detail?: string | null }): Promise<void>;
}

export function createStaffDirectory(deps: { db: Db; client: WebClient; clock: () => number }): StaffDirectory {
  const { db, client, clock } = deps;
  return {
    async resolve(slackUserId) {
      const known = await findStaffBySlackUser(db, slackUserId);
      if (known) return known;
      // users.info needs users:read.email to include the address; without it nobody matches.
      const info = await client.users.info({ user: slackUserId }).catch(() => null);
      const email = info?.user?.profile?.email?.toLowerCase();
      if (!email) return null;
      const member = await findStaffByEmail(db, email);
      if (!member || (member.slackUserId !== null && member.slackUserId !== slackUserId)) return null;
      await linkStaffSlackUser(db, email, slackUserId, clock());
      return { ...member, slackUserId };
    },
    async audit(member, slackUserId, action, about) {
      await insertStaffAudit(db, {
        staffEmail: member.email,
        slackUserId,
        action,
        studentId: about.studentId ?? null,
        subject: about.subject ?? null,
        detail: about.detail ?? null,
        at: clock(),
      });
    },
  };
}
