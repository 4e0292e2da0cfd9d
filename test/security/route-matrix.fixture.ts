/** Objects of warehouse 1 for the route × role × warehouse matrix: one of each kind a route can name. */
import { createLpn } from '../../domain/inventory/lpn.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { createTask } from '../../domain/tasks/task.service.js';
import { buildFloor } from '../floor/fixture.js';
import { http, type TestSystem, type TestUser } from '../harness/context.js';
import { createConnector } from '../orders/helpers.js';
import { packedShipment } from '../shipping/packed.js';

import type { LocationRow } from '../../domain/layout/entities/location.entity.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { TaskLineRow } from '../../domain/tasks/entities/task-line.entity.js';
export interface MatrixFixture {
  wh1: string;
  zone: string;
  loc: string;
  loc2: string;
  locCode: string;
  sku: string;
  skuCode: string;
  order: string;
  lpn: string;
  lpn2: string;
  reservation: string;
  hold: string;
  count: string;
  task: string;
  pickTask: string;
  pickLine: string;
  putawayTask: string;
  replenishTask: string;
  wave: string;
  waveTemplate: string;
  packSession: string;
  connector: string;
  intakeDeadLetter: string;
  vehicle: string;
  driverUser: string;
  /** A warehouse-1 user with the driver role and no driver record yet. */
  driverCandidate: string;
  worker: string;
  routePlan: string;
  route: string;
  stop: string;
  shipment: string;
  manifest: string;
  asn: string;
  po: string;
}

async function ok<T = any>(p: Promise<{ status: number; body: any; text: string }>, what: string): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`fixture ${what}: ${r.status} ${r.text}`);
  return r.body as T;
}

