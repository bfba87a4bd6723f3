// A small RFC 4180 parser: comma separated, `"` quoting with `""` escapes, CRLF or LF line ends
// (a lone CR too), quoted fields may span lines. A leading UTF-8 BOM (Excel) is stripped.

export interface CsvRecord {
  /** 1-based file line the record starts on. */
  line: number;
  fields: string[];
}

export type CsvParseResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; reason: string };

export function parseCsv(input: string): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // After a closing quote only a separator or a line end may follow.
  let afterQuote = false;

  const endRecord = (): void => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };

  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === '' && !afterQuote) {
      const quoteLine = line;
      i += 1;
      for (;;) {
        if (i >= text.length) return { ok: false, line: quoteLine, reason: 'unterminated quoted field' };
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line += 1;
        field += c;
        i += 1;
      }
      afterQuote = true;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      afterQuote = false;
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      afterQuote = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (afterQuote) return { ok: false, line, reason: 'unexpected character after a closing quote' };
    if (ch === '"') return { ok: false, line, reason: 'quote inside an unquoted field' };
    field += ch;
    i += 1;
  }
  // The last record, unless the text ended with a line break.
  if (field !== '' || fields.length > 0 || afterQuote) endRecord();
  return { ok: true, records };
}
