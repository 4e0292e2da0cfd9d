import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql } from '../shared/sql.js';
import type { ConnectorSkuMapRow } from './entities/connector-sku-map.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { SkuBarcodeRow } from '../catalog/entities/sku-barcode.entity.js';

export interface LineRefs {
  externalRef?: string | null;
  sku?: string | null;
  barcode?: string | null;
}

/**
 * Maps storefront lines to SKU ids: an explicit connector mapping (by product/variant ref or by the
 * storefront SKU text) wins, then the SKU code or the barcode as the connector is configured. null = unmapped.
 */
export async function resolveSkus(
  em: EntityManager,
  connector: { id: string; sku_mapping: 'sku' | 'barcode' } | null,
  lines: LineRefs[],
): Promise<(string | null)[]> {
  const refs = new Set<string>();
  const codes = new Set<string>();
  const barcodes = new Set<string>();
  for (const l of lines) {
    if (l.externalRef) refs.add(l.externalRef);
    if (l.sku) {
      refs.add(l.sku);
      codes.add(l.sku);
      barcodes.add(l.sku);
    }
    if (l.barcode) barcodes.add(l.barcode);
  }
  const [mapped, byCode, byBarcode] = await Promise.all([
    connector && refs.size
      ? sql<Pick<ConnectorSkuMapRow, 'external_ref' | 'sku_id'>>(
          em,
          'select external_ref, sku_id from connector_sku_map where connector_id = ? and external_ref = any(?::text[])',
          [connector.id, pgArray([...refs])],
        )
      : [],
    codes.size
      ? sql<Pick<SkuRow, 'code' | 'id'>>(em, 'select code, id from sku where code = any(?::text[]) and active', [pgArray([...codes])])
      : [],
    barcodes.size
      ? sql<Pick<SkuBarcodeRow, 'barcode' | 'sku_id'>>(em, 'select barcode, sku_id from sku_barcode where barcode = any(?::text[])', [
          pgArray([...barcodes]),
        ])
      : [],
  ]);
  const m = new Map(mapped.map((r) => [r.external_ref, r.sku_id]));
  const c = new Map(byCode.map((r) => [r.code, r.id]));
  const b = new Map(byBarcode.map((r) => [r.barcode, r.sku_id]));
  const bySku = !connector || connector.sku_mapping === 'sku';
  return lines.map(
    (l) =>
      (l.externalRef && m.get(l.externalRef)) ||
      (l.sku && m.get(l.sku)) ||
      (l.barcode && b.get(l.barcode)) ||
      (l.sku && (bySku ? c.get(l.sku) : b.get(l.sku))) ||
      null,
  );
}

/** A readable reason listing the unmapped lines, or undefined when every line has a SKU. */
export function unmappedReason(lines: (LineRefs & { lineNo: number; name: string })[], skuIds: (string | null)[]): string | undefined {
  const bad = lines.filter((_, i) => !skuIds[i]);
  if (!bad.length) return undefined;
  const what = bad
    .slice(0, 5)
    .map(
      (l) =>
        `line ${l.lineNo} "${l.name}" (sku ${l.sku ? `"${l.sku}"` : 'empty'}${l.barcode ? `, barcode ${l.barcode}` : ''}${l.externalRef ? `, product ref ${l.externalRef}` : ''})`,
    );
  return `Unknown SKU: ${bad.length} of ${lines.length} line(s) match no SKU: ${what.join('; ')}${bad.length > 5 ? '; …' : ''}. Map them with PUT /v1/connectors/{id}/sku-mappings or add the SKU/barcode to the catalog.`;
}
