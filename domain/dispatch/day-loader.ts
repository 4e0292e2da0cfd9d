import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { DayPlanInput, DayShipment, DayVehicle } from './plan-problem.js';
import type { VehicleRow } from './entities/vehicle.entity.js';
import type { RoutePlanRow } from './entities/route-plan.entity.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';

/** Reads a route plan's delivery day from the database into the pure mapping's input. */

/** PLAN_COLUMNS; `delivery_date` is read with to_char, so a 'YYYY-MM-DD' string. */
export type PlanRow = Pick<
  RoutePlanRow,
  | 'id'
  | 'warehouse_id'
  | 'status'
  | 'version'
  | 'solved_version'
  | 'vehicle_ids'
  | 'broken_vehicle_ids'
  | 'time_limit_s'
  | 'seed'
  | 'cancel_requested'
> & { delivery_date: string };

export const PLAN_COLUMNS = `id, warehouse_id, to_char(delivery_date, 'YYYY-MM-DD') as delivery_date, status, version, solved_version,
  vehicle_ids, broken_vehicle_ids, time_limit_s, seed, cancel_requested`;

export type StopRow = Pick<RouteStopRow, 'route_id' | 'shipment_id' | 'seq' | 'status'> & {
  stop_id: RouteStopRow['id'];
  vehicle_id: RouteRow['vehicle_id'];
  route_status: RouteRow['status'];
};

const VEHICLE_COLUMNS = `id, capacity_weight_g, capacity_volume_mm3, cost_per_km_minor, cost_per_hour_minor, fixed_cost_minor,
  shift_start_s, shift_end_s, max_duration_s, depot_lat, depot_lng, capacity_pallets, skills, breaks, max_distance_m, open_route`;
const SHIPMENT_COLUMNS = `id, lat, lng, window_start_s, window_end_s, service_time_s, weight_g, volume_mm3, required_skills, pallets,
  delivery_priority, optional_stop, drop_penalty_minor`;

function toVehicle(r: Record<string, unknown>): DayVehicle {
  return {
    id: r.id as string,
    capacityWeightG: Number(r.capacity_weight_g),
    capacityVolumeMm3: Number(r.capacity_volume_mm3),
    costPerKmMinor: Number(r.cost_per_km_minor),
    costPerHourMinor: Number(r.cost_per_hour_minor),
    fixedCostMinor: Number(r.fixed_cost_minor),
    shiftStartS: Number(r.shift_start_s),
    shiftEndS: Number(r.shift_end_s),
    maxDurationS: r.max_duration_s == null ? null : Number(r.max_duration_s),
    depotLat: Number(r.depot_lat),
    depotLng: Number(r.depot_lng),
    capacityPallets: r.capacity_pallets == null ? null : Number(r.capacity_pallets),
    skills: (r.skills as string[] | null) ?? [],
    breaks: (r.breaks as DayVehicle['breaks'] | null) ?? [],
    maxDistanceM: r.max_distance_m == null ? null : Number(r.max_distance_m),
    openRoute: r.open_route === true,
  };
}

function toShipment(r: Record<string, unknown>): DayShipment {
  return {
    id: r.id as string,
    lat: Number(r.lat),
    lng: Number(r.lng),
    windowStartS: r.window_start_s == null ? null : Number(r.window_start_s),
    windowEndS: r.window_end_s == null ? null : Number(r.window_end_s),
    serviceTimeS: Number(r.service_time_s),
    weightG: Number(r.weight_g),
    volumeMm3: Number(r.volume_mm3),
    skills: (r.required_skills as string[] | null) ?? [],
    pallets: Number(r.pallets ?? 0),
    priority: Number(r.delivery_priority ?? 0),
    optional: r.optional_stop === true,
    dropPenaltyMinor: r.drop_penalty_minor == null ? null : Number(r.drop_penalty_minor),
  };
}

const uuidArray = (ids: Iterable<string>) => `{${[...ids].join(',')}}`;

