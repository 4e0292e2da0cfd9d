import { api as shellApi, ApiProblem } from '../api';
import type { LiveRouteView as LiveRoute } from '../../../domain/dispatch/live.schemas';

export { ApiProblem };

/** JSON calls of the dispatch screens through the shell's client (token, refresh, problem+json). */
export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return shellApi<T>(method, path.replace(/^\/v1/, ''), body);
}

// The board's shapes are the API's own (its zod response schemas): one source, no hand-kept copy. Type-only, so
// the console's build and typecheck take nothing of the live-ETA or routing code.
export type {
  AtRiskStop as AtRisk,
  BoardView as Board,
  EtaChange,
  LiveRouteView as LiveRoute,
  LiveStopView as LiveStop,
} from '../../../domain/dispatch/live.schemas';
export type Position = NonNullable<LiveRoute['position']>;

export interface ShipmentRow {
  id: string;
  status: string;
  carrierCode: string | null;
  trackingNumber: string | null;
  shipTo: Record<string, unknown>;
  lat: number | null;
  lng: number | null;
  deliveryDate: string | null;
  promiseDate: string | null;
  estimatedDelivery: string | null;
  lateRisk: boolean;
}

/** Every shipment of the day (cursor pages of GET /v1/shipments); empty when the caller may not list them. */
export async function dayShipments(warehouseId: string, date: string): Promise<ShipmentRow[]> {
  const out: ShipmentRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const q = new URLSearchParams({ warehouseId, deliveryDate: date, limit: '500', ...(cursor ? { cursor } : {}) });
    const r: { items: ShipmentRow[]; nextCursor: string | null } = await api('GET', `/v1/shipments?${q}`);
    out.push(...r.items);
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return out;
}
