import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDispatchDay } from '../../scripts/seed/dispatch.seed.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { ARTIFACTS, launchBrowser } from './browser-kit.js';

type ToldRow = { stop_id: string };
// A dispatcher applies an at-risk fix on the board: the preview lists the ETA effect on every stop the fix touches,
// Apply commits it, and the board then shows the new order and ETAs with the stop no longer at risk.
const DAY = new Date().toISOString().slice(0, 10);
const SHOTS = join(ARTIFACTS, 'dispatch');
let sys: TestSystem;
let dispatcher: TestUser;
let browser: BrowserContext;
let plan: any;
let vans: string[];

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const board = async () => {
  const r = await http('GET', `${sys.url}/v1/dispatch/board?warehouseId=${sys.wh1}&deliveryDate=${DAY}`, { token: dispatcher.token });
  expect(r.status).toBe(200);
  return r.body;
};
const hhmm = (s: number) => {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

async function signIn(page: Page) {
  await page.goto(`${sys.url}/console/#/dispatch`);
  const name = page.locator('input[name=deviceName]');
  const live = page.getByTestId('connection-state').filter({ hasText: 'Live' });
  // A second page of the same browser may already be signed in.
  await Promise.race([name.waitFor(), page.locator('input[name=username]').waitFor(), live.waitFor()]);
  if (await live.isVisible()) return;
  if (await name.isVisible()) {
    await name.fill('DISPATCH-2');
    await page.click('button[type=submit]');
    await page.locator('input[name=username]').waitFor();
  }
  await page.getByRole('tab', { name: 'Password' }).click();
  await page.fill('input[name=username]', dispatcher.username);
  await page.fill('input[name=password]', 'dispatch-pass');
  await page.click('button[type=submit]');
  await page.getByTestId('connection-state').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sys = await startTestSystem({ workers: true });
  dispatcher = await sys.user('disp.risk', ['dispatcher'], [sys.wh1], { password: 'dispatch-pass' });
  const { vehicleIds } = await seedDispatchDay(sys.rt.orm.em.fork(), sys.wh1, { deliveryDate: DAY, stops: 30, seed: 7 });
  vans = vehicleIds.slice(4, 7);
  const created = await http('POST', `${sys.url}/v1/route-plans`, {
    token: dispatcher.token,
    body: { warehouseId: sys.wh1, deliveryDate: DAY, timeLimitS: 2, vehicleIds: vehicleIds.slice(4, 6) },
  });
  expect(created.status).toBe(202);
  plan = await until(async () => {
    const p = (await http('GET', `${sys.url}/v1/route-plans/${created.body.id}`, { token: dispatcher.token })).body;
    return p.status === 'solved' ? p : undefined;
  });
  for (const r of plan.routes.filter((x: any) => x.stops.length > 0))
    expect((await http('POST', `${sys.url}/v1/routes/${r.id}/dispatch`, { token: dispatcher.token })).status).toBe(200);
  // Windows only where the test puts one: the at-risk stop is then the only one, whatever the clock says.
  const em = sys.rt.orm.em.fork();
  await sql(em, `update shipment set window_start_s = null, window_end_s = null where id = any(?::uuid[])`, [
    `{${plan.routes.flatMap((r: any) => r.stops.map((s: any) => s.shipmentId)).join(',')}}`,
  ]);
  // The drivers leave: every customer is told an ETA (so a fix that moves one a lot tells them again).
  for (const r of plan.routes.filter((x: any) => x.stops.length > 0))
    expect((await http('POST', `${sys.url}/v1/routes/${r.id}/start`, { token: dispatcher.token })).status).toBe(200);
  browser = await launchBrowser({ width: 1280, height: 800 });
  // Offline like CI: anything but the test server is refused (no map tiles, no fonts).
  await browser.route(/^(?!http:\/\/127\.0\.0\.1)/, (r) => r.abort());
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await sys?.close();
});

