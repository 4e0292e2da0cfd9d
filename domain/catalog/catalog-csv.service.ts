/**
 * CSV import and export of the catalog, both streaming. Import runs in batches, each in its own short transaction:
 * a long import never holds one transaction open (which would stall the outbox relay for every warehouse). Rows are
 * validated as they stream in; a bad row (format, duplicate in the file, barcode taken) is rejected and reported
 * (line, code, column, why) and the batch's good rows are written together or not at all. The answer lists every
 * rejected row, so the caller fixes and re-sends just those (the import is idempotent by code).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationFailed, type FieldError } from '../shared/errors.js';
import { sql } from '../shared/sql.js';
import { barcodeConflicts, barcodesOf, skuViews, upsertSkus } from './catalog.service.js';
import type { SkuInput } from './catalog.schemas.js';
import { csvLine, parseCsv } from './csv.js';
import { SKU_CSV_COLUMNS, checkHeader, rowToSku, skuToRow } from './sku-csv.js';
import { Sku } from './entities/sku.entity.js';

export interface RowReport {
  line: number;
  row: number;
  code: string | null;
  errors: FieldError[];
}
export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  /** Rows not imported, with why (the first maxReportedRows of them in `rejectedRows`). */
  rejected: number;
  rejectedRows: RowReport[];
  /** Transactions the import committed (one per batch with good rows). */
  batches: number;
}

/** Imports SKUs from a CSV stream in batches of `batchSize`, one transaction each; a bad header or an empty file is a 422. */
export async function importSkusCsv(
  em: EntityManager,
  body: AsyncIterable<string | Buffer>,
  o: { batchSize?: number; maxReportedRows?: number } = {},
): Promise<ImportResult> {
  const batchSize = o.batchSize ?? 1000;
  const maxReported = o.maxReportedRows ?? 1000;
  let header: string[] | null = null;
  const bad: RowReport[] = [];
  let badCount = 0;
  let rows = 0;
  let created = 0;
  let updated = 0;
  let batches = 0;
  const seenCodes = new Map<string, number>();
  const seenBarcodes = new Map<string, number>();
  let batch: { line: number; row: number; sku: SkuInput }[] = [];

  const report = (r: RowReport) => {
    badCount++;
    if (bad.length < maxReported) bad.push(r);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await em.fork().transactional(async (tx) => {
      const conflicts = await barcodeConflicts(
        tx,
        current.map((b) => b.sku),
      );
      for (const [i, errors] of conflicts) report({ line: current[i]!.line, row: current[i]!.row, code: current[i]!.sku.code, errors });
      const good = current.filter((_b, i) => !conflicts.has(i));
      if (good.length === 0) return;
      const r = await upsertSkus(
        tx,
        good.map((b) => b.sku),
      );
      created += r.created;
      updated += r.updated;
      batches++;
    });
  };

  for await (const rec of parseCsv(body)) {
    if (!header) {
      header = rec.fields.map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^name_([a-z]{2,3})-([a-z]{2})$/, (_m, a, b) => `name_${a}-${b.toUpperCase()}`),
      );
      const errs = checkHeader(header);
      if (errs.length)
        throw new ValidationFailed(
          `The CSV header is invalid: ${errs.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
          errs,
          'csv-import-failed',
        );
      continue;
    }
    rows++;
    const r = rowToSku(header, rec.fields);
    const code = r.ok ? r.sku.code : (rec.fields[header.indexOf('code')] ?? null);
    if (!r.ok) {
      report({ line: rec.line, row: rows, code, errors: r.errors });
      continue;
    }
    const dupErrors: FieldError[] = [];
    const prev = seenCodes.get(r.sku.code);
    if (prev !== undefined) dupErrors.push({ path: 'code', message: `code ${r.sku.code} already on line ${prev}`, code: 'duplicate' });
    for (const b of barcodesOf(r.sku)) {
      const other = seenBarcodes.get(b.barcode);
      if (other !== undefined)
        dupErrors.push({
          path: b.kind === 'internal' ? 'barcodes' : 'gtin',
          message: `barcode ${b.barcode} already on line ${other}`,
          code: 'duplicate',
        });
    }
    if (dupErrors.length) {
      report({ line: rec.line, row: rows, code, errors: dupErrors });
      continue;
    }
    seenCodes.set(r.sku.code, rec.line);
    for (const b of barcodesOf(r.sku)) seenBarcodes.set(b.barcode, rec.line);
    batch.push({ line: rec.line, row: rows, sku: r.sku });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (!header) throw new ValidationFailed('The CSV is empty', [{ path: 'body', message: 'no header row' }], 'csv-import-failed');
  bad.sort((a, b) => a.line - b.line);
  return { rows, created, updated, rejected: badCount, rejectedRows: bad, batches };
}
export type ExportSkusCsvRow = { k: string };

/** The catalog as CSV text chunks (header, then SKUs in code order, 500 per query). */
export async function* exportSkusCsv(em: EntityManager): AsyncGenerator<string> {
  const langs = (await sql<ExportSkusCsvRow>(em, 'select distinct jsonb_object_keys(name_i18n) as k from sku order by 1')).map((r) => r.k);
  yield csvLine([...SKU_CSV_COLUMNS, ...langs.map((l) => `name_${l}`)]);
  let after: string | null = null;
  for (;;) {
    const ids: { id: string; code: string }[] = await em.find(Sku, after === null ? {} : { code: { $gt: after } }, {
      fields: ['id', 'code'],
      orderBy: { code: 'asc' },
      limit: 500,
      disableIdentityMap: true,
    });
    if (ids.length === 0) return;
    const views = await skuViews(
      em,
      ids.map((r) => r.id),
    );
    yield views.map((v) => csvLine(skuToRow(v, langs))).join('');
    after = ids[ids.length - 1]!.code;
  }
}
