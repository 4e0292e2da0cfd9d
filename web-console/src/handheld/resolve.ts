import { api } from '../api';

/** What /v1/scans/resolve says a scan names in the warehouse, with its stock. */
export interface Resolved {
  scan: { kind: string; lot?: string; expiry?: string; gtin?: string };
  match: {
    kind: 'sku' | 'location' | 'lpn' | 'none';
    sku?: { id: string; code: string; name: string; trackLot: boolean };
    location?: { id: string; code: string; type: string };
    lpn?: { id: string; code: string; sscc: string | null; type: string; locationId: string | null };
    totals?: { onHand: number; reserved: number; available: number };
    stock: { locationCode?: string; skuCode?: string; lot?: string | null; qty?: number; onHand?: number; available?: number }[];
  };
}

export const resolveScan = (warehouseId: string, raw: string) => api<Resolved>('POST', '/scans/resolve', { warehouseId, raw });
