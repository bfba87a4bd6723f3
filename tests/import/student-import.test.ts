import { describe, expect, it } from 'vitest';
import { findStudentById, updatePassword } from '../../src/db/repositories/student.repository.js';
import { importStudents } from '../../src/import/student-import.js';
import { countRows, fixture, freshDb, hasher, NOW } from './import-fixture.js';

const opts = { hasher, initialPasswordPolicy: '123456', now: NOW };
const HEADER = 'student_id,name,college,major,class_name,recovery_email,phone,id_number';

describe('importStudents', () => {
  it('imports a good file with quoted fields, escaped quotes and empty optionals', async () => {
    const db = await freshDb();
    expect(await importStudents(db, fixture('students.csv'), opts)).toEqual({ ok: true, count: 3 });
    const lisi = await findStudentById(db, '2023010102');
    expect(lisi).toMatchObject({
      name: '李四',
      class_name: '软件2301班, 卓越工程师',
      recovery_email: 'lisi@example.edu.cn',
      phone: null,
      must_change_password: 1,
      password_changed_at: null,
    });
    expect(await hasher.verify('123456', lisi?.password_hash ?? '')).toBe(true);
    expect(await findStudentById(db, '2023010103')).toMatchObject({ name: '王"五"', recovery_email: null, id_number: null });
  });

  it('reads a BOM + CRLF file (Excel) the same way', async () => {
    const raw = fixture('students-bom-crlf.csv');
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    expect(raw).toContain('\r\n');
    const db = await freshDb();
    expect(await importStudents(db, raw, opts)).toEqual({ ok: true, count: 3 });
    expect(await findStudentById(db, '2023010101')).toMatchObject({ name: '张三', id_number: '110101200501010011' });
    expect(await findStudentById(db, '2023010102')).toMatchObject({ class_name: '软件2301班, 卓越工程师' });
  });

  it('reports every bad row with its line and imports nothing', async () => {
    const db = await freshDb();
    const result = await importStudents(db, fixture('students-bad.csv'), opts);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(result.errors[0]?.reason).toMatch(/name is required/);
    expect(result.errors[1]?.reason).toMatch(/recovery_email/);
    expect(result.errors[2]?.reason).toMatch(/already appears on line 2/);
    expect(result.errors[3]?.reason).toMatch(/expected 8 fields, found 4/);
    expect(await countRows(db, 'students')).toBe(0);
  });

  it('rejects a header with a missing, unknown or duplicate column', async () => {
    const db = await freshDb();
    const missing = await importStudents(db, 'student_id,name,college,major,class_name,recovery_email,phone\n1,张三,,,,,\n', opts);
    expect(missing).toEqual({ ok: false, errors: [{ line: 1, reason: 'missing column(s): id_number' }] });
    const typo = await importStudents(db, `${HEADER.replace('recovery_email', 'recovery_mail')}\n1,张三,,,,,,\n`, opts);
    expect(typo.ok === false && typo.errors.map((e) => e.reason)).toEqual(['unknown column "recovery_mail"', 'missing column(s): recovery_email']);
    expect(await importStudents(db, '', opts)).toMatchObject({ ok: false, errors: [{ line: 1 }] });
    expect(await countRows(db, 'students')).toBe(0);
  });

  it('accepts columns in any order and header names in any case', async () => {
    const db = await freshDb();
    const csv = 'NAME,Student_ID,college,major,class_name,recovery_email,phone,id_number\n张三,2023010101,,,,,,\n';
    expect(await importStudents(db, csv, opts)).toEqual({ ok: true, count: 1 });
    expect(await findStudentById(db, '2023010101')).toMatchObject({ name: '张三', college: '' });
  });

  it('is idempotent: a re-import updates profiles, adds nobody twice and never resets a password', async () => {
    const db = await freshDb();
    await importStudents(db, fixture('students.csv'), opts);
    const changed = await hasher.hash('Changed#Pass1');
    await updatePassword(db, '2023010101', changed, NOW + 1);

    const edited = fixture('students.csv').replace('计算机2301班', '计算机2302班');
    expect(await importStudents(db, edited, { ...opts, now: NOW + 2 })).toEqual({ ok: true, count: 3 });
    expect(await countRows(db, 'students')).toBe(3);
    expect(await findStudentById(db, '2023010101')).toMatchObject({
      class_name: '计算机2302班',
      password_hash: changed,
      must_change_password: 0,
      created_at: NOW,
      updated_at: NOW + 2,
    });
  });

  it('gives each newcomer the initial password of the configured policy', async () => {
    const db = await freshDb();
    await importStudents(db, fixture('students.csv'), { ...opts, initialPasswordPolicy: '@studentId' });
    const zhang = await findStudentById(db, '2023010101');
    expect(await hasher.verify('2023010101', zhang?.password_hash ?? '')).toBe(true);

    const db2 = await freshDb();
    const result = await importStudents(db2, fixture('students.csv'), { ...opts, initialPasswordPolicy: '@idLast6' });
    // 王五 (line 4) has no ID number, so @idLast6 cannot give him a password.
    expect(result).toEqual({ ok: false, errors: [{ line: 4, reason: expect.stringMatching(/id_number/) as unknown as string }] });
    expect(await countRows(db2, 'students')).toBe(0);
    const withoutWang = fixture('students.csv').split('\n').filter((l) => !l.startsWith('2023010103')).join('\n');
    expect(await importStudents(db2, withoutWang, { ...opts, initialPasswordPolicy: '@idLast6' })).toEqual({ ok: true, count: 2 });
    expect(await hasher.verify('010011', (await findStudentById(db2, '2023010101'))?.password_hash ?? '')).toBe(true);
  });

  it('validates student IDs, phones and ID numbers', async () => {
    const db = await freshDb();
    const csv = [HEADER, '2023 0101,张三,,,,,,', '2023010102,李四,,,,,call me,', '2023010103,王五,,,,,,11010-1'].join('\n');
    const result = await importStudents(db, csv, opts);
    expect(result.ok === false && result.errors.map((e) => [e.line, e.reason.split(' ')[0]])).toEqual([
      [2, 'student_id'],
      [3, 'phone'],
      [4, 'id_number'],
    ]);
  });
});
