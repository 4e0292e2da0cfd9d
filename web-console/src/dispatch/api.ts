import { api as shellApi, ApiProblem } from '../api';

export { ApiProblem };

/** JSON calls of the dispatch screens through the shell's client (token, refresh, problem+json). */
export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return shellApi<T>(method, path.replace(/^\/v1/, ''), body);
}

export interface LiveStop {
  id: string;
  seq: number;
  shipmentId: string;
  orderId: string | null;
  trackingNumber: string | null;
  customer: string | null;
  status: 'planned' | 'dispatched' | 'delivered' | 'failed';
  lat: number;
  lng: number;
  windowStartS: number | null;
  windowEndS: number | null;
  plannedEtaS: number;
  etaS: number | null;
  lateByS: number;
  arrivedAt: string | null;
  completedAt: string | null;
  failureReason: string | null;
  failureCode: string | null;
}

export interface Position {
  lat: number;
  lng: number;
  speedMps: number | null;
  headingDeg: number | null;
  recordedAt: string;
}

export interface LiveRoute {
  id: string;
  planId: string;
  vehicleId: string;
  vehicleCode: string;
  driverName: string | null;
  status: 'planned' | 'dispatched' | 'completed' | 'broken_down';
  startedAt: string | null;
  position: Position | null;
  gpsStale: boolean;
  depot: { lat: number; lng: number };
  stops: LiveStop[];
}

export interface EtaChange {
  stopId: string;
  routeId: string;
  beforeS: number;
  afterS: number;
  lateBeforeS: number;
  lateAfterS: number;
}

export interface AtRisk {
  stopId: string;
  routeId: string;
  vehicleCode: string;
  etaS: number;
  windowEndS: number;
  lateByS: number;
  suggestion: {
    kind: 'swap' | 'move';
    stopId: string;
    fromRouteId: string;
    toRouteId: string;
    position: number;
    lateBeforeS: number;
    lateAfterS: number;
    extraDriveS: number;
    orders: Record<string, string[]>;
    effects: EtaChange[];
  } | null;
}

export interface Board {
  warehouseId: string;
  deliveryDate: string;
  nowS: number;
  planId: string | null;
  planStatus: string | null;
  routes: LiveRoute[];
  atRisk: AtRisk[];
  unassignedShipmentIds: string[];
}

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
