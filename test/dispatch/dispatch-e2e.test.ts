import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../scripts/lib/browser.js';
import { seedDispatchDay } from '../../scripts/seed/dispatch.seed.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import type { RouteStopRow } from '../../domain/dispatch/entities/route-stop.entity.js';

type ArrivedAtRow = Pick<RouteStopRow, 'arrived_at'>;
// The board, the driver app and the re-plan, driven through Debian chromium with no network and no map tiles.
const DAY = new Date().toISOString().slice(0, 10);
const ARTIFACTS = join(process.cwd(), 'artifacts');
let sys: TestSystem;
let dispatcher: TestUser;
let driver: TestUser;
let myVan: string;
const drivers = new Map<string, TestUser>();
let browser: BrowserContext;
let vans: string[];
let plan: any;

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const getPlan = async () => (await http('GET', `${sys.url}/v1/route-plans/${plan.id}`, { token: dispatcher.token })).body;

async function signIn(page: Page, user: string, password: string, hash: string) {
  await page.goto(`${sys.url}/console/${hash}`);
  // First visit of a fresh profile: the shell registers the device once.
  const name = page.locator('input[name=deviceName]');
  await Promise.race([name.waitFor(), page.locator('input[name=username]').waitFor()]);
  if (await name.isVisible()) {
    await name.fill('DISPATCH-1');
    await page.click('button[type=submit]');
    await page.locator('input[name=username]').waitFor();
  }
  await page.getByRole('tab', { name: 'Password' }).click();
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('connection-state').filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sys = await startTestSystem({ workers: true });
  dispatcher = await sys.user('disp.e2e', ['dispatcher'], [sys.wh1], { password: 'dispatch-pass' });
  const { vehicleIds } = await seedDispatchDay(sys.rt.orm.em.fork(), sys.wh1, { deliveryDate: DAY, stops: 90, seed: 11 });
  vans = vehicleIds.slice(4, 7); // VAN-L1..3 (codes sort EV-S*, VAN-L*, VAN-M*)
  // One driver per van: the solver decides which vans it uses, the test then drives the busiest.
  for (const [i, v] of vans.entries()) {
    const u = await sys.user(`drv.e2e.${i}`, ['driver'], [sys.wh1], { password: 'driver-pass' });
    drivers.set(v, u);
    const d = await http('POST', `${sys.url}/v1/drivers`, {
      token: dispatcher.token,
      body: { warehouseId: sys.wh1, userId: u.id, name: `Driver ${i + 1}`, vehicleId: v },
    });
    expect(d.status).toBe(201);
  }
  const created = await http('POST', `${sys.url}/v1/route-plans`, {
    token: dispatcher.token,
    body: { warehouseId: sys.wh1, deliveryDate: DAY, timeLimitS: 3, vehicleIds: vans },
  });
  plan = { id: created.body.id };
  plan = await until(async () => ((await getPlan()).status === 'solved' ? getPlan() : undefined));
  for (const r of plan.routes)
    expect((await http('POST', `${sys.url}/v1/routes/${r.id}/dispatch`, { token: dispatcher.token })).status).toBe(200);
  plan = await getPlan();
  myVan = [...plan.routes].sort((x: any, y: any) => y.stops.length - x.stops.length)[0].vehicleId;
  driver = drivers.get(myVan)!;
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dockside-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  // Offline like CI: anything but the test server is refused (no map tiles, no fonts).
  await browser.route(/^(?!http:\/\/127\.0\.0\.1)/, (r) => r.abort());
  await browser.grantPermissions(['geolocation'], { origin: sys.url });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await sys?.close();
});

