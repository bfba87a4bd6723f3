import { describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/accounts.service.js';
import { setAmountPaidForDemo } from '../../src/db/repositories/demo.repository.js';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemoData } from '../../src/demo/demo-data.js';
import { listFeeItemsWithReserved } from '../../src/db/repositories/fee-item.repository.js';
import { findStudentById, updatePassword } from '../../src/db/repositories/student.repository.js';
import { countRows, freshDb, hasher, NOW } from './import-fixture.js';

const ctx = { channel: 'web', chatId: 'demo', now: NOW + 1000 };

describe('seedDemoData', () => {
  it('creates the demo students and bills through the importers', async () => {
    const db = await freshDb();
    const summary = await seedDemoData(db, { hasher, now: NOW });
    expect(summary).toEqual({ students: 5, feeItems: 20, created: DEMO_LOGINS.map((l) => l.studentId) });

    const zhang = await listFeeItemsWithReserved(db, '2023010101', NOW);
    const owedPeriods = new Set(zhang.filter((i) => i.amount_due > i.amount_paid).map((i) => i.fee_period));
    expect([...owedPeriods].sort()).toEqual(['2023-2024', '2024-2025', '2025-2026']);
    expect(zhang.find((i) => i.fee_period === '2023-2024' && i.code === 'TUITION')).toMatchObject({ amount_due: 500_000, amount_paid: 300_000, installment_allowed: 1, min_installment: 100_000 });

    const lisi = await listFeeItemsWithReserved(db, '2023010102', NOW);
    expect(lisi.length).toBeGreaterThan(0);
    expect(lisi.every((i) => i.amount_paid === i.amount_due)).toBe(true);
    expect((await findStudentById(db, '2023010101'))?.recovery_email).toBe('zhangsan@example.edu.cn');
  });

  it('the documented logins work: Demo@2026 for all but 王五, who proves his ID number and must change the initial password', async () => {
    const db = await freshDb();
    await seedDemoData(db, { hasher, now: NOW });
    const accounts = createAccounts({ db, hasher, initialPasswordPolicy: '123456' });
    for (const login of DEMO_LOGINS) {
      const password = login.password === DEMO_PASSWORD ? DEMO_PASSWORD : '123456';
      const result = await accounts.login(login.studentId, password, ctx);
      const initial = login.password === 'initial';
      expect(result, login.name).toEqual({ ok: true, studentId: login.studentId, mustChangePassword: initial, ...(initial ? { needsProof: true } : {}) });
    }
    const wangwu = await findStudentById(db, '2023010103');
    expect(wangwu?.must_change_password).toBe(1);
    // The proof README's demo table documents: the last 6 of his ID number.
    expect(wangwu?.id_number?.slice(-6)).toBe('030033');
  });

  it('is idempotent and keeps what demo users changed', async () => {
    const db = await freshDb();
    await seedDemoData(db, { hasher, now: NOW });
    const changed = await hasher.hash('Mine#Own#Pass');
    await updatePassword(db, '2023010101', changed, NOW + 5);
    const again = await seedDemoData(db, { hasher, now: NOW + 10 });
    expect(again).toEqual({ students: 5, feeItems: 20, created: [] });
    expect(await countRows(db, 'students')).toBe(5);
    expect(await countRows(db, 'fee_items')).toBe(20);
    expect((await findStudentById(db, '2023010101'))?.password_hash).toBe(changed);
    const zhang = await listFeeItemsWithReserved(db, '2023010101', NOW);
    expect(zhang.find((i) => i.fee_period === '2023-2024' && i.code === 'TUITION')?.amount_paid).toBe(300_000);
  });

  it('setAmountPaidForDemo caps at amount_due and reports a missing item', async () => {
    const db = await freshDb();
    await seedDemoData(db, { hasher, now: NOW });
    expect(await setAmountPaidForDemo(db, '2023010103', '2025-2026', 'DORM', 9_999_999, NOW)).toBe(true);
    const dorm = (await listFeeItemsWithReserved(db, '2023010103', NOW)).find((i) => i.code === 'DORM');
    expect(dorm).toMatchObject({ amount_due: 100_000, amount_paid: 100_000 });
    expect(await setAmountPaidForDemo(db, '2023010103', '2025-2026', 'NOPE', 1, NOW)).toBe(false);
  });
});
