import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { setAmountPaidForDemo } from '../../src/db/repositories/demo.repository.js';
import { listFeeItemsWithReserved } from '../../src/db/repositories/fee-item.repository.js';
import { importFees } from '../../src/import/fee-import.js';
import { importStudents } from '../../src/import/student-import.js';
import { countRows, fixture, freshDb, hasher, NOW } from './import-fixture.js';

const HEADER = 'student_id,fee_period,code,name,amount_due,installment_allowed,min_installment,due_date';

describe('importFees', () => {
  let db: Db;
  beforeEach(async () => {
    db = await freshDb();
    await importStudents(db, fixture('students.csv'), { hasher, initialPasswordPolicy: '123456', now: NOW });
  });

  const items = (studentId: string) => listFeeItemsWithReserved(db, studentId, NOW);

  it('imports a good file: yuan to fen, flags, optional fields, quoted names with commas', async () => {
    expect(await importFees(db, fixture('fees.csv'), { now: NOW })).toEqual({ ok: true, count: 6 });
    const zhang = await items('2023010101');
    const byKey = new Map(zhang.map((i) => [`${i.fee_period}/${i.code}`, i]));
    expect(byKey.get('2024-2025/TUITION')).toMatchObject({ name: '学费', amount_due: 500_000, amount_paid: 0, installment_allowed: 1, min_installment: 100_000, due_date: '2024-09-30' });
    expect(byKey.get('2024-2025/DORM')).toMatchObject({ amount_due: 120_000, installment_allowed: 0, min_installment: 0 });
    expect(byKey.get('2025-2026/TUITION')).toMatchObject({ amount_due: 500_050, installment_allowed: 1, min_installment: 100_050 });
    expect(byKey.get('2025-2026/INSURANCE')).toMatchObject({ name: '医疗保险费（城乡居民, 含大病）', installment_allowed: 0, due_date: null });
    expect(await items('2023010102')).toHaveLength(2);
  });

  it('reads BOM + CRLF', async () => {
    const crlf = '\uFEFF' + fixture('fees.csv').replace(/\n/g, '\r\n');
    expect(await importFees(db, crlf, { now: NOW })).toEqual({ ok: true, count: 6 });
  });

  it('reports every bad row with its line and reason, and imports nothing', async () => {
    const result = await importFees(db, fixture('fees-bad.csv'), { now: NOW });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const reasons = result.errors.map((e) => e.reason);
    expect(reasons[0]).toMatch(/fee_period "2025-2027"/);
    expect(reasons[1]).toMatch(/amount_due "12.345"/);
    expect(reasons[2]).toMatch(/installment_allowed "maybe"/);
    expect(reasons[3]).toMatch(/due_date "2025-02-30"/);
    expect(reasons[4]).toMatch(/min_installment is greater than amount_due/);
    expect(reasons[5]).toMatch(/student 2099999999 does not exist/);
    expect(reasons[6]).toMatch(/already appears on line 2/);
    expect(await countRows(db, 'fee_items')).toBe(0);
  });

  it('rejects a missing header column', async () => {
    const csv = 'student_id,fee_period,code,name,installment_allowed,min_installment,due_date\n2023010101,2025-2026,X,学费,0,,\n';
    expect(await importFees(db, csv, { now: NOW })).toEqual({ ok: false, errors: [{ line: 1, reason: 'missing column(s): amount_due' }] });
  });

  it('rejects zero and negative amounts', async () => {
    const csv = [HEADER, '2023010101,2025-2026,A,甲,0,0,,', '2023010101,2025-2026,B,乙,-5,0,,'].join('\n');
    const result = await importFees(db, csv, { now: NOW });
    expect(result.ok === false && result.errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it('is idempotent: a re-import keeps the row count and never touches amount_paid', async () => {
    await importFees(db, fixture('fees.csv'), { now: NOW });
    await setAmountPaidForDemo(db, '2023010101', '2024-2025', 'TUITION', 200_000, NOW);
    expect(await importFees(db, fixture('fees.csv'), { now: NOW + 1 })).toEqual({ ok: true, count: 6 });
    expect(await countRows(db, 'fee_items')).toBe(6);
    const tuition = (await items('2023010101')).find((i) => i.fee_period === '2024-2025' && i.code === 'TUITION');
    expect(tuition).toMatchObject({ amount_due: 500_000, amount_paid: 200_000, updated_at: NOW + 1 });

    // Changing a bill updates it in place.
    const raised = fixture('fees.csv').replace('2023010101,2024-2025,TUITION,学费,5000,', '2023010101,2024-2025,TUITION,学费,5200,');
    expect(await importFees(db, raised, { now: NOW + 2 })).toEqual({ ok: true, count: 6 });
    expect(await countRows(db, 'fee_items')).toBe(6);
    expect((await items('2023010101')).find((i) => i.fee_period === '2024-2025' && i.code === 'TUITION')).toMatchObject({
      amount_due: 520_000,
      amount_paid: 200_000,
    });
  });

  it('refuses to lower amount_due below what has already been paid', async () => {
    await importFees(db, fixture('fees.csv'), { now: NOW });
    await setAmountPaidForDemo(db, '2023010101', '2024-2025', 'DORM', 120_000, NOW);
    const lowered = fixture('fees.csv').replace('2023010101,2024-2025,DORM,住宿费,1200.00,', '2023010101,2024-2025,DORM,住宿费,1000,');
    const result = await importFees(db, lowered, { now: NOW + 1 });
    expect(result).toEqual({ ok: false, errors: [{ line: 3, reason: expect.stringMatching(/below the ¥1,200.00 already paid/) as unknown as string }] });
  });
});