export async function buildMatrixFixture(sys: TestSystem, admin: TestUser, sup: TestUser): Promise<MatrixFixture> {
  const em = sys.rt.orm.em.fork();
  const wh1 = sys.wh1;
  const floor = await buildFloor(em, wh1, { skus: 4, orders: 6, prefix: 'MX', gtinPrefix: '777' });
  const locs = await sql<Pick<LocationRow, 'id' | 'code'>>(
    em,
    `select id, code from location where warehouse_id = ? and type = 'pick_face' order by code limit 2`,
    [wh1],
  );
  const sku = floor.skus.find((s) => !s.lotTracked)!;
  const lpn = await createLpn(em, { warehouseId: wh1, type: 'pallet', locationId: locs[0]!.id });
  const lpn2 = await createLpn(em, { warehouseId: wh1, type: 'pallet', locationId: locs[0]!.id });
  const reservation = (await sqlOne<IdRow>(em, `select id from stock_reservation where warehouse_id = ? and status = 'pending' limit 1`, [
    wh1,
  ]))!.id;
  const api = (m: string, path: string, body?: unknown, token = sup.token) =>
    http(m, `${sys.url}/v1${path}`, { token, body, headers: { 'idempotency-key': `mx-${Math.random()}` } });
  const hold = (await ok(api('POST', '/stock/holds', { warehouseId: wh1, skuId: floor.skus[1]!.id, reason: 'matrix' }), 'hold')).hold.id;
  const count = (await ok(api('POST', '/counts', { warehouseId: wh1, kind: 'location', locationIds: [locs[1]!.id] }), 'count')).items[0].id;
  const task = (await ok(api('POST', `/warehouses/${wh1}/tasks`, { type: 'load' }), 'task')).id;
  const putawayTask = (await createTask(em, wh1, { type: 'putaway', fromLocationId: locs[0]!.id, skuId: sku.id, qty: 1 })).id;
  const replenishTask = (await createTask(em, wh1, { type: 'replenish', fromLocationId: locs[1]!.id, skuId: sku.id, qty: 1 })).id;
  const wave = (await ok(api('POST', `/warehouses/${wh1}/waves`, { orderIds: floor.orderIds.slice(0, 2), release: true }), 'wave')).id;
  const pick = (await sqlOne<Pick<TaskLineRow, 'task_id' | 'id'>>(
    em,
    `select l.task_id, l.id from task_line l join task t on t.id = l.task_id where t.wave_id = ? limit 1`,
    [wave],
  ))!;
  const waveTemplate = (await ok(api('POST', `/warehouses/${wh1}/wave-templates`, { name: 'MX template' }), 'template')).id;
  const packSession = (await sqlOne<IdRow>(
    em,
    `insert into pack_session (warehouse_id, station_code, order_id) values (?, 'PACK-01', ?) returning id`,
    [wh1, floor.orderIds[3]],
  ))!.id;
  const connector = (
    await createConnector(sys, admin.token, { kind: 'api', name: 'mx-api', warehouseId: wh1, webhookSecret: 'mx-secret-0123456789' })
  ).id;
  const intakeDeadLetter = (await sqlOne<IdRow>(
    em,
    `insert into intake_dead_letter (warehouse_id, source, reason, raw_body) values (?, 'shopify', 'matrix', '{}') returning id`,
    [wh1],
  ))!.id;
  const vehicle = (
    await ok(
      api('POST', '/vehicles', {
        warehouseId: wh1,
        code: 'MX-VAN',
        name: 'Matrix van',
        capacityWeightG: 1_000_000,
        capacityVolumeMm3: 1_000_000_000,
        shiftStartS: 0,
        shiftEndS: 36_000,
        depotLat: 52,
        depotLng: 5,
      }),
      'vehicle',
    )
  ).id;
  const driverUser = (await sys.user('mx-driver', ['driver'], [wh1])).id;
  const driver = (
    await ok(api('POST', '/drivers', { warehouseId: wh1, userId: driverUser, name: 'Matrix driver', vehicleId: vehicle }), 'driver')
  ).id;
  const worker = (await sys.user('mx-worker', ['picker'], [wh1])).id;
  const driverCandidate = (await sys.user('mx-driver-candidate', ['driver'], [wh1])).id;
  const { shipmentId: shipment } = await packedShipment(em, wh1, { orderId: floor.orderIds[4] });
  const { shipmentId: routedShipment } = await packedShipment(em, wh1, { orderId: floor.orderIds[5] });
  const routePlan = (await sqlOne<IdRow>(
    em,
    `insert into route_plan (warehouse_id, delivery_date, time_limit_s, status) values (?, current_date, 5, 'solved') returning id`,
    [wh1],
  ))!.id;
  const route = (await sqlOne<IdRow>(
    em,
    `insert into route (plan_id, warehouse_id, vehicle_id, driver_id, start_s, end_s) values (?, ?, ?, ?, 0, 3600) returning id`,
    [routePlan, wh1, vehicle, driver],
  ))!.id;
  const stop = (await sqlOne<IdRow>(
    em,
    `insert into route_stop (plan_id, route_id, warehouse_id, shipment_id, seq, arrival_s, eta_s, departure_s)
    values (?, ?, ?, ?, 1, 600, 600, 700) returning id`,
    [routePlan, route, wh1, routedShipment],
  ))!.id;
  const manifest = (await sqlOne<IdRow>(
    em,
    `insert into manifest (warehouse_id, carrier_code, ship_date, shipment_ids) values (?, 'dhl', current_date, '{}') returning id`,
    [wh1],
  ))!.id;
  const asn = (
    await ok(
      api('POST', '/inbound/asns', {
        warehouseId: wh1,
        reference: 'MX-ASN',
        supplier: { name: 'Matrix supplier' },
        lines: [{ sku: sku.code, qty: 5 }],
      }),
      'asn',
    )
  ).id;
  const po = (
    await ok(
      api('POST', '/inbound/purchase-orders', {
        warehouseId: wh1,
        reference: 'MX-PO',
        supplier: { name: 'Matrix supplier' },
        lines: [{ sku: sku.code, qty: 5 }],
      }),
      'po',
    )
  ).id;
  return {
    wh1,
    zone: floor.zoneIds[0]!,
    loc: locs[0]!.id,
    loc2: locs[1]!.id,
    locCode: locs[0]!.code,
    sku: sku.id,
    skuCode: sku.code,
    order: floor.orderIds[2]!,
    lpn: lpn.id,
    lpn2: lpn2.id,
    reservation,
    hold,
    count,
    task,
    pickTask: pick.task_id,
    pickLine: pick.id,
    putawayTask,
    replenishTask,
    wave,
    waveTemplate,
    packSession,
    connector,
    intakeDeadLetter,
    vehicle,
    driverUser,
    driverCandidate,
    worker,
    routePlan,
    route,
    stop,
    shipment,
    manifest,
    asn,
    po,
  };
}
