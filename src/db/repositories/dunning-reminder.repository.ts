import { CompiledQuery, sql } from 'kysely';
import { storeKind, type Db } from '../database.js';

// Reminders planned by dunning runs, and what the planner needs to know about the past and the present.

export interface NewReminder {
  key: string;
  runId: number;
  studentId: string;
  runDate: string;
  /** Stored as `[[id,step],…]`. */
  items: readonly { id: number; step: number }[];
  channels: string[];
  total: number;
  finalNotice: boolean;
}

/**
 * Inserts reminders whose key is new and returns the ids of those inserted (a key planned before —
 * by a crashed attempt of this run or by a doubled fire — is left alone and not returned).
 */
export async function insertNewReminders(db: Db, reminders: NewReminder[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (reminders.length === 0) return ids;
  const params: unknown[] = [];
  for (const r of reminders) {
    params.push(r.key, r.runId, r.studentId, r.runDate, itemStepsJson(r.items), r.channels.join(','), r.total, r.finalNotice ? 1 : 0);
  }
  const text = `insert into dunning_reminders (reminder_key, run_id, student_id, run_date, item_steps, channels, total, final_notice) values ${valueRows(db, reminders.length, 8)} on conflict (reminder_key) do nothing returning id, reminder_key`;
  const { rows } = await db.executeQuery<{ id: number; reminder_key: string }>(CompiledQuery.raw(text, params));
  for (const row of rows) ids.set(row.reminder_key, Number(row.id));
  return ids;
}

// `[[id,step],…]` straight from the items (no pair array per item: a run writes ~600,000).
function itemStepsJson(items: NewReminder['items']): string {
  let out = '[';
  for (const { id, step } of items) out += `${out.length === 1 ? '' : ','}[${id},${step}]`;
  return `${out}]`;
}

export interface NewDelivery {
  lane: string;
  /** The outbox payload, already JSON. */
  payloadJson: string;
  runAfter: number;
}

/**
 * Outbox entries of kind `dunning` (what enqueueOutbox writes, as one multi-row statement of raw
 * SQL: a run writes ~100,000 of them, and building each row as a query tree was a fifth of planning).
 */
export async function enqueueDunningDeliveries(db: Db, entries: NewDelivery[], now: number): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [];
  for (const e of entries) params.push(e.lane, 'dunning', e.payloadJson, e.runAfter, now);
  const text = `insert into outbox (lane, kind, payload_json, run_after, created_at) values ${valueRows(db, entries.length, 5)}`;
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/** `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`: the same text for the same shape, so prepared once. */
const valueRowsCache = new Map<string, string>();
function valueRows(db: Db, rows: number, columns: number): string {
  const postgres = storeKind(db) === 'postgres';
  const key = `${postgres ? 'p' : 's'}${rows}x${columns}`;
  let text = valueRowsCache.get(key);
  if (text === undefined) {
    const parts: string[] = [];
    for (let r = 0; r < rows; r += 1) {
      const cells: string[] = [];
      for (let c = 1; c <= columns; c += 1) cells.push(postgres ? `$${r * columns + c}` : '?');
      parts.push(`(${cells.join(', ')})`);
    }
    text = parts.join(', ');
    if (valueRowsCache.size < 64) valueRowsCache.set(key, text);
  }
  return text;
}

export interface ReminderRecord {
  id: number;
  runId: number;
  studentId: string;
  itemSteps: [number, number][];
  total: number;
  finalNotice: boolean;
  status: string;
}

export async function findReminder(db: Db, id: number): Promise<ReminderRecord | null> {
  const r = await db.selectFrom('dunning_reminders').selectAll().where('id', '=', id).executeTakeFirst();
  return r
    ? { id: Number(r.id), runId: Number(r.run_id), studentId: r.student_id, itemSteps: JSON.parse(r.item_steps) as [number, number][], total: Number(r.total), finalNotice: r.final_notice === 1, status: r.status }
    : null;
}

/** Settles a reminder: `sent` wins over an earlier `skipped` of another channel; a settled one stays. */
export async function settleReminder(db: Db, id: number, outcome: { status: 'sent' | 'skipped' | 'failed'; reason?: string }, now: number): Promise<void> {
  const q = db.updateTable('dunning_reminders').where('id', '=', id);
  if (outcome.status === 'sent') await q.set({ status: 'sent', skip_reason: null, sent_at: now }).where('status', '!=', 'sent').execute();
  else await q.set({ status: outcome.status, skip_reason: outcome.reason ?? null }).where('status', '=', 'planned').execute();
}

export async function countPlannedReminders(db: Db, runId: number): Promise<number> {
  const row = await db.selectFrom('dunning_reminders').select(sql<number>`count(*)`.as('n')).where('run_id', '=', runId).where('status', '=', 'planned').executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface StudentHistory {
  /** Local dates of earlier reminders that were not skipped. */
  dates: string[];
  /** Item id → last step reminded about. */
  lastStep: Map<number, number>;
  /** Reminders sent (for escalation). */
  sent: number;
}

/** Students `from`…`to` (inclusive, keyset order): a page of a run, loaded page by page so memory stays flat. */
export interface StudentRange {
  from: string;
  to: string;
}

/** The reminder history of a page of students, except the run being planned (its rows are its own, resumed). */
export async function loadReminderHistory(db: Db, exceptRunId: number, range: StudentRange): Promise<Map<string, StudentHistory>> {
  const rows = await db
    .selectFrom('dunning_reminders')
    .select(['student_id', 'run_date', 'item_steps', 'status'])
    .where('student_id', '>=', range.from)
    .where('student_id', '<=', range.to)
    .where('run_id', '!=', exceptRunId)
    .where('status', '!=', 'skipped')
    .execute();
  const byStudent = new Map<string, StudentHistory>();
  for (const row of rows) {
    let h = byStudent.get(row.student_id);
    if (!h) byStudent.set(row.student_id, (h = { dates: [], lastStep: new Map(), sent: 0 }));
    h.dates.push(row.run_date);
    if (row.status === 'sent') h.sent += 1;
    for (const [itemId, step] of JSON.parse(row.item_steps) as [number, number][]) {
      const last = h.lastStep.get(itemId);
      if (last === undefined || step > last) h.lastStep.set(itemId, step);
    }
  }
  return byStudent;
}

/** Fee item ids under an approved 缓缴 still running on `today`. */
export async function deferredItemIds(db: Db, today: string): Promise<Set<number>> {
  const rows = await db.selectFrom('deferrals').select('item_ids').where('status', '=', 'approved').where('until_date', '>=', today).execute();
  const ids = new Set<number>();
  for (const row of rows) for (const id of JSON.parse(row.item_ids) as number[]) ids.add(id);
  return ids;
}

/** Fee item ids in an unpaid order that can still be paid. */
export async function liveOrderItemIds(db: Db, now: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select('l.fee_item_id')
    .where('o.status', '=', 'pending')
    .where('o.expires_at', '>', now)
    .execute();
  return new Set(rows.map((r) => Number(r.fee_item_id)));
}

export interface StudentChat {
  channel: string;
  chatId: string;
  lang: 'zh-CN' | 'en' | null;
}

// The language sits in the state JSON; a match is far cheaper than parsing 100,000 states.
const LANG = /"lang":"(zh-CN|en)"/;

/** Chats where each student of a page is logged in (latest first), with the conversation's language; not chats marked inactive. */
export async function loadStudentChats(db: Db, range: StudentRange): Promise<Map<string, StudentChat[]>> {
  const rows = await db
    .selectFrom('conversations as v')
    .select(['v.student_id', 'v.channel', 'v.chat_id', 'v.state_json'])
    .where('v.student_id', '>=', range.from)
    .where('v.student_id', '<=', range.to)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('channel_chats as c').select('c.chat_id').whereRef('c.channel', '=', 'v.channel').whereRef('c.chat_id', '=', 'v.chat_id').where('c.active', '=', 0))),
    )
    .orderBy('v.updated_at', 'desc')
    .orderBy('v.channel')
    .orderBy('v.chat_id')
    .execute();
  const byStudent = new Map<string, StudentChat[]>();
  for (const row of rows) {
    if (!row.student_id) continue;
    let list = byStudent.get(row.student_id);
    if (!list) byStudent.set(row.student_id, (list = []));
    list.push({ channel: row.channel, chatId: row.chat_id, lang: (LANG.exec(row.state_json)?.[1] as 'zh-CN' | 'en' | undefined) ?? null });
  }
  return byStudent;
}

