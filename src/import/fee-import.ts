import { inTransaction, type Db } from '../db/database.js';
import { listFeeItemsWithReserved, upsertFeeItem, type FeeItemUpsert } from '../db/repositories/fee-item.repository.js';
import { findExistingStudentIds } from '../db/repositories/student.repository.js';
import { formatMoney, parseYuan } from '../money.js';
import { readCsvTable, type ImportError, type ImportResult } from './csv-table.js';

// fees.csv → fee items. All rows are checked first; one bad row imports nothing. Items are
// upserted by (student_id, fee_period, code) and amount_paid is never touched, so re-importing
// a billing file is idempotent and cannot erase money already received.

export const FEE_COLUMNS = [
  'student_id',
  'fee_period',
  'code',
  'name',
  'amount_due',
  'installment_allowed',
  'min_installment',
  'due_date',
] as const;
type FeeColumn = (typeof FEE_COLUMNS)[number];

export interface FeeImportOptions {
  now: number;
}

const PERIOD = /^(\d{4})-(\d{4})$/;
const CODE = /^[A-Za-z0-9_.-]{1,32}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YES = new Set(['1', 'true', 'yes', 'y', '是']);
const NO = new Set(['', '0', 'false', 'no', 'n', '否']);

function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function validateFee(v: Record<FeeColumn, string>): FeeItemUpsert | string {
  if (v.student_id === '') return 'student_id is required';
  const period = PERIOD.exec(v.fee_period);
  if (!period || Number(period[2]) !== Number(period[1]) + 1) {
    return `fee_period "${v.fee_period}" must look like 2025-2026 (two consecutive years)`;
  }
  if (!CODE.test(v.code)) return `code "${v.code}" must be 1–32 letters, digits, _ . or -`;
  if (v.name === '') return 'name is required';
  if ([...v.name].length > 100) return 'name is longer than 100 characters';
  const amountDue = parseYuan(v.amount_due);
  if (amountDue === null) return `amount_due "${v.amount_due}" is not an amount in yuan (up to 2 decimals)`;
  if (amountDue <= 0) return 'amount_due must be greater than 0';
  const flag = v.installment_allowed.toLowerCase();
  if (!YES.has(flag) && !NO.has(flag)) return `installment_allowed "${v.installment_allowed}" must be 0/1/true/false/是/否`;
  const minInstallment = v.min_installment === '' ? 0 : parseYuan(v.min_installment);
  if (minInstallment === null) return `min_installment "${v.min_installment}" is not an amount in yuan (up to 2 decimals)`;
  if (minInstallment > amountDue) return 'min_installment is greater than amount_due';
  if (v.due_date !== '' && !isCalendarDate(v.due_date)) return `due_date "${v.due_date}" must be a date YYYY-MM-DD`;
  return {
    student_id: v.student_id,
    fee_period: v.fee_period,
    code: v.code,
    name: v.name,
    amount_due: amountDue,
    installment_allowed: YES.has(flag) ? 1 : 0,
    min_installment: minInstallment,
    due_date: v.due_date === '' ? null : v.due_date,
  };
}

const byLine = (a: ImportError, b: ImportError): number => a.line - b.line;

export async function importFees(db: Db, csvText: string, options: FeeImportOptions): Promise<ImportResult> {
  const table = readCsvTable(csvText, FEE_COLUMNS);
  const errors = [...table.errors];
  const items: { line: number; item: FeeItemUpsert }[] = [];
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const result = validateFee(row.values);
    if (typeof result === 'string') {
      errors.push({ line: row.line, reason: result });
      continue;
    }
    const key = `${result.student_id}|${result.fee_period}|${result.code}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      errors.push({ line: row.line, reason: `${result.student_id} ${result.fee_period} ${result.code} already appears on line ${earlier}` });
      continue;
    }
    firstLine.set(key, row.line);
    items.push({ line: row.line, item: result });
  }

  const studentIds = [...new Set(items.map((i) => i.item.student_id))];
  const existing = await findExistingStudentIds(db, studentIds);
  // Lowering what is due below what was paid or is held by live orders would break the ledger.
  const held = new Map<string, number>();
  for (const studentId of studentIds) {
    if (!existing.has(studentId)) continue;
    for (const fi of await listFeeItemsWithReserved(db, studentId, options.now)) {
      held.set(`${fi.student_id}|${fi.fee_period}|${fi.code}`, fi.amount_paid + fi.reserved);
    }
  }
  for (const { line, item } of items) {
    if (!existing.has(item.student_id)) {
      errors.push({ line, reason: `student ${item.student_id} does not exist (import students.csv first)` });
      continue;
    }
    const taken = held.get(`${item.student_id}|${item.fee_period}|${item.code}`) ?? 0;
    if (item.amount_due < taken) {
      errors.push({ line, reason: `amount_due ${formatMoney(item.amount_due)} is below the ${formatMoney(taken)} already paid or being paid` });
    }
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort(byLine) };

  await inTransaction(db, async (tx) => {
    for (const { item } of items) await upsertFeeItem(tx, item, options.now);
  });
  return { ok: true, count: items.length };
}
