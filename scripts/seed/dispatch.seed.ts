import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import type { DayShipment, DayVehicle } from '../../domain/dispatch/plan-problem.js';
import { Vehicle } from '../../domain/dispatch/entities/vehicle.entity.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';
import { rng } from './rng.js';
import type { IdRow } from '../../domain/shared/rows.js';

/**
 * Demo own-fleet day: a heterogeneous fleet at the demo depot (Amsterdam Westpoort) and ~300
 * delivery shipments across Amsterdam with time windows, weights and volumes. The generators are
 * exported so tests and the dispatch benchmark build the same day for their own warehouses.
 */

export const DEMO_DEPOT = { lat: 52.3953, lng: 4.8396 };
const CITY = { lat: 52.3676, lng: 4.9041 };
const H = 3600;

/** A demo vehicle: the planner's vehicle fields (plan-problem.ts) with the code and name it is known by. */
export type DemoVehicle = Pick<
  DayVehicle,
  | 'capacityWeightG'
  | 'capacityVolumeMm3'
  | 'costPerKmMinor'
  | 'costPerHourMinor'
  | 'fixedCostMinor'
  | 'shiftStartS'
  | 'shiftEndS'
  | 'maxDurationS'
> & { code: string; name: string };

/** 3 large vans, 5 medium vans, 4 small electric vans: different capacities, costs and shifts. */
export function demoFleet(): DemoVehicle[] {
  const out: DemoVehicle[] = [];
  const kinds = [
    { n: 3, code: 'VAN-L', name: 'Large van', w: 1_200_000, v: 12e9, km: 45, hour: 2800, fixed: 6000, start: 7 * H, end: 18 * H },
    { n: 5, code: 'VAN-M', name: 'Medium van', w: 750_000, v: 7e9, km: 35, hour: 2600, fixed: 4500, start: 7.5 * H, end: 17.5 * H },
    { n: 4, code: 'EV-S', name: 'Small e-van', w: 350_000, v: 3.5e9, km: 12, hour: 2400, fixed: 3000, start: 8 * H, end: 16 * H },
  ];
  for (const k of kinds) {
    for (let i = 1; i <= k.n; i++) {
      out.push({
        code: `${k.code}${i}`,
        name: `${k.name} ${i}`,
        capacityWeightG: k.w,
        capacityVolumeMm3: k.v,
        costPerKmMinor: k.km,
        costPerHourMinor: k.hour,
        fixedCostMinor: k.fixed,
        shiftStartS: k.start,
        shiftEndS: k.end,
        maxDurationS: null,
      });
    }
  }
  return out;
}

/** A demo delivery: the planner's shipment fields (plan-problem.ts) with the customer's name. */
export type DemoDelivery = Pick<DayShipment, 'lat' | 'lng' | 'windowStartS' | 'windowEndS' | 'serviceTimeS' | 'weightG' | 'volumeMm3'> & {
  name: string;
};

/** `n` deliveries around the city centre (uniform in a 9 km disc plus a few dense neighbourhoods). */
export function demoDeliveries(n: number, seed: number): DemoDelivery[] {
  const r = rng(seed);
  const hubs = Array.from({ length: 6 }, () => polar(CITY, 7000 * Math.sqrt(r()), r() * 2 * Math.PI));
  const out: DemoDelivery[] = [];
  for (let i = 0; i < n; i++) {
    const p =
      r() < 0.4
        ? polar(hubs[Math.floor(r() * hubs.length)]!, 900 * Math.sqrt(r()), r() * 2 * Math.PI)
        : polar(CITY, 9000 * Math.sqrt(r()), r() * 2 * Math.PI);
    const kind = r();
    let windowStartS: number | null = null;
    let windowEndS: number | null = null;
    if (kind < 0.4) {
      windowStartS = (8 + Math.floor(r() * 8)) * H;
      windowEndS = windowStartS + 2 * H;
    } else if (kind < 0.65) {
      [windowStartS, windowEndS] = r() < 0.5 ? [8 * H, 12 * H] : [13 * H, 17 * H];
    }
    const weightG = Math.round(500 + 14_500 * r() ** 2);
    out.push({
      lat: p.lat,
      lng: p.lng,
      windowStartS,
      windowEndS,
      serviceTimeS: 120 + Math.round(r() * 300),
      weightG,
      volumeMm3: Math.round(weightG * (2000 + 6000 * r())),
      name: `Customer ${i + 1}`,
    });
  }
  return out;
}

