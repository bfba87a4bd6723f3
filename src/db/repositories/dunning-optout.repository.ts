import type { Db } from '../database.js';

// Reminder opt-outs per student and channel (`all` covers every channel).

export async function setReminderOptOut(db: Db, studentId: string, channel: string, optedOut: boolean, now: number): Promise<void> {
  await db
    .insertInto('dunning_optouts')
    .values({ student_id: studentId, channel, opted_out: optedOut ? 1 : 0, updated_at: now })
    .onConflict((oc) => oc.columns(['student_id', 'channel']).doUpdateSet({ opted_out: optedOut ? 1 : 0, updated_at: now }))
    .execute();
}

/** The channels a student opted out of (`all` when they said 退订 / stop). */
export async function optedOutChannels(db: Db, studentId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('dunning_optouts').select('channel').where('student_id', '=', studentId).where('opted_out', '=', 1).execute();
  return new Set(rows.map((r) => r.channel));
}

/** Every opt-out, for planning: student → channels. */
export async function loadOptOuts(db: Db): Promise<Map<string, Set<string>>> {
  const rows = await db.selectFrom('dunning_optouts').select(['student_id', 'channel']).where('opted_out', '=', 1).execute();
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    let set = map.get(r.student_id);
    if (!set) map.set(r.student_id, (set = new Set()));
    set.add(r.channel);
  }
  return map;
}
