/**
 * Streaming CSV (RFC 4180): quoted fields with "" escapes, CR/LF/CRLF line ends, newlines inside
 * quotes. Pure state machine over text chunks; yields each record with its 1-based starting line.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parses chunks of CSV text as they arrive (a request body stream); never buffers the whole file. */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8');
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let quotePending = false; // saw a quote inside a quoted field: either an escape or the closing quote
  let line = 1;
  let recordLine = 1;
  let prevCR = false;
  let any = false;
  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 BOM from spreadsheet exports
    if (text.length) first = false;
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (prevCR) {
        prevCR = false;
        if (c === '\n') continue;
      }
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // closing quote; fall through to handle c outside quotes
        } else if (c === '"') {
          quotePending = true;
          continue;
        } else {
          if (c === '\n' || c === '\r') line++;
          if (c === '\r' && text[i + 1] === '\n') {
            field += '\r\n';
            i++;
            continue;
          }
          field += c;
          continue;
        }
      }
      if (c === '"' && field === '') {
        inQuotes = true;
        any = true;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        any = true;
        continue;
      }
      if (c === '\n' || c === '\r') {
        fields.push(field);
        if (any || fields.length > 1 || fields[0] !== '') out.push({ line: recordLine, fields });
        fields = [];
        field = '';
        any = false;
        line++;
        recordLine = line;
        prevCR = c === '\r';
        continue;
      }
      field += c;
      any = true;
    }
    for (const r of out) yield r;
  }
  if (inQuotes && !quotePending) throw new Error(`unterminated quoted field starting on line ${recordLine}`);
  if (any || field !== '' || fields.length) {
    fields.push(field);
    yield { line: recordLine, fields };
  }
}

/** Quotes a field when it holds a comma, quote or line break (and neutralises spreadsheet formulas). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`; // CSV injection (OWASP)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (vals: unknown[]) => `${vals.map(csvField).join(',')}\r\n`;