export async function planStops(em: EntityManager, planId: string): Promise<StopRow[]> {
  return sql<StopRow>(
    em,
    `select s.id as stop_id, s.route_id, r.vehicle_id, r.status as route_status, s.shipment_id, s.seq, s.status
    from route_stop s join route r on r.id = s.route_id where s.plan_id = ? order by r.vehicle_id, s.seq`,
    [planId],
  );
}

/** In fleet order (by code): the order in which interchangeable vehicles are given routes (plan-problem.ts assembleDay). */
export async function loadVehicles(em: EntityManager, ids: Iterable<string>): Promise<DayVehicle[]> {
  const rows = await sql(em, `select ${VEHICLE_COLUMNS} from vehicle where id = any(?::uuid[]) order by code, id`, [uuidArray(ids)]);
  return rows.map(toVehicle);
}

export async function loadShipments(em: EntityManager, ids: Iterable<string>): Promise<DayShipment[]> {
  const rows = await sql(em, `select ${SHIPMENT_COLUMNS} from shipment where id = any(?::uuid[]) order by id`, [uuidArray(ids)]);
  return rows.map(toShipment);
}

/**
 * The day to (re-)solve: the plan's vehicles minus broken ones; shipments of the own fleet for the
 * date that are not yet out, plus the plan's stops that still need a vehicle. On every working
 * vehicle the stops up to its last dispatched/done one are locked (their order included).
 */
export async function loadDayForSolve(em: EntityManager, plan: PlanRow): Promise<DayPlanInput> {
  const broken = new Set(plan.broken_vehicle_ids);
  const stops = await planStops(em, plan.id);
  const byVehicle = new Map<string, StopRow[]>();
  for (const s of stops) byVehicle.set(s.vehicle_id, [...(byVehicle.get(s.vehicle_id) ?? []), s]);
  const locked: Record<string, string[]> = {};
  const carried = new Set<string>();
  for (const [vehicleId, seq] of byVehicle) {
    if (broken.has(vehicleId)) {
      for (const s of seq) if (s.status === 'planned' || s.status === 'dispatched') carried.add(s.shipment_id);
      continue;
    }
    let last = -1;
    seq.forEach((s, i) => {
      if (s.status !== 'planned') last = i;
    });
    if (last >= 0) locked[vehicleId] = seq.slice(0, last + 1).map((s) => s.shipment_id);
    for (const s of seq.slice(last + 1)) carried.add(s.shipment_id);
  }
  for (const ids of Object.values(locked)) for (const id of ids) carried.add(id);

  const vehicleIds = plan.vehicle_ids
    ? new Set(plan.vehicle_ids)
    : new Set(
        (await sql<Pick<VehicleRow, 'id'>>(em, 'select id from vehicle where warehouse_id = ? and active', [plan.warehouse_id])).map(
          (r) => r.id,
        ),
      );
  for (const v of Object.keys(locked)) vehicleIds.add(v);
  for (const b of broken) vehicleIds.delete(b);

  const shipments = (
    await sql(
      em,
      `select ${SHIPMENT_COLUMNS} from shipment
    where warehouse_id = ? and lat is not null and lng is not null and (
      (delivery_date = ?::date and carrier_code = 'own-fleet' and status in ('created', 'packed', 'labelled', 'planned'))
      or id = any(?::uuid[]))
    order by id`,
      [plan.warehouse_id, plan.delivery_date, uuidArray(carried)],
    )
  ).map(toShipment);
  return { vehicles: await loadVehicles(em, vehicleIds), shipments, locked };
}

/** The plan as it stands (for manual edits): vehicles of its working routes and their stops, all of them in `locked` order. */
export async function loadDayAsPlanned(em: EntityManager, planId: string): Promise<{ input: DayPlanInput; stops: StopRow[] }> {
  const stops = (await planStops(em, planId)).filter((s) => s.route_status !== 'broken_down');
  const sequences: Record<string, string[]> = {};
  for (const s of stops) (sequences[s.vehicle_id] ??= []).push(s.shipment_id);
  const vehicles = await loadVehicles(em, Object.keys(sequences));
  const shipments = await loadShipments(
    em,
    stops.map((s) => s.shipment_id),
  );
  return { input: { vehicles, shipments, locked: sequences }, stops };
}
