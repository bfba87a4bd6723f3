import { inTransaction, type Db } from '../db/database.js';
import { escalatedStudentIds, insertEscalations, listRunEscalations, type Escalation } from '../db/repositories/dunning-escalation.repository.js';
import { loadOptOuts } from '../db/repositories/dunning-optout.repository.js';
import {
  deferredItemIds,
  enqueueDunningDeliveries,
  insertNewReminders,
  itemLabels,
  listStudentsWithDueItems,
  liveOrderItemIds,
  loadReminderHistory,
  loadStudentChats,
  countStudents,
  type DunningStudent,
  type NewDelivery,
  type NewReminder,
  type StudentChat,
  type StudentHistory,
} from '../db/repositories/dunning-reminder.repository.js';
import { markDunningRunPlanned, type DunningRun } from '../db/repositories/dunning-run.repository.js';
import { enqueueOutbox, enqueueStaffEvent, type NewOutboxEntry } from '../db/repositories/outbox.repository.js';
import { capSkip, dueStepOnDay, quietWaitMs, sendOffsetMs, stepOffsets } from './cadence.js';
import { daysBetween } from './local-time.js';
import type { DunningPolicy } from './policy.js';

// Plans a run: for every student, the reminder due today (if any) — one row per student, item set and
// cadence step under a unique key — and its outbox entries, committed together batch by batch. A
// crash mid-run loses nothing: planning the run again inserts only what is missing.

export type SkipReason = 'notDue' | 'deferral' | 'liveOrder' | 'optedOut' | 'noChannel' | 'capDay' | 'capWeek' | 'escalated';

export interface ReminderTarget {
  channel: 'telegram' | 'web' | 'wechat' | 'email';
  /** Chat id, or the e-mail address for `email`. */
  address: string;
  lang: 'zh-CN' | 'en';
}

export interface PlannedItem {
  id: number;
  outstanding: number;
  dueDate: string;
  step: number;
}

/** An item as a preview shows it. */
export type LabelledItem = PlannedItem & { feePeriod: string; name: string };

export interface PlannedReminder<Item extends PlannedItem = PlannedItem> {
  studentId: string;
  name: string;
  items: Item[];
  total: number;
  targets: ReminderTarget[];
  finalNotice: boolean;
  optedOut: boolean;
}

export type StudentDecision =
  | { kind: 'remind'; reminder: PlannedReminder }
  | { kind: 'skip'; studentId: string; reason: SkipReason }
  | { kind: 'escalate'; escalation: Omit<Escalation, 'runId' | 'createdAt'> };

/** A decision as a preview lists it: reminders name their items. */
export type PreviewDecision = Exclude<StudentDecision, { kind: 'remind' }> | { kind: 'remind'; reminder: PlannedReminder<LabelledItem> };

/** Payload of an outbox entry of kind `dunning` (one channel of one reminder). */
export interface DunningDelivery {
  reminderId: number;
  runId: number;
  channel: ReminderTarget['channel'];
  address: string;
  lang: 'zh-CN' | 'en';
  optedOut: boolean;
  /** Position in the run's send order: keeps the pace after a quiet-hours pause. */
  seq: number;
}

export interface PlanContext {
  today: string;
  steps: number[];
  deferred: Set<number>;
  live: Set<number>;
  /** Of the page of students being decided (loaded with it). */
  history: Map<string, StudentHistory>;
  /** Of the page of students being decided (loaded with it). */
  chats: Map<string, StudentChat[]>;
  optOuts: Map<string, Set<string>>;
  escalated: Set<string>;
  defaultLang: 'zh-CN' | 'en';
}

const NO_HISTORY: StudentHistory = { dates: [], lastStep: new Map(), sent: 0 };

// Days past due per due date and `today`: a run sees a few hundred distinct due dates over a million
// items, and parsing two dates per item was a tenth of the planning time.
const dayCache = new WeakMap<PlanContext, Map<string, number>>();
function daysPastDue(ctx: PlanContext, dueDate: string): number {
  let days = dayCache.get(ctx);
  if (!days) dayCache.set(ctx, (days = new Map()));
  let day = days.get(dueDate);
  if (day === undefined) days.set(dueDate, (day = daysBetween(dueDate, ctx.today)));
  return day;
}

const channelSets = new WeakMap<readonly string[], Set<string>>();
function channelSet(channels: readonly string[]): Set<string> {
  let set = channelSets.get(channels);
  if (!set) channelSets.set(channels, (set = new Set(channels)));
  return set;
}

