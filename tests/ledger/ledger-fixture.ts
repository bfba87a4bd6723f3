import type { Db } from '../../src/db/database.js';
import { upsertFeeItem } from '../../src/db/repositories/fee-item.repository.js';
import { upsertStudent } from '../../src/db/repositories/student.repository.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import type { PaymentNotification } from '../../src/ports/gateway.port.js';
import { openTestDb } from '../support/test-store.js';

export const T0 = Date.UTC(2026, 8, 1, 2, 0, 0); // 2026-09-01 10:00 Beijing
export const EXPIRY_MS = 30 * 60_000;

export interface Fixture {
  db: Db;
  ledger: Ledger;
  /** Item ids by code for student S1 (2025-2026), plus OTHER for student S2. */
  ids: Record<'TUITION' | 'DORM' | 'BOOKS' | 'OTHER', number>;
}

export async function setupLedger(): Promise<Fixture> {
  const db = await openTestDb();
  const base = { major: '计算机科学', class_name: '计科2201', phone: null, id_number: null };
  await upsertStudent(db, { ...base, student_id: 'S1', name: '李雷', college: '信息学院', recovery_email: 'li.lei@example.edu.cn' }, 'hash', T0);
  await upsertStudent(db, { ...base, student_id: 'S2', name: '韩梅梅', college: '外语学院', recovery_email: null }, 'hash', T0);
  const item = (student_id: string, fee_period: string, code: string, name: string, amount_due: number, installment = 0) =>
    upsertFeeItem(db, { student_id, fee_period, code, name, amount_due, installment_allowed: installment, min_installment: installment ? 100_000 : 0, due_date: '2026-09-30' }, T0);
  await item('S1', '2025-2026', 'TUITION', '学费', 500_000, 1);
  await item('S1', '2025-2026', 'DORM', '住宿费', 120_000);
  await item('S1', '2024-2025', 'BOOKS', '教材费', 30_000);
  await item('S2', '2025-2026', 'OTHER', '学费', 450_000);
  const rows = await db.selectFrom('fee_items').select(['id', 'code']).execute();
  const ids = Object.fromEntries(rows.map((r) => [r.code, r.id])) as Fixture['ids'];
  const ledger = createLedger({ db, orderExpiryMs: EXPIRY_MS, gateway: 'sandbox' });
  return { db, ledger, ids };
}

export function paid(orderId: string, amount: number, transactionId: string, paidAt = T0 + 60_000): PaymentNotification {
  return { transactionId, orderId, amount, status: 'paid', paidAt };
}

export async function itemById(db: Db, id: number): Promise<{ amount_due: number; amount_paid: number }> {
  return db.selectFrom('fee_items').select(['amount_due', 'amount_paid']).where('id', '=', id).executeTakeFirstOrThrow();
}