describe('dispatch board and driver app', () => {
  let board: Page;
  const mine = () => plan.routes.find((r: any) => r.vehicleId === myVan);
  const vehicleAt = async (lat: number) => board.locator(`.vehicle-${myVan}[data-lat="${lat}"]`).waitFor({ timeout: 20_000 });

  it('a dispatcher watches a simulated driver move and a stop turn delivered, live', { timeout: 180_000 }, async () => {
    board = await browser.newPage();
    await board.setViewportSize({ width: 1280, height: 800 });
    await signIn(board, 'disp.e2e', 'dispatch-pass', '#/dispatch');
    await board.locator('[data-testid=shipments-table] tbody tr').first().waitFor();
    expect(await board.locator('[data-testid=shipments-table] tbody tr').count()).toBe(90);
    // Every stop is drawn on the map although no tile ever loaded.
    expect(await board.locator('path.stop-marker').count()).toBe(90);
    expect(await board.getByTestId('dispatch-map').getAttribute('data-tiles')).toBe('off');

    // A simulated driver: pings through the API, 100 m apart.
    const first = mine().stops[0];
    const a = Number((first.lat + 0.01).toFixed(6));
    const b = Number((first.lat + 0.009).toFixed(6));
    for (const lat of [a, b]) {
      expect(
        (await http('POST', `${sys.url}/v1/vehicles/${myVan}/positions`, { token: driver.token, body: { lat, lng: first.lng } })).status,
      ).toBe(201);
      await vehicleAt(lat);
    }
    await board.getByTestId('dispatch-map').screenshot({ path: join(ARTIFACTS, 'dispatch-map-no-tiles.png') });

    // The real driver app on a phone, with the phone's position.
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 360, height: 640 });
    await browser.setGeolocation({ latitude: first.lat + 0.0004, longitude: first.lng });
    await signIn(phone, driver.username, 'driver-pass', '#/driver');
    await phone.evaluate("localStorage.setItem('dockside.driver.pingS', '1')");
    await phone.getByTestId('current-stop').waitFor();
    expect(await phone.getByTestId('current-stop').getAttribute('data-stop')).toBe(first.id);
    // The stop comes with a navigation link to its position.
    expect(await phone.getByRole('link', { name: /Navigate/ }).getAttribute('href')).toBe(
      `https://www.google.com/maps/dir/?api=1&destination=${first.lat},${first.lng}`,
    );
    await phone.getByTestId('duty').click();
    // The phone's own fix reaches the board (compared to 1e-5° ≈ 1 m, in case the browser rounds it).
    await until(async () => {
      const lat = Number(await board.locator(`.vehicle-${myVan}`).getAttribute('data-lat'));
      return Math.abs(lat - (first.lat + 0.0004)) < 1e-5;
    }, 20_000);
    await phone.screenshot({ path: join(ARTIFACTS, 'driver-app-360x640.png') });
    await phone.getByRole('button', { name: 'Arrived' }).click();
    await phone.getByRole('button', { name: 'Delivered' }).click();
    await phone.getByTestId('deliver-sheet').waitFor();
    await phone.fill('input[name=recipientName]', 'J. Jansen');
    const pad = await phone.getByTestId('signature-pad').boundingBox();
    await phone.mouse.move(pad!.x + 20, pad!.y + 60);
    await phone.mouse.down();
    await phone.mouse.move(pad!.x + 120, pad!.y + 30, { steps: 8 });
    await phone.mouse.move(pad!.x + 220, pad!.y + 80, { steps: 8 });
    await phone.mouse.up();
    await phone.screenshot({ path: join(ARTIFACTS, 'driver-app-proof-360x640.png') });
    await phone.getByRole('button', { name: 'Confirm delivered' }).click();
    await phone.locator(`[data-testid=current-stop][data-stop="${mine().stops[1].id}"]`).waitFor();

    // The board turns the stop delivered without a reload: table row and map marker.
    await board
      .locator(`tr[data-stop="${first.id}"] [data-testid=row-status]`)
      .filter({ hasText: 'delivered' })
      .waitFor({ timeout: 20_000 });
    await board.locator(`path.stop-${first.id}.status-delivered`).waitFor({ timeout: 20_000 });
    // Clicking it shows the proof with its distance from the stop.
    await board.locator(`tr[data-stop="${first.id}"]`).click();
    await board.getByTestId('proof').waitFor();
    expect(await board.getByTestId('proof').textContent()).toContain('J. Jansen');
    expect(await board.getByTestId('proof').textContent()).toMatch(/4\d m from the stop/);
    await board.screenshot({ path: join(ARTIFACTS, 'dispatch-board-1280x800.png') });

    // In a dead spot the phone keeps working: the arrival at the next stop (and the pings) wait in the offline queue
    // and reach the server once the signal is back, as on the handheld.
    const second = mine().stops[1];
    const arrivedAt = async () =>
      (await sql<ArrivedAtRow>(sys.rt.orm.em.fork(), 'select arrived_at from route_stop where id = ?', [second.id]))[0]!.arrived_at;
    await browser.setOffline(true);
    await phone.getByTestId('connection-state').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 });
    await phone.getByRole('button', { name: 'Arrived' }).click();
    await phone.getByTestId('driver-app').getByTestId('queued').waitFor();
    await phone.screenshot({ path: join(ARTIFACTS, 'driver-app-offline-360x640.png') });
    expect(await arrivedAt()).toBeNull();
    await browser.setOffline(false);
    await phone.getByTestId('driver-app').getByTestId('queued').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await arrivedAt()).not.toBeNull();
    await phone.close();
  });

  it('re-plans after a failed vehicle: its open stops move to other routes, locked stops stay', { timeout: 180_000 }, async () => {
    const before = await getPlan();
    const brokenRoute = before.routes
      .filter((r: any) => r.vehicleId !== myVan)
      .sort((x: any, y: any) => y.stops.length - x.stops.length)[0];
    expect(brokenRoute.stops.length).toBeGreaterThan(2);
    // One stop of the failing van is already delivered: it stays as history.
    expect((await http('POST', `${sys.url}/v1/stops/${brokenRoute.stops[0].id}/delivered`, { token: dispatcher.token })).status).toBe(200);
    const li = board.locator(`[data-testid=routes-panel] li[data-route="${brokenRoute.id}"]`);
    await li.getByRole('button', { name: /Broke down/ }).click();
    await li.locator('.pill.st-broken_down').waitFor({ timeout: 60_000 });
    const after = await until(async () => {
      const p = await getPlan();
      return p.status === 'solved' && p.version === 2 ? p : undefined;
    });
    const b = after.routes.find((r: any) => r.id === brokenRoute.id);
    expect(b.status).toBe('broken_down');
    expect(b.stops.map((s: any) => s.id)).toEqual([brokenRoute.stops[0].id]);
    const others = after.routes.filter((r: any) => r.id !== brokenRoute.id);
    const moved = brokenRoute.stops.slice(1).map((s: any) => s.shipmentId);
    const placed = new Set(others.flatMap((r: any) => r.stops.map((s: any) => s.shipmentId)));
    for (const id of moved) expect(placed.has(id) || after.unassignedShipmentIds.includes(id)).toBe(true);
    expect(moved.filter((id: string) => placed.has(id)).length).toBeGreaterThan(0);
    // Locked (dispatched/done) stops of the working vans stay first and in order.
    for (const old of before.routes.filter((r: any) => r.id !== brokenRoute.id)) {
      const now = after.routes.find((r: any) => r.id === old.id);
      expect(now.stops.slice(0, old.stops.length).map((s: any) => s.id)).toEqual(old.stops.map((s: any) => s.id));
    }
    // The board shows the moved stops on their new routes (planned until dispatched again).
    await board
      .locator('[data-testid=shipments-table] td')
      .filter({ hasText: 'vehicle broke down' })
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 })
      .catch(() => undefined);
    await board.screenshot({ path: join(ARTIFACTS, 'dispatch-board-after-replan.png') });
  });

  it('shows the day on the metrics dashboard, computed from the event history', { timeout: 60_000 }, async () => {
    await board.goto(`${sys.url}/console/#/dispatch/metrics`);
    await board.getByTestId('metrics-dashboard').waitFor();
    // Two deliveries today (the phone's and the dispatcher's), both first attempts.
    await board.getByTestId('kpi-Deliveries').filter({ hasText: '2 / 2' }).waitFor({ timeout: 20_000 });
    expect(await board.getByTestId('kpi-First-attempt success').textContent()).toBe('100.0 %');
    // uPlot draws its canvases after the figures arrive: wait for the fourth before counting.
    await board.locator('[data-testid=chart] canvas').nth(3).waitFor({ timeout: 20_000 });
    expect(await board.locator('[data-testid=chart] canvas').count()).toBe(4);
    expect(await board.getByTestId('scorecards').textContent()).toContain('own-fleet');
    await board.screenshot({ path: join(ARTIFACTS, 'metrics-dashboard-1280x800.png') });
  });

  it(
    'plans the next day from the own-fleet shipments shipping handed over, swaps drivers between routes and dispatches them',
    { timeout: 180_000 },
    async () => {
      const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await seedDispatchDay(sys.rt.orm.em.fork(), sys.wh1, { deliveryDate: next, stops: 80, seed: 5 });
      const page = board;
      await page.goto(`${sys.url}/console/#/dispatch/plan`);
      await page.getByTestId('plan-day').waitFor();
      await page.fill('input[aria-label="Delivery date"]', next);
      await page.getByTestId('waiting-count').filter({ hasText: '80 own-fleet shipments' }).waitFor({ timeout: 20_000 });
      // The three vans with a driver are ticked; the solver plans with them.
      expect(await page.locator('.vehicle-pick input:checked').count()).toBe(3);
      await page.getByRole('button', { name: 'Plan routes' }).click();
      await page.locator('table.plan-routes select').nth(1).waitFor({ timeout: 90_000 });
      const listed = await http('GET', `${sys.url}/v1/route-plans?warehouseId=${sys.wh1}&deliveryDate=${next}`, {
        token: dispatcher.token,
      });
      const planId = listed.body.items[0].id;
      const routesOf = async () =>
        ((await http('GET', `${sys.url}/v1/route-plans/${planId}`, { token: dispatcher.token })).body.routes as any[]).filter(
          (r) => r.stops.length > 0,
        );
      const [a, b] = await routesOf();
      // Each route starts with its van's driver; swap the drivers of the first two through the screen.
      const pick = (r: any) => page.locator(`tr[data-route="${r.id}"] select`);
      await pick(a).selectOption('');
      await until(async () => ((await routesOf()).find((r) => r.id === a.id).driverId === null ? true : undefined));
      await pick(b).selectOption(a.driverId);
      await until(async () => ((await routesOf()).find((r) => r.id === b.id).driverId === a.driverId ? true : undefined));
      // A driver drives one route of a plan: giving route A to B's new driver is refused and said so.
      await pick(a).selectOption(a.driverId);
      await page.getByRole('alert').filter({ hasText: 'already has route' }).waitFor({ timeout: 20_000 });
      await pick(a).selectOption(b.driverId);
      await until(async () => ((await routesOf()).find((r) => r.id === a.id).driverId === b.driverId ? true : undefined));
      await page.screenshot({ path: join(ARTIFACTS, 'dispatch-plan-day-1280x800.png') });
      const withDriver = (await routesOf()).filter((r) => r.driverId).length;
      await page.getByRole('button', { name: new RegExp(`Dispatch ${withDriver} routes? with a driver`) }).click();
      await until(async () => ((await routesOf()).every((r) => r.status === 'dispatched') ? true : undefined));
      await page
        .locator('table.plan-routes .pill.st-dispatched')
        .nth(withDriver - 1)
        .waitFor();
    },
  );
});
