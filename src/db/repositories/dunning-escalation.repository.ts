import type { Db } from '../database.js';

export interface Escalation {
  studentId: string;
  runId: number;
  reminders: number;
  total: number;
  college: string;
  createdAt: number;
}

/** Students already handed to staff (escalation happens once per student). */
export async function escalatedStudentIds(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('dunning_escalations').select('student_id').execute();
  return new Set(rows.map((r) => r.student_id));
}

/** Records escalations; returns how many were new. */
export async function insertEscalations(db: Db, rows: Escalation[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('dunning_escalations')
    .values(rows.map((e) => ({ student_id: e.studentId, run_id: e.runId, reminders: e.reminders, total: e.total, college: e.college, created_at: e.createdAt })))
    .onConflict((oc) => oc.column('student_id').doNothing())
    .returning('student_id')
    .execute();
  return inserted.length;
}

/** The escalation list of a run (what the `dunning.escalated` staff card shows). */
export async function listRunEscalations(db: Db, runId: number): Promise<Escalation[]> {
  const rows = await db.selectFrom('dunning_escalations').selectAll().where('run_id', '=', runId).orderBy('college').orderBy('student_id').execute();
  return rows.map((r) => ({ studentId: r.student_id, runId: Number(r.run_id), reminders: Number(r.reminders), total: Number(r.total), college: r.college, createdAt: Number(r.created_at) }));
}
