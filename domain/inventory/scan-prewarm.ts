/**
 * The relations a scan resolve reads (inventory_scan_resolve), asked into the operating system's page cache when the
 * API starts, so the first scans after a reboot or a move to a fresh host find them in memory instead of on the disk
 * (issue 19, goal 5: scan resolve p99 on a cold cache). pg_prewarm's 'prefetch' mode hands the kernel one
 * POSIX_FADV_WILLNEED per block and returns: the reads go on in the background, and nothing enters shared_buffers, which
 * these ~600 MB at 500k SKUs would overflow (128 MB by default, shared with every database on the server).
 * Without the extension (migrations/…200102_pg_prewarm: it needs a superuser to create) it does nothing.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';

/** Indexes first (every scan reads them), then the small heaps of location and plate headers; the SKU heap (only a
 * scan of a SKU's own code reads it) last. */
export const SCAN_RELATIONS = [
  'sku_barcode_lookup_idx',
  'sku_id_head_idx',
  'stock_balance_sku_idx',
  'sku_uom_qty_idx',
  'stock_balance_location_idx',
  'stock_balance_lpn_idx',
  'location_warehouse_id_code_key',
  'license_plate_code_key',
  'license_plate_sscc_key',
  'license_plate_parent_idx',
  'license_plate_pkey',
  'sku_code_key',
  'location',
  'license_plate',
  'sku',
] as const;

type PrewarmRow = { blocks: string | number | null };

/** Asks the kernel to read the scan's relations; resolves to the 8 kB blocks asked for, or undefined without pg_prewarm. */
export async function prewarmScanRelations(em: EntityManager): Promise<number | undefined> {
  // Two statements: without the extension the call would not even parse.
  if (!(await sql(em, `select 1 from pg_extension where extname = 'pg_prewarm'`)).length) return undefined;
  const [row] = await sql<PrewarmRow>(
    em,
    `select coalesce(sum(pg_prewarm(c.oid, 'prefetch')), 0) as blocks from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relname = any(?::text[])`,
    [`{${SCAN_RELATIONS.join(',')}}`],
  );
  return Number(row?.blocks ?? 0);
}