describe('at-risk fix on the dispatch board', () => {
  it('previews the ETA effect on every stop the fix touches, commits it, and the board shows it', { timeout: 240_000 }, async () => {
    // The last stop of the longest route must be served an hour before its live ETA.
    const b0 = await board();
    const longest = [...b0.routes].sort((x: any, y: any) => y.stops.length - x.stops.length)[0];
    expect(longest.stops.length).toBeGreaterThan(4);
    const late = longest.stops.at(-1);
    const shipment = plan.routes.flatMap((r: any) => r.stops).find((s: any) => s.id === late.id).shipmentId;
    await sql(sys.rt.orm.em.fork(), 'update shipment set window_end_s = ? where id = ?', [Math.round(late.etaS - 3600), shipment]);
    const b1 = await board();
    expect(b1.atRisk.map((a: any) => a.stopId)).toEqual([late.id]);
    const fix = b1.atRisk[0].suggestion;
    expect(fix).not.toBeNull();
    expect(fix.lateAfterS).toBeLessThan(fix.lateBeforeS);

    const page = await browser.newPage();
    await signIn(page);
    // The table filters by search: "late" finds the one stop whose live ETA misses its window.
    const tableRows = page.locator('[data-testid=shipments-table] tbody tr');
    await tableRows.first().waitFor();
    await page.getByLabel('Search shipments').fill('late');
    await until(async () => ((await tableRows.count()) === 1 ? true : undefined));
    expect(await tableRows.first().getAttribute('data-stop')).toBe(late.id);
    await page.getByLabel('Search shipments').fill('');
    await until(async () => ((await tableRows.count()) === 30 ? true : undefined));
    const item = page.locator(`[data-testid=at-risk] li[data-stop="${late.id}"]`);
    await item.waitFor({ timeout: 30_000 });
    await item.locator('button.small').click();
    const preview = page.getByTestId('fix-preview');
    await preview.waitFor();
    // Every stop whose ETA the fix changes has a row with its ETA now and after, on its route.
    const rows = await preview
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => ({ stopId: tr.getAttribute('data-stop')!, routeId: tr.getAttribute('data-route')!, text: tr.textContent ?? '' })),
      );
    const effects = new Map<string, any>(fix.effects.map((e: any) => [e.stopId, e]));
    expect(new Set(rows.map((r) => r.stopId))).toEqual(new Set(effects.keys()));
    expect(rows.map((r) => r.stopId)).toContain(late.id);
    // The late stop was last on its route; the fix puts it ahead of others (on its route or another): each of them is
    // served later, so each has its row.
    const order = fix.orders[fix.toRouteId] as string[];
    const passed = order.slice(order.indexOf(late.id) + 1);
    expect(passed.length).toBeGreaterThan(0);
    for (const id of passed) expect(effects.has(id)).toBe(true);
    for (const r of rows) expect(r.routeId).toBe(effects.get(r.stopId).routeId);
    await page.screenshot({ path: join(SHOTS, 'at-risk-fix-preview-1280x800.png') });

    await preview.getByRole('button', { name: 'Apply fix' }).click();
    // The board re-reads: the stop is no longer at risk, and its ETA in the table is the one previewed (to the minute,
    // give or take the clock moving between preview and commit).
    await item.waitFor({ state: 'detached', timeout: 30_000 });
    const after = await board();
    expect(after.atRisk.map((a: any) => a.stopId)).not.toContain(late.id);
    for (const [routeId, ids] of Object.entries(fix.orders) as [string, string[]][]) {
      const r = after.routes.find((x: any) => x.id === routeId);
      expect(r.stops.filter((s: any) => s.status === 'dispatched').map((s: any) => s.id)).toEqual(ids);
    }
    // The customer whose ETA moved by more than 15 minutes is told the new one; the others (a few minutes) are not.
    const told = await sql<ToldRow>(
      sys.rt.orm.em.fork(),
      `select payload->>'stopId' as stop_id from outbox where type = 'delivery.customer_notified' and payload->>'kind' = 'eta'`,
    );
    expect(told.map((t) => t.stop_id)).toContain(late.id);
    for (const t of told) expect(Math.abs(effects.get(t.stop_id).afterS - effects.get(t.stop_id).beforeS)).toBeGreaterThan(15 * 60 - 60);
    const cell = page.locator(`[data-testid=shipments-table] tr[data-stop="${late.id}"]`);
    const eta = Math.round(effects.get(late.id).afterS);
    await until(async () => {
      const text = (await cell.textContent()) ?? '';
      return [eta - 60, eta, eta + 60].some((s) => text.includes(hhmm(s))) ? true : undefined;
    }, 30_000);
    await page.screenshot({ path: join(SHOTS, 'at-risk-fix-applied-1280x800.png') });
    await page.close();
  });
});