export interface DueItem {
  id: number;
  outstanding: number;
  dueDate: string;
}

export interface DunningStudent {
  studentId: string;
  name: string;
  college: string;
  email: string | null;
  /** Sorted by due date, then id. */
  items: DueItem[];
}

/**
 * The next `limit` students after `after` (keyset order) with their items that owe and have a due
 * date, sorted by due date then id. One row per student, its items aggregated as a JSON array of
 * `[id, outstanding, due date]`: a run reads ~600,000 items, and a row object per item (with its
 * student id again) cost more than the query. Names are itemLabels' job (a preview's).
 */
export async function listStudentsWithDueItems(db: Db, after: string, limit: number, feePeriods: string[], minOutstanding: number): Promise<{ students: DunningStudent[]; last: string | null }> {
  const postgres = storeKind(db) === 'postgres';
  const item = sql`f.id, f.amount_due - f.amount_paid, f.due_date`;
  // "C": the order JavaScript compares strings in (PostgreSQL's default collation ignores dashes).
  const items = postgres
    ? sql`coalesce(json_agg(json_build_array(${item}) order by f.due_date collate "C", f.id), '[]')::text`
    : sql`json_group_array(json_array(${item}) order by f.due_date, f.id)`;
  const periods = feePeriods.length > 0 ? sql`and f.fee_period in (${sql.join(feePeriods)})` : sql``;
  const { rows } = await sql<{ student_id: string; name: string; college: string; recovery_email: string | null; items: string }>`
    select s.student_id, s.name, s.college, s.recovery_email,
      (select ${items} from fee_items f
        where f.student_id = s.student_id and f.due_date is not null and f.amount_due - f.amount_paid >= ${minOutstanding} ${periods}) as items
    from students s where s.student_id > ${after} order by s.student_id limit ${limit}`.execute(db);
  if (rows.length === 0) return { students: [], last: null };
  const students = rows.map((s) => ({
    studentId: s.student_id,
    name: s.name,
    college: s.college,
    email: s.recovery_email,
    items: (JSON.parse(s.items) as [number, number, string][]).map(([id, outstanding, dueDate]) => ({ id, outstanding, dueDate })),
  }));
  return { students, last: rows[rows.length - 1]!.student_id };
}