/** Pure: what to do about one student today. */
export function decideStudent(s: DunningStudent, policy: DunningPolicy, ctx: PlanContext): StudentDecision | null {
  if (s.items.length === 0) return null;
  const history = ctx.history.get(s.studentId) ?? NO_HISTORY;
  let held: SkipReason | null = null;
  const owing: DunningStudent['items'] = [];
  const due: PlannedReminder['items'] = [];
  for (const item of s.items) {
    if (ctx.deferred.has(item.id)) held ??= 'deferral';
    else if (ctx.live.has(item.id)) held ??= 'liveOrder';
    else {
      owing.push(item);
      const step = dueStepOnDay(ctx.steps, daysPastDue(ctx, item.dueDate), history.lastStep.get(item.id) ?? null);
      if (step !== null) due.push({ id: item.id, outstanding: item.outstanding, dueDate: item.dueDate, step });
    }
  }
  if (ctx.escalated.has(s.studentId)) return { kind: 'skip', studentId: s.studentId, reason: 'escalated' };
  const k = policy.escalation.afterReminders;
  if (k > 0 && history.sent >= k && owing.length > 0) {
    return { kind: 'escalate', escalation: { studentId: s.studentId, reminders: history.sent, total: owing.reduce((n, i) => n + i.outstanding, 0), college: s.college } };
  }
  if (due.length === 0) return { kind: 'skip', studentId: s.studentId, reason: held ?? 'notDue' };
  const cap = capSkip(history.dates, ctx.today, policy.caps);
  if (cap) return { kind: 'skip', studentId: s.studentId, reason: cap };

  const finalNotice = k > 0 && history.sent === k - 1;
  const allowed = channelSet(policy.channels);
  const chats = (ctx.chats.get(s.studentId) ?? []).filter((c) => allowed.has(c.channel));
  const reach: ReminderTarget[] = chats.map((c) => ({ channel: c.channel as ReminderTarget['channel'], address: c.chatId, lang: c.lang ?? ctx.defaultLang }));
  // E-mail is for students who never used a chat channel.
  if (reach.length === 0 && allowed.has('email') && s.email) reach.push({ channel: 'email', address: s.email, lang: ctx.defaultLang });
  if (reach.length === 0) return { kind: 'skip', studentId: s.studentId, reason: 'noChannel' };
  const out = ctx.optOuts.get(s.studentId);
  let targets = out ? reach.filter((t) => !out.has('all') && !out.has(t.channel)) : reach;
  let optedOut = false;
  if (targets.length === 0) {
    if (!(finalNotice && policy.escalation.finalNoticeToOptedOut)) return { kind: 'skip', studentId: s.studentId, reason: 'optedOut' };
    targets = reach;
    optedOut = true;
  }
  const total = due.reduce((n, i) => n + i.outstanding, 0);
  return { kind: 'remind', reminder: { studentId: s.studentId, name: s.name, items: due, total, targets, finalNotice, optedOut } };
}

export function reminderKey(r: Pick<PlannedReminder, 'studentId' | 'items'>): string {
  return `${r.studentId}|${r.items.map((i) => `${i.id}@${i.step}`).join(',')}`;
}

export interface PlannerDeps {
  db: Db;
  policy: DunningPolicy;
  timezone: string;
  defaultLang: 'zh-CN' | 'en';
  clock: () => number;
}

export interface PlanResult {
  students: number;
  planned: number;
  skips: Partial<Record<SkipReason, number>>;
  escalated: number;
  /** Preview only: every decision. */
  decisions?: PreviewDecision[];
}

export const STUDENT_BATCH = 1_000;
/**
 * Outbox lanes a run's reminders share: at most this many reminders are due lane heads at once
 * (one lane per reminder would put the whole backlog ahead of a student's newer reply, since the
 * worker claims heads oldest first). Fewer lanes than this starve the reminders instead: the worker
 * waits for a whole claimed batch, so one slow head (a chat's 1/s turn) holds every lane up.
 */
