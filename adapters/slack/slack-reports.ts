import type { Db } from '../../src/db/database.js';
import { activeDeferrals } from '../../src/db/repositories/deferral.repository.js';
import {
  countStaffActions,
  findStaffStudent,
  findStudentReach,
  listArrears,
  listPayments,
  listRecentOrders,
  summariseDay,
  type ArrearsFilter,
} from '../../src/db/repositories/staff-view.repository.js';
import { toCsv, yuanCell } from './slack-csv.js';
import type { ArrearsSummary, PaymentsSummary, StudentCardData } from './slack-render.js';
import { formatDateTime } from '../../src/display-time.js';
import { localDate } from '../../src/local-date.js';

const TOP_N = 10;

/** `timezone`: the day a 缓缴 still runs on is the local day. */
export async function loadStudentCard(db: Db, studentId: string, now: number, timezone: string): Promise<StudentCardData | null> {
  const student = await findStaffStudent(db, studentId);
  if (!student) return null;
  const unpaid = await listArrears(db, { studentId });
  const deferred = await activeDeferrals(db, studentId, localDate(now, timezone));
  const periods = new Map<string, number>();
  for (const item of unpaid) periods.set(item.feePeriod, (periods.get(item.feePeriod) ?? 0) + item.arrears);
  const reach = await findStudentReach(db, studentId);
  const orders = await listRecentOrders(db, studentId, 5);
  const payments = await listPayments(db, { studentId, limit: 5 });
  return {
    student,
    arrearsByPeriod: [...periods].map(([feePeriod, arrears]) => ({ feePeriod, arrears })),
    unpaid: unpaid.map((i) => ({ feePeriod: i.feePeriod, name: i.itemName, arrears: i.arrears, dueDate: i.dueDate, deferredUntil: deferred.get(i.itemId) ?? null })),
    orders,
    payments,
    remindersSent: await countStaffActions(db, studentId, 'student.remind'),
    channels: [...new Set(reach.chats.map((c) => c.channel))],
    lastLoginAt: reach.lastLoginAt,
  };
}

export const ARREARS_CSV_HEADER = ['学号', '姓名', '学院', '班级', '收费期间', '项目代码', '收费项目', '应缴金额', '已缴金额', '欠费金额', '截止日期'];

export async function buildArrearsReport(db: Db, filter: ArrearsFilter): Promise<{ summary: ArrearsSummary; csv: Buffer }> {
  const rows = await listArrears(db, filter);
  const perStudent = new Map<string, { studentId: string; name: string; className: string; college: string; total: number }>();
  for (const r of rows) {
    const s = perStudent.get(r.studentId) ?? { studentId: r.studentId, name: r.name, className: r.className, college: r.college, total: 0 };
    s.total += r.arrears;
    perStudent.set(r.studentId, s);
  }
  const colleges = new Map<string, { college: string; students: number; total: number }>();
  for (const s of perStudent.values()) {
    const c = colleges.get(s.college) ?? { college: s.college, students: 0, total: 0 };
    c.students += 1;
    c.total += s.total;
    colleges.set(s.college, c);
  }
  const filterText = [filter.feePeriod, filter.college, filter.className].filter(Boolean).join(' · ') || '（全部）';
  const summary: ArrearsSummary = {
    filter: filterText,
    students: perStudent.size,
    total: rows.reduce((sum, r) => sum + r.arrears, 0),
    perCollege: [...colleges.values()].sort((a, b) => b.total - a.total),
    top: [...perStudent.values()].sort((a, b) => b.total - a.total).slice(0, TOP_N),
  };
  const csv = toCsv(
    ARREARS_CSV_HEADER,
    rows.map((r) => [r.studentId, r.name, r.college, r.className, r.feePeriod, r.code, r.itemName, yuanCell(r.amountDue), yuanCell(r.amountPaid), yuanCell(r.arrears), r.dueDate]),
  );
  return { summary, csv };
}

export const PAYMENTS_CSV_HEADER = ['交易号', '订单号', '学号', '支付渠道', '金额', '结果', '到账时间'];

export async function buildPaymentsReport(db: Db, date: string, range: { from: number; to: number }, timezone: string): Promise<{ summary: PaymentsSummary; csv: Buffer }> {
  const payments = await listPayments(db, range);
  const day = await summariseDay(db, range.from, range.to);
  const received = payments.reduce((sum, p) => sum + p.amount, 0);
  const summary: PaymentsSummary = {
    date,
    received,
    receivedCount: payments.length,
    // What went onto fee items: received minus what the same day held for staff.
    credited: received - day.held,
    held: day.held,
    heldCount: day.heldCount,
    pendingOrders: day.pendingOrders,
    expiredOrders: day.expiredOrders,
    receipts: day.receipts,
  };
  const csv = toCsv(
    PAYMENTS_CSV_HEADER,
    payments.map((p) => [p.transactionId, p.orderId, p.studentId, p.gateway, yuanCell(p.amount), p.outcome, formatDateTime(p.receivedAt, timezone, true)]),
  );
  return { summary, csv };
}
