import { api } from '../api';
import type { ScanMatch } from '../../../domain/inventory/balance.schemas';
import type { ScanResult } from '../../../domain/scanning/scanning.schemas';

/** What /v1/scans/resolve says a scan names in the warehouse, with its stock (the API's own shapes). */
export interface Resolved {
  scan: ScanResult;
  match: ScanMatch;
}

export const resolveScan = (warehouseId: string, raw: string) => api<Resolved>('POST', '/scans/resolve', { warehouseId, raw });
