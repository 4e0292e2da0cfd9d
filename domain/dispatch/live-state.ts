import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { LiveRoute } from './at-risk.js';
import type { DriverRow } from './entities/driver.entity.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
import type { VehicleRow } from './entities/vehicle.entity.js';
import type { WarehouseRow } from '../layout/entities/warehouse.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import { isGpsStale, liveEtas, pendingBreaks, secondsOfDay, type LiveEta, type PendingBreak, type RemainingStop } from './live-eta.js';

/** Loads routes with their remaining stops, last ping and clock, ready for the pure live rules. */

export type LiveRouteRow = Pick<RouteRow, 'id' | 'plan_id' | 'warehouse_id' | 'vehicle_id' | 'driver_id' | 'status' | 'started_at'> &
  Pick<VehicleRow, 'fuel' | 'depot_lat' | 'depot_lng' | 'shift_start_s'> &
  Pick<WarehouseRow, 'timezone'> & {
    vehicle_code: VehicleRow['code'];
    driver_name: DriverRow['name'] | null;
    driver_user_id: DriverRow['user_id'] | null;
    /** Read with to_char: 'YYYY-MM-DD'. */
    delivery_date: string;
    /** The route's breaks as placed: [{id, afterStop, startS, endS}] (the entity declares json as unknown). */
    breaks: { id: string; afterStop: number; startS: number; endS: number }[] | null;
    /** The vehicle's break rules: [{id, startS, endS, durationS}]. */
    break_windows: PendingBreak[] | null;
  };

export type LiveStopRow = Pick<
  RouteStopRow,
  | 'id'
  | 'route_id'
  | 'shipment_id'
  | 'seq'
  | 'status'
  | 'eta_s'
  | 'arrived_at'
  | 'notified_eta_s'
  | 'nearby_notified_at'
  | 'delayed_notified_at'
> &
  Pick<ShipmentRow, 'order_id' | 'service_time_s' | 'window_start_s' | 'window_end_s'> & {
    // Kept non-null as before: shipment.lat/lng are nullable in the entity, but this code reads them as set.
    lat: number;
    lng: number;
  };

export interface LastPosition {
  vehicle_id: string;
  lat: number;
  lng: number;
  speed_mps: number | null;
  heading_deg: number | null;
  recorded_at: Date;
}

export interface LiveRouteState {
  row: LiveRouteRow;
  nowS: number;
  position: LastPosition | null;
  gpsStale: boolean;
  /** Stops not yet delivered or failed, in visiting order. */
  remaining: LiveStopRow[];
  all: LiveStopRow[];
  etas: LiveEta[];
  live: LiveRoute;
}

const ROUTE_SQL = `select r.id, r.plan_id, r.warehouse_id, r.vehicle_id, v.code as vehicle_code, v.fuel, r.driver_id, d.name as driver_name,
  d.user_id as driver_user_id, r.status, to_char(p.delivery_date, 'YYYY-MM-DD') as delivery_date, w.timezone, v.depot_lat, v.depot_lng, v.shift_start_s, r.started_at,
  r.breaks, v.breaks as break_windows
  from route r join route_plan p on p.id = r.plan_id join vehicle v on v.id = r.vehicle_id join warehouse w on w.id = r.warehouse_id
  left join driver d on d.id = r.driver_id`;

/** Live state of the routes matching `where` (on alias r / p). */
export async function loadLiveRoutes(em: EntityManager, where: string, params: unknown[], now: Date): Promise<LiveRouteState[]> {
  const routes = await sql<LiveRouteRow>(em, `${ROUTE_SQL} where ${where} order by v.code`, params);
  if (!routes.length) return [];
  const ids = `{${routes.map((r) => r.id).join(',')}}`;
  const stops = await sql<LiveStopRow>(
    em,
    `select s.id, s.route_id, s.shipment_id, sh.order_id, s.seq, s.status, sh.lat, sh.lng, sh.service_time_s, sh.window_start_s, sh.window_end_s,
      s.eta_s, s.arrived_at, s.notified_eta_s, s.nearby_notified_at, s.delayed_notified_at
    from route_stop s join shipment sh on sh.id = s.shipment_id where s.route_id = any(?::uuid[]) order by s.route_id, s.seq`,
    [ids],
  );
  const positions = await sql<LastPosition>(
    em,
    `select distinct on (vehicle_id) vehicle_id, lat, lng, speed_mps, heading_deg, recorded_at from driver_position
    where vehicle_id = any(?::uuid[]) and recorded_at > ?::timestamptz - interval '1 day' order by vehicle_id, recorded_at desc`,
    [`{${[...new Set(routes.map((r) => r.vehicle_id))].join(',')}}`, now.toISOString()],
  );
  const posOf = new Map(positions.map((p) => [p.vehicle_id, p]));
  return routes.map((row) => {
    const all = stops.filter((s) => s.route_id === row.id);
    const remaining = all.filter((s) => s.status === 'planned' || s.status === 'dispatched');
    const nowS = secondsOfDay(now, row.delivery_date, row.timezone);
    const position = posOf.get(row.vehicle_id) ?? null;
    const from = position
      ? { lat: Number(position.lat), lng: Number(position.lng) }
      : { lat: Number(row.depot_lat), lng: Number(row.depot_lng) };
    const rs: RemainingStop[] = remaining.map((s) => ({
      stopId: s.id,
      lat: Number(s.lat),
      lng: Number(s.lng),
      serviceTimeS: Number(s.service_time_s),
      windowStartS: s.window_start_s == null ? null : Number(s.window_start_s),
      windowEndS: s.window_end_s == null ? null : Number(s.window_end_s),
      arrivedS: s.arrived_at ? secondsOfDay(new Date(s.arrived_at), row.delivery_date, row.timezone) : null,
    }));
    // A route not started yet leaves the depot at its shift start at the earliest.
    const startS = row.started_at || position ? nowS : Math.max(nowS, Number(row.shift_start_s));
    const breaks = pendingBreaks(
      row.breaks ?? [],
      row.break_windows ?? [],
      all.map((s) => s.status === 'delivered' || s.status === 'failed'),
    );
    const etas = liveEtas(from, startS, rs, breaks);
    return {
      row,
      nowS,
      position,
      gpsStale: row.status === 'dispatched' && isGpsStale(position ? new Date(position.recorded_at) : null, now),
      remaining,
      all,
      etas,
      live: {
        routeId: row.id,
        vehicleCode: row.vehicle_code,
        from,
        nowS: startS,
        stops: rs,
        breaks,
        canReceive: row.status === 'dispatched' || row.status === 'planned',
      },
    };
  });
}