function polar(c: { lat: number; lng: number }, distM: number, angle: number) {
  const dLat = (distM * Math.cos(angle)) / 111_320;
  const dLng = (distM * Math.sin(angle)) / (111_320 * Math.cos((c.lat * Math.PI) / 180));
  return { lat: c.lat + dLat, lng: c.lng + dLng };
}

/** Inserts the demo fleet (if the warehouse has none) and `stops` own-fleet shipments for the date. */
export async function seedDispatchDay(
  em: EntityManager,
  warehouseId: string,
  o: { deliveryDate: string; stops: number; seed: number },
): Promise<{ vehicleIds: string[]; shipmentIds: string[] }> {
  if (!(await sqlOne(em, 'select 1 from vehicle where warehouse_id = ?', [warehouseId]))) {
    for (const v of demoFleet())
      await em.insert(Vehicle, {
        warehouse_id: warehouseId,
        code: v.code,
        name: v.name,
        capacity_weight_g: v.capacityWeightG,
        capacity_volume_mm3: String(v.capacityVolumeMm3),
        cost_per_km_minor: v.costPerKmMinor,
        cost_per_hour_minor: v.costPerHourMinor,
        fixed_cost_minor: v.fixedCostMinor,
        shift_start_s: v.shiftStartS,
        shift_end_s: v.shiftEndS,
        max_duration_s: v.maxDurationS,
        depot_lat: DEMO_DEPOT.lat,
        depot_lng: DEMO_DEPOT.lng,
        // The small e-vans are battery electric: their routes' CO₂e uses the grid factor.
        fuel: v.code.startsWith('EV-') ? 'electric' : 'diesel',
      });
  }
  const vehicleIds = (await sql<IdRow>(em, 'select id from vehicle where warehouse_id = ? order by code', [warehouseId])).map((r) => r.id);
  const shipmentIds: string[] = [];
  const list = demoDeliveries(o.stops, o.seed);
  for (let i = 0; i < list.length; i += 100) {
    const chunk = list.slice(i, i + 100);
    const params: unknown[] = [];
    const rows = chunk.map((d, k) => {
      params.push(
        warehouseId,
        `DS${o.seed}-${o.deliveryDate.replace(/-/g, '')}-${String(i + k + 1).padStart(4, '0')}`,
        d.weightG,
        d.volumeMm3,
        JSON.stringify({ name: d.name, city: 'Amsterdam', country: 'NL' }),
        d.lat,
        d.lng,
        o.deliveryDate,
        d.windowStartS,
        d.windowEndS,
        d.serviceTimeS,
      );
      return `(?, 'labelled', 'own-fleet', ?, ?, ?, ?::jsonb, ?, ?, ?::date, ?, ?, ?)`;
    });
    const ids = await sql<IdRow>(
      em,
      `insert into shipment (warehouse_id, status, carrier_code, tracking_number, weight_g, volume_mm3, ship_to, lat, lng,
      delivery_date, window_start_s, window_end_s, service_time_s) values ${rows.join(', ')} returning id`,
      params,
    );
    shipmentIds.push(...ids.map((r) => r.id));
  }
  return { vehicleIds, shipmentIds };
}

/** Demo data: tomorrow's 300 deliveries for the demo warehouse; driver1 drives the first large van. */
export async function seedDispatch(em: EntityManager): Promise<boolean> {
  if (await sqlOne(em, 'select 1 from vehicle where warehouse_id = ?', [DEMO_WAREHOUSE_ID])) return false;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const { vehicleIds } = await seedDispatchDay(em, DEMO_WAREHOUSE_ID, { deliveryDate: tomorrow, stops: 300, seed: 6 });
  const driver = await sqlOne<IdRow>(em, `select id from app_user where username = 'driver1'`);
  if (driver)
    await sql(em, `insert into driver (warehouse_id, user_id, name, vehicle_id) values (?, ?, 'Driver 1', ?) on conflict do nothing`, [
      DEMO_WAREHOUSE_ID,
      driver.id,
      vehicleIds[0],
    ]);
  return true;
}
