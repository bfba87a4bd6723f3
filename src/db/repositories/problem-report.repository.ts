import type { Db } from '../database.js';

export interface ProblemReportRow {
  id: number;
  student_id: string;
  order_id: string | null;
  channel: string;
  chat_id: string;
  description: string;
  status: string;
  created_at: number;
}

export type ProblemReportInsert = Omit<ProblemReportRow, 'id' | 'status'>;

export async function insertProblemReport(db: Db, report: ProblemReportInsert): Promise<number> {
  const row = await db.insertInto('problem_reports').values(report).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function listProblemReports(db: Db, filter: { studentId?: string; status?: string } = {}): Promise<ProblemReportRow[]> {
  let query = db.selectFrom('problem_reports').selectAll();
  if (filter.studentId !== undefined) query = query.where('student_id', '=', filter.studentId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return query.orderBy('id', 'asc').execute();
}
