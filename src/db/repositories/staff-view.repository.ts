import { sql } from 'kysely';
import type { Db } from '../database.js';

// Read-only queries behind the finance office's cards and reports (Slack). Money in fen.

export interface StaffStudentRow {
  studentId: string;
  name: string;
  college: string;
  className: string;
}

export async function findStaffStudent(db: Db, studentId: string): Promise<StaffStudentRow | null> {
  const row = await db.selectFrom('students').select(['student_id', 'name', 'college', 'class_name']).where('student_id', '=', studentId).executeTakeFirst();
  return row ? { studentId: row.student_id, name: row.name, college: row.college, className: row.class_name } : null;
}

export interface ArrearsRow extends StaffStudentRow {
  itemId: number;
  feePeriod: string;
  code: string;
  itemName: string;
  amountDue: number;
  amountPaid: number;
  arrears: number;
  dueDate: string | null;
}

export interface ArrearsFilter {
  feePeriod?: string;
  college?: string;
  className?: string;
  studentId?: string;
}

/** Every unpaid fee item (amount_due > amount_paid) within the filter, by college, class, student, item. */
export async function listArrears(db: Db, filter: ArrearsFilter): Promise<ArrearsRow[]> {
  let query = db
    .selectFrom('fee_items as f')
    .innerJoin('students as s', 's.student_id', 'f.student_id')
    .select(['f.id', 's.student_id', 's.name', 's.college', 's.class_name', 'f.fee_period', 'f.code', 'f.name as item_name', 'f.amount_due', 'f.amount_paid', 'f.due_date'])
    .whereRef('f.amount_due', '>', 'f.amount_paid');
  if (filter.feePeriod) query = query.where('f.fee_period', '=', filter.feePeriod);
  if (filter.college) query = query.where('s.college', '=', filter.college);
  if (filter.className) query = query.where('s.class_name', '=', filter.className);
  if (filter.studentId) query = query.where('s.student_id', '=', filter.studentId);
  const rows = await query.orderBy('s.college').orderBy('s.class_name').orderBy('s.student_id').orderBy('f.fee_period').orderBy('f.code').execute();
  return rows.map((r) => ({
    itemId: Number(r.id),
    studentId: r.student_id,
    name: r.name,
    college: r.college,
    className: r.class_name,
    feePeriod: r.fee_period,
    code: r.code,
    itemName: r.item_name,
    amountDue: Number(r.amount_due),
    amountPaid: Number(r.amount_paid),
    arrears: Number(r.amount_due) - Number(r.amount_paid),
    dueDate: r.due_date,
  }));
}

export interface StaffOrderRow {
  id: string;
  status: string;
  total: number;
  channel: string;
  createdAt: number;
  settledAt: number | null;
}

export async function listRecentOrders(db: Db, studentId: string, limit: number): Promise<StaffOrderRow[]> {
  const rows = await db.selectFrom('orders').select(['id', 'status', 'total', 'channel', 'created_at', 'settled_at']).where('student_id', '=', studentId).orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, status: r.status, total: Number(r.total), channel: r.channel, createdAt: Number(r.created_at), settledAt: r.settled_at === null ? null : Number(r.settled_at) }));
}

export interface StaffPaymentRow {
  id: number;
  orderId: string;
  studentId: string | null;
  gateway: string;
  transactionId: string;
  amount: number;
  outcome: string;
  receivedAt: number;
}

