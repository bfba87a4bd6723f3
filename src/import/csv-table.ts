import { parseCsv } from './csv-parse.js';

// A CSV file with a header row, read into rows keyed by column name. Every listed column must
// be in the header (any order) and nothing else, so a misspelt column cannot be silently ignored.

export interface ImportError {
  /** 1-based file line; the header is line 1. */
  line: number;
  reason: string;
}

export type ImportResult = { ok: true; count: number } | { ok: false; errors: ImportError[] };

export interface CsvRow<C extends string> {
  line: number;
  values: Record<C, string>;
}

/** Rows that could be read, and problems found so far (rows with a wrong field count are left out). */
export interface CsvTable<C extends string> {
  rows: CsvRow<C>[];
  errors: ImportError[];
}

export function readCsvTable<C extends string>(csvText: string, columns: readonly C[]): CsvTable<C> {
  const parsed = parseCsv(csvText);
  if (!parsed.ok) return { rows: [], errors: [{ line: parsed.line, reason: parsed.reason }] };
  // Lines holding nothing at all are skipped; a line of empty fields (`,,,`) is a row.
  const records = parsed.records.filter((r) => !(r.fields.length === 1 && r.fields[0]?.trim() === ''));
  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, reason: `empty file: expected a header row (${columns.join(',')})` }] };

  const names = header.fields.map((f) => f.trim().toLowerCase());
  const errors: ImportError[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) errors.push({ line: header.line, reason: `duplicate column "${name}"` });
    else if (!(columns as readonly string[]).includes(name)) errors.push({ line: header.line, reason: `unknown column "${name}"` });
    seen.add(name);
  }
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) errors.push({ line: header.line, reason: `missing column(s): ${missing.join(', ')}` });
  if (errors.length > 0) return { rows: [], errors };

  const rows: CsvRow<C>[] = [];
  for (const record of body) {
    if (record.fields.length !== names.length) {
      errors.push({ line: record.line, reason: `expected ${names.length} fields, found ${record.fields.length}` });
      continue;
    }
    const values = {} as Record<C, string>;
    names.forEach((name, index) => {
      values[name as C] = (record.fields[index] ?? '').trim();
    });
    rows.push({ line: record.line, values });
  }
  return { rows, errors };
}
