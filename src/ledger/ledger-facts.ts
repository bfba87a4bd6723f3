import type { Db } from '../db/database.js';
import { listFeeItemsWithReserved, type FeeItemWithReserved } from '../db/repositories/fee-item.repository.js';
import { listShownAnnouncements } from '../db/repositories/announcement.repository.js';
import { activeDeferrals } from '../db/repositories/deferral.repository.js';
import { optedOutChannels } from '../db/repositories/dunning-optout.repository.js';
import { listItemPayments } from '../db/repositories/payment-history.repository.js';
import { findStudentById } from '../db/repositories/student.repository.js';
import { DEFAULT_TIMEZONE, localDate } from '../local-date.js';
import type { Facts, FeeItemFacts } from '../engine/facts.js';

/** `li.lei@example.edu.cn` → `l***@example.edu.cn`: enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

export function toItemFacts(row: FeeItemWithReserved): FeeItemFacts {
  return {
    id: row.id,
    feePeriod: row.fee_period,
    code: row.code,
    name: row.name,
    amountDue: row.amount_due,
    amountPaid: row.amount_paid,
    reserved: row.reserved,
    outstanding: Math.max(0, row.amount_due - row.amount_paid - row.reserved),
    installmentAllowed: row.installment_allowed !== 0,
    minInstallment: row.min_installment,
    dueDate: row.due_date,
  };
}

export async function loadFacts(db: Db, studentId: string, now: number, timezone: string = DEFAULT_TIMEZONE): Promise<Facts> {
  const student = await findStudentById(db, studentId);
  const items = await listFeeItemsWithReserved(db, studentId, now);
  // Approved 缓缴 still running today: whole local days (TIMEZONE), as the office chose them.
  const today = localDate(now, timezone);
  const deferred = await activeDeferrals(db, studentId, today);
  const inArrears = items.some((i) => i.amount_due > i.amount_paid);
  const announcements = await listShownAnnouncements(db, today, student ? { college: student.college, inArrears } : null);
  const payments = await listItemPayments(db, studentId);
  const optOuts = [...(await optedOutChannels(db, studentId))].sort();
  return {
    today,
    ...(optOuts.length > 0 ? { reminderOptOuts: optOuts } : {}),
    ...(payments.length > 0 ? { payments: payments.map((p) => ({ itemId: p.feeItemId, amount: p.amount, paidAt: p.paidAt, receiptToken: p.receiptToken })) } : {}),
    // Only when there are some: facts without announcements look as they always did.
    ...(announcements.length > 0 ? { announcements: announcements.map(({ id, title, body, lang }) => ({ id, title, body, lang })) } : {}),
    student: student
      ? {
          studentId: student.student_id,
          name: student.name,
          college: student.college,
          major: student.major,
          className: student.class_name,
          recoveryEmailMasked: student.recovery_email ? maskEmail(student.recovery_email) : null,
        }
      : null,
    items: items.map((row) => ({ ...toItemFacts(row), deferredUntil: deferred.get(row.id) ?? null })),
  };
}

/** What a conversation without a logged-in student sees: the announcements for everyone. */
export async function loadPublicFacts(db: Db, now: number, timezone: string = DEFAULT_TIMEZONE): Promise<Facts> {
  const today = localDate(now, timezone);
  const announcements = await listShownAnnouncements(db, today, null);
  return { student: null, items: [], today, ...(announcements.length > 0 ? { announcements: announcements.map(({ id, title, body, lang }) => ({ id, title, body, lang })) } : {}) };
}
