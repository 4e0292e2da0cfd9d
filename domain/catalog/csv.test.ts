import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from './csv.js';

async function all(chunks: string[]) {
  const out = [];
  for await (const r of parseCsv(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(r);
  return out;
}

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded newlines, CRLF and a BOM', async () => {
    const rows = await all(['\ufeffcode,name\r\n', 'A,"Screw, 4mm"\r\nB,"say ""hi""', '"\nC,"two\nlines"\n', '\n']);
    expect(rows).toEqual([
      { line: 1, fields: ['code', 'name'] },
      { line: 2, fields: ['A', 'Screw, 4mm'] },
      { line: 3, fields: ['B', 'say "hi"'] },
      { line: 4, fields: ['C', 'two\nlines'] },
    ]);
  });

  it('keeps the last record without a trailing newline and reports an unterminated quote', async () => {
    expect(await all(['a,b\nc,'])).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', ''] },
    ]);
    await expect(all(['a,"b\n'])).rejects.toThrow(/unterminated/);
  });

  it('round-trips any fields written by csvLine, whatever the chunking (property)', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', '1', ',', '"', '\n', '\r', ' ', 'é') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            field.filter((s) => !/^[=+\-@\t\r]/.test(s)),
            { minLength: 2, maxLength: 4 },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 7 }),
        async (rows, size) => {
          const text = rows.map(csvLine).join('');
          const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
          const parsed = await all(chunks);
          expect(parsed.map((r) => r.fields)).toEqual(rows);
        },
      ),
      { numRuns: 150 },
    );
  });
});