const SEND_LANES = 12;
/** Rows per INSERT: 8 columns × 1,000 stays under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 1_000;

// What every page needs (small sets); a page's students' history and chats are loaded with the page.
async function loadContext(db: Db, policy: DunningPolicy, today: string, now: number, defaultLang: 'zh-CN' | 'en'): Promise<PlanContext> {
  const [deferred, live, optOuts, escalated] = await Promise.all([deferredItemIds(db, today), liveOrderItemIds(db, now), loadOptOuts(db), escalatedStudentIds(db)]);
  return { today, steps: stepOffsets(policy.cadence), deferred, live, history: new Map(), chats: new Map(), optOuts, escalated, defaultLang };
}


export function createPlanner(deps: PlannerDeps) {
  const { db, policy, clock } = deps;

  async function* decisions(today: string, runId: number, onProgress?: (done: number, total: number) => void): AsyncGenerator<StudentDecision[]> {
    const ctx = await loadContext(db, policy, today, clock(), deps.defaultLang);
    const total = await countStudents(db);
    let after = '';
    let done = 0;
    for (;;) {
      const page = await listStudentsWithDueItems(db, after, STUDENT_BATCH, policy.items.feePeriods, policy.items.minOutstanding);
      if (page.last === null) return;
      after = page.last;
      done += page.students.length;
      const range = { from: page.students[0]!.studentId, to: page.last };
      // Loaded per page, not per run: memory stays flat however many students and reminders there are.
      [ctx.history, ctx.chats] = await Promise.all([loadReminderHistory(db, runId, range), loadStudentChats(db, range)]);
      const batch: StudentDecision[] = [];
      for (const s of page.students) {
        const d = decideStudent(s, policy, ctx);
        if (d) batch.push(d);
      }
      yield batch;
      onProgress?.(done, total);
    }
  }

  /** Who would be reminded today, on which channel, and why others are skipped — nothing is written. */
  async function preview(today: string): Promise<PlanResult> {
    const result: PlanResult = { students: 0, planned: 0, skips: {}, escalated: 0, decisions: [] };
    for await (const batch of decisions(today, -1)) {
      for (const d of batch) tally(result, d);
      const ids = batch.flatMap((d) => (d.kind === 'remind' ? d.reminder.items.map((i) => i.id) : []));
      const labels = await itemLabels(db, ids);
      for (const d of batch) {
        if (d.kind !== 'remind') result.decisions!.push(d);
        else result.decisions!.push({ kind: 'remind', reminder: { ...d.reminder, items: d.reminder.items.map((i) => ({ ...i, name: labels.get(i.id)?.name ?? '', feePeriod: labels.get(i.id)?.feePeriod ?? '' })) } });
      }
    }
    return result;
  }

  /** Plans (or resumes planning) a run; reminders go to the outbox in the transaction that records them. */
  async function plan(run: DunningRun, onProgress?: (done: number, total: number) => void): Promise<PlanResult> {
    const result: PlanResult = { students: 0, planned: 0, skips: {}, escalated: 0 };
    const start = clock();
    // A run that starts in quiet hours sends when they end.
    const sendFrom = start + quietWaitMs(start, policy.quietHours, deps.timezone);
    let seq = 0;
    for await (const batch of decisions(run.runDate, run.id, onProgress)) {
      const reminders: { row: NewReminder; planned: PlannedReminder }[] = [];
      const escalations: Escalation[] = [];
      for (const d of batch) {
        tally(result, d);
        if (d.kind === 'remind') {
          const r = d.reminder;
          reminders.push({ row: { key: reminderKey(r), runId: run.id, studentId: r.studentId, runDate: run.runDate, items: r.items, channels: r.targets.map((t) => t.channel), total: r.total, finalNotice: r.finalNotice }, planned: r });
        } else if (d.kind === 'escalate') {
          escalations.push({ ...d.escalation, runId: run.id, createdAt: clock() });
        }
      }
      await inTransaction(db, async (tx) => {
        const entries: NewDelivery[] = [];
        for (let i = 0; i < reminders.length; i += INSERT_CHUNK) {
          const chunk = reminders.slice(i, i + INSERT_CHUNK);
          const ids = await insertNewReminders(tx, chunk.map((c) => c.row));
          for (const { row, planned } of chunk) {
            const reminderId = ids.get(row.key);
            if (reminderId === undefined) continue; // planned before this attempt: already in the outbox
            for (const t of planned.targets) {
              const payload: DunningDelivery = { reminderId, runId: run.id, channel: t.channel, address: t.address, lang: t.lang, optedOut: planned.optedOut, seq };
              entries.push({ lane: `dunning:${run.id}:${seq % SEND_LANES}`, payloadJson: JSON.stringify(payload), runAfter: Math.round(sendFrom + sendOffsetMs(seq, policy.sendRatePerSec)) });
              seq += 1;
            }
          }
        }
        for (let i = 0; i < entries.length; i += INSERT_CHUNK) await enqueueDunningDeliveries(tx, entries.slice(i, i + INSERT_CHUNK), start);
        await insertEscalations(tx, escalations);
      });
    }
    const finishAt = Math.round(sendFrom + sendOffsetMs(seq, policy.sendRatePerSec)) + 6_000;
    await inTransaction(db, async (tx) => {
      const now = clock();
      if (!(await markDunningRunPlanned(tx, run.id, result.skips, now))) return;
      const escalated = await listRunEscalations(tx, run.id);
      if (escalated.length > 0) await enqueueStaffEvent(tx, { kind: 'dunning.escalated', runId: run.id }, now);
      // Each college with a contact in the policy gets its own list by e-mail.
      const colleges = [...new Set(escalated.map((e) => e.college))].filter((c) => policy.escalation.collegeContacts[c]);
      const mails: NewOutboxEntry[] = colleges.map((college) => ({ lane: `dunning-college:${run.id}`, kind: 'dunning-college', payload: { runId: run.id, college, to: policy.escalation.collegeContacts[college]! }, runAfter: now }));
      await enqueueOutbox(tx, mails, now);
      await enqueueOutbox(tx, [{ lane: `dunning-run:${run.id}`, kind: 'dunning-finish', payload: { runId: run.id }, runAfter: finishAt }], now);
    });
    return result;
  }

  return { preview, plan };
}

function tally(result: PlanResult, d: StudentDecision): void {
  result.students += 1;
  if (d.kind === 'remind') result.planned += 1;
  else if (d.kind === 'escalate') result.escalated += 1;
  else result.skips[d.reason] = (result.skips[d.reason] ?? 0) + 1;
}

export type Planner = ReturnType<typeof createPlanner>;
