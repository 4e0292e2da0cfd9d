import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayedEvent } from '../../domain/events/catalogue.js';
import { secondsOfDay } from '../../domain/dispatch/live-eta.js';
import { sql } from '../../domain/shared/sql.js';
import { seedDispatchDay } from '../../scripts/seed/dispatch.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { startReceiver } from '../orders/receiver.js';
import type { EventPayloadRow, TextCountRow } from '../harness/rows.js';

import type { DriverPositionRow } from '../../domain/dispatch/entities/driver-position.entity.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { ReturnExpectationRow } from '../../domain/dispatch/entities/return-expectation.entity.js';
import type { RouteStopRow } from '../../domain/dispatch/entities/route-stop.entity.js';
import type { WarehouseRow } from '../../domain/layout/entities/warehouse.entity.js';

type PositionTxRow = { n: string; txs: string };
type AppliedRow = { applied: boolean };
// Today (UTC, the test warehouse's zone), so live ETAs start from the real clock.
const DAY = new Date().toISOString().slice(0, 10);
let sys: TestSystem;
let dispatcher: TestUser;
let driver: TestUser;
let otherDriver: TestUser;
let myVehicle: string;
let vehicleIds: string[];
let plan: any;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let mine: any;
const sockets: Socket[] = [];

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function watch(token: string, rooms: string[]) {
  const s = io(sys.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  const events: RelayedEvent[] = [];
  s.on('event', (e: RelayedEvent) => events.push(e));
  // Positions are telemetry (no outbox, no seq): their own message, several of one server turn as one array.
  s.on('telemetry', (m: RelayedEvent | RelayedEvent[]) => events.push(...(Array.isArray(m) ? m : [m])));
  const ack = (await s.timeout(5000).emitWithAck('subscribe', { rooms })) as { joined: string[] };
  expect(ack.joined).toEqual(rooms);
  return events;
}

const outbox = async (type: string) =>
  sql<EventPayloadRow>(sys.rt.orm.em.fork(), `select payload from outbox where type = ? order by id`, [type]);

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  dispatcher = await sys.user('disp', ['dispatcher'], [sys.wh1]);
  driver = await sys.user('drv', ['driver'], [sys.wh1]);
  otherDriver = await sys.user('drv2', ['driver'], [sys.wh1]);
  ({ vehicleIds } = await seedDispatchDay(sys.rt.orm.em.fork(), sys.wh1, { deliveryDate: DAY, stops: 80, seed: 3 }));
  // Two large vans (codes sort EV-S1..4, VAN-L1..3, VAN-M1..5): 80 stops do not fit one shift.
  const vans = vehicleIds.slice(4, 6);
  for (const [u, v] of [
    [driver, vans[0]!],
    [otherDriver, vans[1]!],
  ] as const) {
    const d = await http('POST', `${sys.url}/v1/drivers`, {
      token: dispatcher.token,
      body: { warehouseId: sys.wh1, userId: u.id, name: u.username, vehicleId: v },
    });
    expect(d.status).toBe(201);
  }
  // The notification webhook (an SMS/e-mail provider, say) subscribes to the customer notices.
  rx = await startReceiver([200]);
  const admin = await sys.user('admin', ['admin'], []);
  const sub = await http('POST', `${sys.url}/v1/webhook-subscriptions`, {
    token: admin.token,
    body: { url: `${rx.url}/notices`, eventTypes: ['delivery.*'], warehouseId: sys.wh1 },
  });
  expect(sub.status).toBe(201);
  const created = await http('POST', `${sys.url}/v1/route-plans`, {
    token: dispatcher.token,
    body: { warehouseId: sys.wh1, deliveryDate: DAY, timeLimitS: 2, vehicleIds: vans },
  });
  plan = await until(async () => {
    const p = (await http('GET', `${sys.url}/v1/route-plans/${created.body.id}`, { token: dispatcher.token })).body;
    return p.status === 'solved' ? p : undefined;
  });
  expect(plan.routes.filter((r: any) => r.stops.length > 3)).toHaveLength(2);
  myVehicle = vans[0]!;
  mine = plan.routes.find((r: any) => r.vehicleId === myVehicle);
  for (const r of plan.routes)
    expect((await http('POST', `${sys.url}/v1/routes/${r.id}/dispatch`, { token: dispatcher.token })).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await rx?.close();
  await sys?.close();
});