describe('moving a stop by hand on the dispatch board', () => {
  it(
    'shows the feasibility and cost check before committing, then the board shows the stop on its new route',
    { timeout: 240_000 },
    async () => {
      // Tomorrow's plan, not dispatched yet (a planned stop can be moved), windows open all day.
      const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const { shipmentIds } = await seedDispatchDay(sys.rt.orm.em.fork(), sys.wh1, { deliveryDate: next, stops: 100, seed: 9 });
      await sql(sys.rt.orm.em.fork(), 'update shipment set window_start_s = null, window_end_s = null where id = any(?::uuid[])', [
        `{${shipmentIds.join(',')}}`,
      ]);
      const created = await http('POST', `${sys.url}/v1/route-plans`, {
        token: dispatcher.token,
        body: { warehouseId: sys.wh1, deliveryDate: next, timeLimitS: 2, vehicleIds: vans },
      });
      const getPlan = async () => (await http('GET', `${sys.url}/v1/route-plans/${created.body.id}`, { token: dispatcher.token })).body;
      const solved = await until(async () => {
        const p = await getPlan();
        return p.status === 'solved' ? p : undefined;
      });
      const used = solved.routes.filter((r: any) => r.stops.length > 0);
      expect(used.length).toBeGreaterThan(1);
      // A move the engine accepts (found through the API's dry run), then made through the screen.
      let pick: { stop: any; to: any } | undefined;
      for (const from of used)
        for (const stop of from.stops.slice(0, 5))
          for (const to of solved.routes.filter((r: any) => r.id !== from.id)) {
            if (pick) break;
            const dry = await http('POST', `${sys.url}/v1/route-plans/${solved.id}/move-stop`, {
              token: dispatcher.token,
              body: { stopId: stop.id, toRouteId: to.id, position: 1, dryRun: true },
            });
            if (dry.status === 200) pick = { stop, to };
          }
      expect(pick).toBeDefined();

      const page = await browser.newPage();
      // Today's board read is held until tomorrow's is on screen: a dispatcher who changes the day before a slow read
      // answers must not get the old day's stops drawn back under the cursor when it does.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const todays = (u: URL) => u.pathname.endsWith('/v1/dispatch/board') && u.searchParams.get('deliveryDate') === DAY;
      await page.route(todays, async (r) => {
        await held;
        await r.continue();
      });
      await signIn(page);
      const rows = page.locator('[data-testid=shipments-table] tbody tr');
      await page.fill('input[aria-label="Delivery date"]', next);
      await until(async () => ((await rows.count()) === 100 ? true : undefined));
      const late = page.waitForResponse((r) => todays(new URL(r.url())));
      release();
      await late;
      // The late answer has been handled once a frame and a macrotask have passed.
      await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => setTimeout(r, 300))));
      expect(await rows.count()).toBe(100);
      expect(await page.locator('[data-testid=shipments-table] tr[data-stop]').count()).toBe(100);
      await page.unroute(todays);
      const row = page.locator(`[data-testid=shipments-table] tr[data-stop="${pick!.stop.id}"]`);
      const panel = page.getByTestId('stop-panel');
      // The board re-reads on live events (the plan just solved) and rows can be re-drawn under the click: click again
      // until the stop's panel opens, each click with Playwright's own visible-and-stable checks.
      await until(async () => {
        await row.click({ timeout: 2_000 }).catch(() => undefined);
        return (await panel.isVisible()) ? true : undefined;
      });
      await panel.getByLabel('Target route').selectOption(pick!.to.id);
      await panel.getByLabel('Position').fill('1');
      await panel.getByRole('button', { name: 'Check' }).click();
      const check = page.getByTestId('move-preview');
      await check.waitFor({ timeout: 30_000 });
      expect(await check.textContent()).toMatch(/^Feasible\. Cost [+-]?\d+\.\d\d;/);
      expect(await check.textContent()).toContain(`${pick!.to.vehicleCode} ends`);
      // Nothing moved yet.
      expect((await getPlan()).routes.find((r: any) => r.id === pick!.to.id).stops[0].id).not.toBe(pick!.stop.id);
      await page.screenshot({ path: join(SHOTS, 'move-stop-check-1280x800.png') });
      await check.getByRole('button', { name: 'Commit move' }).click();
      await until(async () =>
        (await getPlan()).routes.find((r: any) => r.id === pick!.to.id).stops[0].id === pick!.stop.id ? true : undefined,
      );
      await row
        .locator('td')
        .filter({ hasText: `${pick!.to.vehicleCode} #1` })
        .waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SHOTS, 'move-stop-committed-1280x800.png') });
      await page.close();
    },
  );
});