/** Payments received in [from, to), or the student's latest ones. */
export async function listPayments(db: Db, filter: { from?: number; to?: number; studentId?: string; limit?: number }): Promise<StaffPaymentRow[]> {
  let query = db
    .selectFrom('payments as p')
    .leftJoin('orders as o', 'o.id', 'p.order_id')
    .select(['p.id', 'p.order_id', 'o.student_id', 'p.gateway', 'p.transaction_id', 'p.amount', 'p.outcome', 'p.received_at']);
  if (filter.from !== undefined) query = query.where('p.received_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('p.received_at', '<', filter.to);
  if (filter.studentId !== undefined) query = query.where('o.student_id', '=', filter.studentId);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  const rows = await query.orderBy('p.received_at', 'desc').execute();
  return rows.map((r) => ({ id: Number(r.id), orderId: r.order_id, studentId: r.student_id, gateway: r.gateway, transactionId: r.transaction_id, amount: Number(r.amount), outcome: r.outcome, receivedAt: Number(r.received_at) }));
}

export interface DaySummary {
  held: number;
  heldCount: number;
  pendingOrders: number;
  expiredOrders: number;
  receipts: number;
}

/** The day's other reconciliation figures: money held for staff, orders left pending or expired, receipts issued. */
export async function summariseDay(db: Db, from: number, to: number): Promise<DaySummary> {
  const held = await db.selectFrom('credits').select(({ fn }) => [fn.coalesce(fn.sum<number>('amount'), sql<number>`0`).as('total'), fn.countAll<number>().as('n')]).where('created_at', '>=', from).where('created_at', '<', to).executeTakeFirstOrThrow();
  const orders = await db.selectFrom('orders').select(['status', ({ fn }) => fn.countAll<number>().as('n')]).where('created_at', '>=', from).where('created_at', '<', to).where('status', 'in', ['pending', 'expired']).groupBy('status').execute();
  const receipts = await db.selectFrom('receipts').select(({ fn }) => fn.countAll<number>().as('n')).where('issued_at', '>=', from).where('issued_at', '<', to).executeTakeFirstOrThrow();
  const count = (status: string) => Number(orders.find((o) => o.status === status)?.n ?? 0);
  return { held: Number(held.total), heldCount: Number(held.n), pendingOrders: count('pending'), expiredOrders: count('expired'), receipts: Number(receipts.n) };
}

export interface CreditRow {
  id: number;
  studentId: string;
  paymentId: number;
  orderId: string;
  transactionId: string;
  gateway: string;
  amount: number;
  reason: string;
  flagged: boolean;
  createdAt: number;
}

export async function findCredit(db: Db, creditId: number): Promise<CreditRow | null> {
  const r = await db
    .selectFrom('credits as c')
    .innerJoin('payments as p', 'p.id', 'c.payment_id')
    .select(['c.id', 'c.student_id', 'c.payment_id', 'p.order_id', 'p.transaction_id', 'p.gateway', 'c.amount', 'c.reason', 'c.flagged', 'c.created_at'])
    .where('c.id', '=', creditId)
    .executeTakeFirst();
  if (!r) return null;
  return { id: Number(r.id), studentId: r.student_id, paymentId: Number(r.payment_id), orderId: r.order_id, transactionId: r.transaction_id, gateway: r.gateway, amount: Number(r.amount), reason: r.reason, flagged: Number(r.flagged) !== 0, createdAt: Number(r.created_at) };
}

export interface StaffDashboard {
  collectedToday: number;
  collectedPeriod: number;
  period: string | null;
  totalArrears: number;
  openTickets: number;
  heldCredits: number;
  heldAmount: number;
  /** 缓缴 requests waiting for a decision. */
  pendingDeferrals: number;
}

/** App Home figures; `college` limits them to one college (a scoped officer). */
export async function loadDashboard(db: Db, dayStart: number, college: string | null): Promise<StaffDashboard> {
  const students = college === null ? null : db.selectFrom('students').select('student_id').where('college', '=', college);
  let today = db.selectFrom('payments as p').innerJoin('orders as o', 'o.id', 'p.order_id').select(({ fn }) => fn.coalesce(fn.sum<number>('p.amount'), sql<number>`0`).as('total')).where('p.received_at', '>=', dayStart);
  if (students) today = today.where('o.student_id', 'in', students);
  const periodRow = await db.selectFrom('fee_items').select(({ fn }) => fn.max('fee_period').as('period')).executeTakeFirst();
  const period = (periodRow?.period as string | null | undefined) ?? null;
  let items = db
    .selectFrom('fee_items')
    .select(({ fn }) => [
      fn.coalesce(fn.sum<number>(sql`case when amount_due > amount_paid then amount_due - amount_paid else 0 end`), sql<number>`0`).as('arrears'),
      fn.coalesce(fn.sum<number>(sql`case when fee_period = ${period} then amount_paid else 0 end`), sql<number>`0`).as('collected'),
    ]);
  if (students) items = items.where('student_id', 'in', students);
  let tickets = db.selectFrom('problem_reports').select(({ fn }) => fn.countAll<number>().as('n')).where('status', '!=', 'resolved');
  if (students) tickets = tickets.where('student_id', 'in', students);
  let held = db.selectFrom('credits').select(({ fn }) => [fn.countAll<number>().as('n'), fn.coalesce(fn.sum<number>('amount'), sql<number>`0`).as('total')]).where('flagged', '=', 1);
  if (students) held = held.where('student_id', 'in', students);
  let deferrals = db.selectFrom('deferrals').select(({ fn }) => fn.countAll<number>().as('n')).where('status', '=', 'pending');
  if (students) deferrals = deferrals.where('student_id', 'in', students);
  const [t, i, k, h, d] = await Promise.all([today.executeTakeFirstOrThrow(), items.executeTakeFirstOrThrow(), tickets.executeTakeFirstOrThrow(), held.executeTakeFirstOrThrow(), deferrals.executeTakeFirstOrThrow()]);
  return {
    collectedToday: Number(t.total),
    collectedPeriod: Number(i.collected),
    period,
    totalArrears: Number(i.arrears),
    openTickets: Number(k.n),
    heldCredits: Number(h.n),
    heldAmount: Number(h.total),
    pendingDeferrals: Number(d.n),
  };
}

/** Chats the student is logged in from (which channels reach them) and their last successful login. */
export async function findStudentReach(db: Db, studentId: string): Promise<{ chats: { channel: string; chatId: string }[]; lastLoginAt: number | null }> {
  const chats = await db.selectFrom('conversations').select(['channel', 'chat_id']).where('student_id', '=', studentId).orderBy('updated_at', 'desc').execute();
  const login = await db.selectFrom('audit_log').select(({ fn }) => fn.max('at').as('at')).where('student_id', '=', studentId).where('event', '=', 'login.ok').executeTakeFirst();
  return { chats: chats.map((c) => ({ channel: c.channel, chatId: c.chat_id })), lastLoginAt: login?.at == null ? null : Number(login.at) };
}

export async function countStaffActions(db: Db, studentId: string, action: string): Promise<number> {
  const row = await db.selectFrom('staff_audit').select(({ fn }) => fn.countAll<number>().as('n')).where('student_id', '=', studentId).where('action', '=', action).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The latest staff action on a subject (`credit:7`), for the card's "who did what". */
export async function latestStaffAction(db: Db, subject: string): Promise<{ action: string; staffEmail: string; detail: string | null; at: number } | null> {
  const row = await db.selectFrom('staff_audit').select(['action', 'staff_email', 'detail', 'at']).where('subject', '=', subject).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { action: row.action, staffEmail: row.staff_email, detail: row.detail, at: Number(row.at) } : null;
}
