/**
 * ASN import from CSV, streamed: one row per ASN line, rows of one `reference` form one ASN.
 * Columns: reference, supplier, sku, qty, and optionally expected_at, dock_door, lot, expiry, sscc.
 * The body is read as it arrives with a byte cap (a 413 problem past it), never buffered whole;
 * all-or-nothing: any bad row fails the import with every bad row listed, and nothing is created.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseCsv } from '../catalog/csv.js';
import { DomainError, ValidationFailed, type FieldError } from '../shared/errors.js';
import { createAsn } from './asn.service.js';
import { createAsnBody, type CreateAsnInput } from './receiving.schemas.js';

const COLUMNS = ['reference', 'supplier', 'sku', 'qty', 'expected_at', 'dock_door', 'lot', 'expiry', 'sscc'] as const;
const REQUIRED = ['reference', 'supplier', 'sku', 'qty'];

export class PayloadTooLarge extends DomainError {
  constructor(maxBytes: number) {
    super('payload-too-large', 413, 'Payload too large', `The CSV is larger than ${maxBytes} bytes; split it`);
  }
}

/** Passes chunks through, failing once more than maxBytes went by (the stream stops being read). */
export async function* capped(body: AsyncIterable<string | Buffer>, maxBytes: number): AsyncGenerator<string | Buffer> {
  let n = 0;
  for await (const c of body) {
    n += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
    if (n > maxBytes) throw new PayloadTooLarge(maxBytes);
    yield c;
  }
}

export async function importAsnsCsv(
  tx: EntityManager,
  warehouseId: string,
  body: AsyncIterable<string | Buffer>,
  o: { maxBytes: number; userId?: string },
): Promise<{ asns: { id: string; reference: string; lines: number }[] }> {
  let header: string[] | null = null;
  const errors: FieldError[] = [];
  const byRef = new Map<string, CreateAsnInput & { firstLine: number }>();
  for await (const rec of parseCsv(capped(body, o.maxBytes))) {
    if (!header) {
      header = rec.fields.map((h) => h.trim().toLowerCase());
      for (const h of header)
        if (!(COLUMNS as readonly string[]).includes(h)) errors.push({ path: `header.${h}`, message: 'unknown column' });
      for (const r of REQUIRED) if (!header.includes(r)) errors.push({ path: `header.${r}`, message: 'required column missing' });
      if (errors.length) throw new ValidationFailed('The CSV header is wrong', errors, 'csv-import-failed');
      continue;
    }
    const get = (c: string) => {
      const i = header!.indexOf(c);
      const v = i >= 0 ? rec.fields[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const ref = get('reference') ?? '';
    const line = { sku: get('sku') ?? '', qty: Number(get('qty')), lot: get('lot'), expiry: get('expiry'), sscc: get('sscc') };
    const cur = byRef.get(ref) ?? {
      firstLine: rec.line,
      warehouseId,
      reference: ref,
      supplier: { name: get('supplier') ?? '' },
      expectedAt: get('expected_at'),
      dockDoor: get('dock_door'),
      lines: [],
    };
    cur.lines.push(line);
    const check = createAsnBody.safeParse({ ...cur, lines: [line] });
    if (!check.success)
      for (const issue of check.error.issues)
        errors.push({ path: `line ${rec.line}.${issue.path.filter((p) => p !== 'lines' && p !== 0).join('.')}`, message: issue.message });
    byRef.set(ref, cur);
  }
  if (!header) throw new ValidationFailed('The CSV is empty', [{ path: 'body', message: 'no header row' }], 'csv-import-failed');
  if (errors.length) throw new ValidationFailed(`${errors.length} problems in the CSV`, errors.slice(0, 1000), 'csv-import-failed');
  const asns: { id: string; reference: string; lines: number }[] = [];
  for (const a of byRef.values()) {
    const { firstLine: _f, ...input } = a;
    const v = await createAsn(tx, createAsnBody.parse(input), o.userId);
    asns.push({ id: v.id, reference: v.reference, lines: v.lines.length });
  }
  return { asns };
}