describe('the live delivery day', () => {
  it('stores a ping and pushes it to the route room and the warehouse room; the first ping starts the route', async () => {
    const routeRoom = await watch(dispatcher.token, [`route:${plan.id}`]);
    const whRoom = await watch(dispatcher.token, [`warehouse:${sys.wh1}`]);
    const first = mine.stops[0];
    const ping = await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, {
      token: driver.token,
      body: { lat: first.lat + 0.02, lng: first.lng, speedMps: 8 },
    });
    expect(ping.status).toBe(201);
    expect(ping.body.routeId).toBe(mine.id);
    // Starting the route told every customer on it their ETA.
    expect(ping.body.notices).toBe(mine.stops.length);
    for (const room of [routeRoom, whRoom]) {
      const e = await until(() => room.find((x) => x.type === 'vehicle.position_reported'));
      expect(e.payload).toMatchObject({ vehicleId: myVehicle, routeId: mine.id, planId: plan.id, lat: first.lat + 0.02, speedMps: 8 });
    }
    const stored = await sql<TextCountRow>(sys.rt.orm.em.fork(), 'select count(*) as n from driver_position where vehicle_id = ?', [
      myVehicle,
    ]);
    expect(Number(stored[0]!.n)).toBe(1);
    const started = await outbox('delivery.customer_notified');
    expect(started.filter((e) => e.payload.kind === 'route_started')).toHaveLength(mine.stops.length);
    expect(started[0]!.payload.trackingUrl).toMatch(/\/console\/#\/track\/[A-Za-z0-9_-]{22}$/);
    expect(started[0]!.payload.etaAt).toEqual(expect.any(String));
    // … and the notification webhook received them through the outbound path.
    const got = await until(() => (rx.received.length >= mine.stops.length ? rx.received : undefined));
    const bodies = got.map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => b.type === 'delivery.customer_notified' && b.data.kind === 'route_started')).toBe(true);
    expect(new Set(bodies.map((b) => b.data.stopId))).toEqual(new Set(mine.stops.map((s: any) => s.id)));
    expect(bodies[0].data.trackingUrl).toContain('/console/#/track/');
  });

  it("takes pings over the driver's own socket: pushed live, stored, answered by ack; the HTTP ping's rules hold", async () => {
    const whRoom = await watch(dispatcher.token, [`warehouse:${sys.wh1}`]);
    const phone = io(sys.url, { auth: { token: driver.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(phone);
    await new Promise<void>((resolve, reject) => {
      phone.once('connect', () => resolve());
      phone.once('connect_error', reject);
    });
    const recordedAt = new Date(Date.now() - 1000).toISOString();
    const send = (m: unknown) => phone.timeout(10_000).emitWithAck('position', m) as Promise<any>;
    const ack = await send({ vehicleId: myVehicle, lat: 52.301, lng: 4.801, speedMps: 5, recordedAt });
    expect(ack).toMatchObject({ ok: true, routeId: mine.id, notices: expect.any(Number) });
    const e = await until(() => whRoom.find((x) => x.type === 'vehicle.position_reported' && (x.payload as any).recordedAt === recordedAt));
    expect(e.payload).toMatchObject({ vehicleId: myVehicle, routeId: mine.id, lat: 52.301, speedMps: 5 });
    const [row] = await sql<Pick<DriverPositionRow, 'id' | 'route_id'>>(
      sys.rt.orm.em.fork(),
      'select id, route_id from driver_position where id = ?',
      [ack.id],
    );
    expect(row!.route_id).toBe(mine.id);
    // Another driver's vehicle is out of reach (404), a bad body names its field (400), a floor role may not ping (403).
    expect(await send({ vehicleId: vehicleIds[5], lat: 52.3, lng: 4.8 })).toMatchObject({ ok: false, status: 404 });
    const bad = await send({ vehicleId: myVehicle, lat: 95, lng: 4.8 });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(bad.errors.map((x: any) => x.path)).toEqual(['lat']);
    const picker = await sys.user('pick-sock', ['picker'], [sys.wh1]);
    const floor = io(sys.url, { auth: { token: picker.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(floor);
    await new Promise<void>((resolve) => floor.once('connect', () => resolve()));
    expect(await floor.timeout(10_000).emitWithAck('position', { vehicleId: myVehicle, lat: 52.3, lng: 4.8 })).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("refuses another driver's vehicle and other warehouses", async () => {
    const body = { lat: 52.37, lng: 4.9 };
    expect((await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, { token: otherDriver.token, body })).status).toBe(404);
    const outsider = await sys.user('disp-wh2', ['dispatcher'], [sys.wh2]);
    expect((await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, { token: outsider.token, body })).status).toBe(404);
    expect((await http('GET', `${sys.url}/v1/dispatch/board?warehouseId=${sys.wh1}`, { token: outsider.token })).status).toBe(404);
    const picker = await sys.user('pick', ['picker'], [sys.wh1]);
    expect((await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, { token: picker.token, body })).status).toBe(403);
    const bad = await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, { token: driver.token, body: { lat: 91, lng: 4.9 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('lat');
    // A day that is not on the calendar is refused by the schema, naming the field (it used to reach PostgreSQL).
    const dispatcher = await sys.user('disp-date', ['dispatcher'], [sys.wh1]);
    const day = await http('GET', `${sys.url}/v1/dispatch/board?warehouseId=${sys.wh1}&deliveryDate=2026-13-45`, {
      token: dispatcher.token,
    });
    expect(day.status).toBe(400);
    expect(day.body.errors.map((e: { path: string }) => e.path)).toEqual(['querystring.deliveryDate']);
  });

  it('tells the next customer "nearby", records arrival and its distance from the stop', async () => {
    const first = mine.stops[0];
    // ~55 m north of the stop.
    const near = { lat: first.lat + 0.0005, lng: first.lng };
    expect((await http('POST', `${sys.url}/v1/vehicles/${myVehicle}/positions`, { token: driver.token, body: near })).status).toBe(201);
    const nearby = (await outbox('delivery.customer_notified')).filter((e) => e.payload.kind === 'nearby');
    expect(nearby.map((e) => e.payload.stopId)).toEqual([first.id]);
    const arrived = await http('POST', `${sys.url}/v1/stops/${first.id}/arrive`, { token: driver.token, body: near });
    expect(arrived.status).toBe(200);
    expect(arrived.body.distanceM).toBeGreaterThan(50);
    expect(arrived.body.distanceM).toBeLessThan(60);
  });

  it('demands the proof the delivery method requires and stores its distance from the stop', async () => {
    const first = mine.stops[0];
    const put = await http('PUT', `${sys.url}/v1/warehouses/${sys.wh1}/pod-policies/standard`, {
      token: dispatcher.token,
      body: { photo: 'optional', signature: 'required', recipientName: 'required', notes: 'off' },
    });
    expect(put.status).toBe(200);
    const missing = await http('POST', `${sys.url}/v1/stops/${first.id}/deliver`, {
      token: driver.token,
      body: { proof: { recipientName: 'J. Jansen', notes: 'left with neighbour' } },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.type).toContain('pod-incomplete');
    expect(missing.body.errors.map((e: any) => e.path).sort()).toEqual(['body.proof.notes', 'body.proof.signature']);
    const sig = 'data:image/png;base64,iVBORw0KGgo=';
    const ok = await http('POST', `${sys.url}/v1/stops/${first.id}/deliver`, {
      token: driver.token,
      body: { proof: { signature: sig, recipientName: 'J. Jansen', lat: first.lat, lng: first.lng + 0.001 } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('delivered');
    // 0.001° of longitude at ~52.4° N ≈ 68 m.
    expect(ok.body.distanceM).toBeGreaterThan(60);
    expect(ok.body.distanceM).toBeLessThan(75);
    const proofs = await http('GET', `${sys.url}/v1/stops/${first.id}/proofs`, { token: dispatcher.token });
    expect(proofs.body.items).toHaveLength(1);
    expect(proofs.body.items[0]).toMatchObject({
      outcome: 'delivered',
      signature: sig,
      recipientName: 'J. Jansen',
      distanceM: ok.body.distanceM,
    });
    expect((await outbox('delivery.customer_notified')).some((e) => e.payload.kind === 'delivered' && e.payload.stopId === first.id)).toBe(
      true,
    );
    expect((await outbox('shipment.delivered')).map((e) => e.payload.shipmentId)).toContain(first.shipmentId);
  });

  it('records a failure with a reason code and expects the parcel back at the warehouse as an inbound ASN', async () => {
    const second = mine.stops[1];
    // The shipment belongs to an order of two SKUs, so receiving learns what comes back.
    const em = sys.rt.orm.em.fork();
    const [sku1, sku2] = await sql<IdRow>(em, `insert into sku (code, name) values ('RET-A', 'Mug'), ('RET-B', 'Plate') returning id`);
    const [order] = await sql<IdRow>(
      em,
      `insert into sales_order (warehouse_id, external_id, source, currency) values (?, 'R-1', 'api', 'EUR') returning id`,
      [sys.wh1],
    );
    await sql(em, `insert into order_line (order_id, line_no, sku_id, qty) values (?, 1, ?, 2), (?, 2, ?, 1)`, [
      order!.id,
      sku1!.id,
      order!.id,
      sku2!.id,
    ]);
    await sql(em, 'update shipment set order_id = ? where id = ?', [order!.id, second.shipmentId]);
    const noReason = await http('POST', `${sys.url}/v1/stops/${second.id}/fail`, { token: driver.token, body: {} });
    expect(noReason.status).toBe(400);
    const failed = await http('POST', `${sys.url}/v1/stops/${second.id}/fail`, { token: driver.token, body: { reasonCode: 'not_home' } });
    expect(failed.status).toBe(200);
    expect(failed.body.returnId).toEqual(expect.any(String));
    const ret = await sql<Pick<ReturnExpectationRow, 'shipment_id' | 'status' | 'reason_code'>>(
      sys.rt.orm.em.fork(),
      'select shipment_id, status, reason_code from return_expectation where id = ?',
      [failed.body.returnId],
    );
    expect(ret).toEqual([{ shipment_id: second.shipmentId, status: 'expected', reason_code: 'not_home' }]);
    expect((await outbox('return.expected'))[0]!.payload).toMatchObject({
      shipmentId: second.shipmentId,
      reasonCode: 'not_home',
      asnId: failed.body.returnAsnId,
    });
    const receiver = await sys.user('rcv', ['receiver'], [sys.wh1]);
    const asn = await http('GET', `${sys.url}/v1/inbound/asns/${failed.body.returnAsnId}`, { token: receiver.token });
    expect(asn.status).toBe(200);
    expect(asn.body).toMatchObject({ status: 'expected', supplier: { name: 'Customer returns' } });
    expect(asn.body.reference).toMatch(/^RET-/);
    expect(asn.body.lines.map((l: any) => [l.sku, l.qtyExpected])).toEqual([
      ['RET-A', 2],
      ['RET-B', 1],
    ]);
    // Back at the warehouse the parcel's goods are received into stock by scan, as any inbound.
    await sql(sys.rt.orm.em.fork(), `insert into location (warehouse_id, code, type) values (?, 'DOCK-RET', 'dock')`, [sys.wh1]);
    const got = await http('POST', `${sys.url}/v1/inbound/asns/${failed.body.returnAsnId}/receive`, {
      token: receiver.token,
      body: { raw: 'RET-A', qty: 2 },
    });
    expect(got.status).toBe(201);
    expect(got.body.received).toEqual([expect.objectContaining({ sku: 'RET-A', qty: 2 })]);
    const notice = (await outbox('delivery.customer_notified')).find((e) => e.payload.kind === 'failed')!;
    // The tracking page answers without sign-in.
    const token = notice.payload.trackingUrl.split('/').at(-1);
    const page = await http('GET', `${sys.url}/v1/track/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ status: 'failed', failureCode: 'not_home' });
    expect((await http('GET', `${sys.url}/v1/track/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
  });

  it('shows the board: positions, statuses, live ETAs of remaining stops, GPS-stale routes', async () => {
    const board = await http('GET', `${sys.url}/v1/dispatch/board?warehouseId=${sys.wh1}&deliveryDate=${DAY}`, { token: dispatcher.token });
    expect(board.status).toBe(200);
    expect(board.body.planId).toBe(plan.id);
    const r = board.body.routes.find((x: any) => x.id === mine.id);
    expect(r.position).toMatchObject({ lat: mine.stops[0].lat + 0.0005 });
    expect(r.gpsStale).toBe(false);
    expect(r.stops.slice(0, 2).map((s: any) => s.status)).toEqual(['delivered', 'failed']);
    expect(r.stops[1].failureCode).toBe('not_home');
    for (const s of r.stops.slice(2)) expect(s.etaS).toBeGreaterThan(board.body.nowS - 1);
    // Live ETAs are increasing along the route.
    const etas = r.stops.slice(2).map((s: any) => s.etaS);
    expect([...etas].sort((a, b) => a - b)).toEqual(etas);
    // Routes that never pinged are stale.
    for (const o of board.body.routes.filter((x: any) => x.id !== mine.id && x.status === 'dispatched')) expect(o.gpsStale).toBe(true);
  });

  it('stores racing pings one row each, in few transactions, and tells the customer "nearby" once; a replayed ping is stored once', async () => {
    const theirs = plan.routes.find((r: any) => r.vehicleId === vehicleIds[5]);
    const first = theirs.stops[0];
    const rooms = await watch(dispatcher.token, [`warehouse:${sys.wh1}`]);
    const t0 = Date.now();
    // 40 pings at once, all within 1 km of the route's first stop; the first one stored also starts the route.
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        http('POST', `${sys.url}/v1/vehicles/${vehicleIds[5]}/positions`, {
          token: otherDriver.token,
          body: { lat: first.lat + 0.001, lng: first.lng, recordedAt: new Date(t0 + i).toISOString() },
        }),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual(Array(40).fill(201));
    expect(new Set(sent.map((r) => r.body.id)).size).toBe(40);
    expect(sent.every((r) => r.body.routeId === theirs.id)).toBe(true);
    const em = sys.rt.orm.em.fork();
    const rows = await sql<PositionTxRow>(
      em,
      'select count(*) as n, count(distinct xmin::text) as txs from driver_position where vehicle_id = ?',
      [vehicleIds[5]],
    );
    expect(Number(rows[0]!.n)).toBe(40);
    // Group commit: fewer transactions than pings (the first is written alone, the rest wait for it together).
    expect(Number(rows[0]!.txs)).toBeLessThan(40);
    const notices = (await outbox('delivery.customer_notified')).filter((e) => e.payload.routeId === theirs.id);
    expect(notices.filter((e) => e.payload.kind === 'route_started')).toHaveLength(theirs.stops.length);
    expect(notices.filter((e) => e.payload.kind === 'nearby').map((e) => e.payload.stopId)).toEqual([first.id]);
    // Each notice is counted on the ping that led to it ("delayed" ones too, depending on the hour the test runs).
    expect(sent.reduce((n, r) => n + r.body.notices, 0)).toBe(notices.length);
    // Every ping reached the dispatcher live.
    await until(
      () =>
        rooms.filter((e) => e.type === 'vehicle.position_reported' && (e.payload as { vehicleId: string }).vehicleId === vehicleIds[5])
          .length === 40,
    );
    // The phone's offline queue replays a ping with its Idempotency-Key: answered again, stored once.
    const body = { lat: first.lat, lng: first.lng, recordedAt: new Date(t0 + 100).toISOString() };
    const headers = { 'idempotency-key': 'ping-replay-1' };
    const a = await http('POST', `${sys.url}/v1/vehicles/${vehicleIds[5]}/positions`, { token: otherDriver.token, body, headers });
    const b = await http('POST', `${sys.url}/v1/vehicles/${vehicleIds[5]}/positions`, { token: otherDriver.token, body, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const applied = await sql<AppliedRow>(em, `select applied_at is not null as applied from idempotency_key where key = 'ping-replay-1'`);
    expect(applied).toEqual([{ applied: true }]);
    const n = await sql<TextCountRow>(em, 'select count(*) as n from driver_position where vehicle_id = ?', [vehicleIds[5]]);
    expect(Number(n[0]!.n)).toBe(41);
  });

  it('forgets a cached ping authorisation as soon as a write takes the vehicle from its driver, whatever the write path', async () => {
    const ping = () =>
      http('POST', `${sys.url}/v1/vehicles/${vehicleIds[5]}/positions`, { token: otherDriver.token, body: { lat: 52.37, lng: 4.9 } });
    expect((await ping()).status).toBe(201); // authorised, and cached in the API process
    const em = sys.rt.orm.em.fork();
    const [d] = await sql<IdRow>(em, 'select id from driver where user_id = ?', [otherDriver.id]);
    // A plain SQL write (no API call to invalidate anything): the triggers' NOTIFY reaches the cache on commit.
    await sql(em, 'update driver set vehicle_id = null where id = ?', [d!.id]);
    await sql(em, 'update route set driver_id = null where vehicle_id = ? and driver_id = ?', [vehicleIds[5], d!.id]);
    // Within the wait (well under the cache's 60 s lifetime), the driver is refused like a stranger.
    await until(async () => ((await ping()).status === 404 ? true : undefined), 20_000);
    await sql(em, 'update driver set vehicle_id = ? where id = ?', [vehicleIds[5], d!.id]);
    await until(async () => ((await ping()).status === 201 ? true : undefined), 20_000);
  });

  it('tells a customer "delayed" once when the live ETA passes their window, and a new ETA once it moved by more than 15 minutes', async () => {
    const theirs = plan.routes.find((r: any) => r.vehicleId === vehicleIds[5]);
    const em = sys.rt.orm.em.fork();
    const open = await sql<Pick<RouteStopRow, 'id' | 'shipment_id'>>(
      em,
      `select id, shipment_id from route_stop where route_id = ? and status = 'dispatched' order by seq`,
      [theirs.id],
    );
    const [late, moved] = [open[1]!, open[2]!];
    const [wh] = await sql<Pick<WarehouseRow, 'timezone'>>(em, 'select timezone from warehouse where id = ?', [sys.wh1]);
    const nowS = secondsOfDay(new Date(), DAY, wh!.timezone);
    // One window closes a minute ago (any live ETA misses it); the other stop is open all day but its customer was told midnight.
    await sql(em, 'update shipment set window_start_s = null, window_end_s = ? where id = ?', [Math.max(0, nowS - 60), late.shipment_id]);
    await sql(em, 'update shipment set window_start_s = null, window_end_s = null where id = ?', [moved.shipment_id]);
    await sql(em, 'update route_stop set delayed_notified_at = null, notified_eta_s = null where id = ?', [late.id]);
    await sql(em, 'update route_stop set delayed_notified_at = null, notified_eta_s = 0 where id = ?', [moved.id]);
    const before = (await outbox('delivery.customer_notified')).length;
    for (const i of [0, 1]) {
      const r = await http('POST', `${sys.url}/v1/vehicles/${vehicleIds[5]}/positions`, {
        token: otherDriver.token,
        body: { lat: 52.3 + i * 0.001, lng: 4.8, recordedAt: new Date(Date.now() + i).toISOString() },
      });
      expect(r.status).toBe(201);
    }
    const notices = (await outbox('delivery.customer_notified')).slice(before);
    const of = (stopId: string) => notices.filter((e) => e.payload.stopId === stopId).map((e) => e.payload.kind);
    expect(of(late.id)).toEqual(['delayed']);
    expect(of(moved.id)).toEqual(['eta']);
    const told = notices.find((e) => e.payload.stopId === moved.id)!.payload;
    expect(Date.parse(told.etaAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(told.trackingUrl).toMatch(/\/console\/#\/track\//);
    // The stop now remembers the ETA it told, so the next ping says nothing new about it.
    const [st] = await sql<Pick<RouteStopRow, 'notified_eta_s'>>(em, 'select notified_eta_s from route_stop where id = ?', [moved.id]);
    expect(Number(st!.notified_eta_s)).toBeGreaterThan(nowS - 60);
  });

  it("places the driver's break still to take in the live ETAs on the board", async () => {
    const theirs = plan.routes.find((r: any) => r.vehicleId === vehicleIds[5]);
    const em = sys.rt.orm.em.fork();
    const stops = await sql<Pick<RouteStopRow, 'id' | 'shipment_id' | 'status'>>(
      em,
      'select id, shipment_id, status from route_stop where route_id = ? order by seq',
      [theirs.id],
    );
    const next = stops.findIndex((s) => s.status === 'dispatched');
    expect(next).toBeGreaterThanOrEqual(0);
    await sql(em, 'update shipment set window_start_s = null where id = ?', [stops[next]!.shipment_id]);
    const [wh] = await sql<Pick<WarehouseRow, 'timezone'>>(em, 'select timezone from warehouse where id = ?', [sys.wh1]);
    const nowS = secondsOfDay(new Date(), DAY, wh!.timezone);
    // Lunch (30 min) must have started by now: taken at the first gap, before the next stop.
    await sql(em, 'update vehicle set breaks = ?::jsonb where id = ?', [
      JSON.stringify([{ id: 'lunch', startS: Math.max(0, nowS - 3600), endS: Math.max(0, nowS - 60), durationS: 1800 }]),
      vehicleIds[5],
    ]);
    const board = async () => {
      const b = await http('GET', `${sys.url}/v1/dispatch/board?warehouseId=${sys.wh1}&deliveryDate=${DAY}`, { token: dispatcher.token });
      expect(b.status).toBe(200);
      const r = b.body.routes.find((x: any) => x.id === theirs.id);
      return r.stops.find((s: any) => s.id === stops[next]!.id).etaS - b.body.nowS;
    };
    await sql(em, `update route set breaks = '[]'::jsonb where id = ?`, [theirs.id]);
    const without = await board();
    await sql(em, 'update route set breaks = ?::jsonb where id = ?', [
      JSON.stringify([{ id: 'lunch', afterStop: next, startS: 0, endS: 0 }]),
      theirs.id,
    ]);
    const withLunch = await board();
    // Measured from the board's own clock, the lunch shifts the next stop by its duration, and nothing else does.
    expect(withLunch - without).toBeGreaterThan(1799);
    expect(withLunch - without).toBeLessThan(1801);
  });
});