/** Name and 收费期间 of fee items (what a preview shows). */
export async function itemLabels(db: Db, itemIds: number[]): Promise<Map<number, { name: string; feePeriod: string }>> {
  const out = new Map<number, { name: string; feePeriod: string }>();
  for (let i = 0; i < itemIds.length; i += 1_000) {
    const rows = await db.selectFrom('fee_items').select(['id', 'name', 'fee_period']).where('id', 'in', itemIds.slice(i, i + 1_000)).execute();
    for (const r of rows) out.set(Number(r.id), { name: r.name, feePeriod: r.fee_period });
  }
  return out;
}

/** What each item of a reminder still owes now (the send-time check: paid since planning?). */
export async function outstandingOf(db: Db, itemIds: number[]): Promise<Map<number, { name: string; feePeriod: string; outstanding: number; dueDate: string | null }>> {
  const out = new Map<number, { name: string; feePeriod: string; outstanding: number; dueDate: string | null }>();
  if (itemIds.length === 0) return out;
  const rows = await db.selectFrom('fee_items').select(['id', 'name', 'fee_period', 'amount_due', 'amount_paid', 'due_date']).where('id', 'in', itemIds).execute();
  for (const r of rows) out.set(Number(r.id), { name: r.name, feePeriod: r.fee_period, outstanding: Number(r.amount_due) - Number(r.amount_paid), dueDate: r.due_date });
  return out;
}

export async function countStudents(db: Db): Promise<number> {
  const row = await db.selectFrom('students').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
