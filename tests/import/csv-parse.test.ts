import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/import/csv-parse.js';

const fields = (text: string) => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(`line ${r.line}: ${r.reason}`);
  return r.records.map((rec) => rec.fields);
};

describe('parseCsv', () => {
  it('splits plain fields and records (LF, CRLF, lone CR), without a trailing empty record', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,,\n')).toEqual([['a', '', '']]);
  });

  it('strips a UTF-8 BOM', () => {
    expect(fields('\uFEFFstudent_id,name\n1,张三')).toEqual([['student_id', 'name'], ['1', '张三']]);
  });

  it('handles quoted fields with commas, escaped quotes and line breaks', () => {
    expect(fields('"a,b","say ""hi""",""\n')).toEqual([['a,b', 'say "hi"', '']]);
    expect(fields('x,"line1\r\nline2",y\n')).toEqual([['x', 'line1\r\nline2', 'y']]);
  });

  it('numbers records by the file line they start on', () => {
    const r = parseCsv('h1,h2\n"multi\nline",x\n\nlast,row\n');
    expect(r.ok && r.records.map((rec) => rec.line)).toEqual([1, 2, 4, 5]);
  });

  it('reports malformed quoting with its line', () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n')).toEqual({ ok: false, line: 2, reason: 'unterminated quoted field' });
    expect(parseCsv('a,b\n"x"y,2\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a,b\nx"y,2\n')).toMatchObject({ ok: false, line: 2 });
  });
});
