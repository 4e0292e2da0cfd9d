/**
 * Database round trips of the two calls a handheld makes hundreds of times a shift: claim the next task and
 * scan-confirm a pick line (issue 19: at most 4 each, BEGIN and COMMIT included; today claim 1, confirm 2). Every query any pg client
 * sends is counted against the request that caused it (AsyncLocalStorage through `app.inject`), so nothing
 * done by another request or a background loop is counted, and nothing of this request is missed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { planWave } from '../../domain/picking/wave-planning.js';
import { systemClock } from '../../domain/shared/clock.js';
import { pgPrepared, preparedStatementName, sql, sqlOne } from '../../domain/shared/sql.js';
import { createOrm, keepPoolWarm, withTx } from '../../platform/db.js';
import { taskView } from '../../domain/tasks/task.schemas.js';
import { floorWarmUpStatements, warmFloorChecks, warmFloorStatements, WARM_UP_ROUNDS } from '../../domain/picking/floor-warm-up.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor, itemScanFor, type FloorFixture } from './fixture.js';
import { bulkUsers, type BulkUser } from './support.js';

import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';
import type { CountRow } from '../../domain/shared/rows.js';
import type { WarehouseNoteRow } from '../../domain/layout/entities/warehouse-note.entity.js';
const counting = new AsyncLocalStorage<string[]>();
/** Every prepared statement's text (with $n placeholders) any counted request sent. */
const preparedTexts = new Set<string>();
const logs = new Map<string, string[]>();
type QueryFn = (this: unknown, ...args: unknown[]) => unknown;
const patched: { proto: { query: QueryFn }; original: QueryFn }[] = [];

/** Counts every query of every copy of `pg` the process may load (MikroORM's driver carries its own). */
function countQueries(): void {
  const req = createRequire(import.meta.url);
  const paths = new Set<string>();
  for (const from of [import.meta.url, req.resolve('@mikro-orm/postgresql')]) {
    try {
      paths.add(createRequire(from).resolve('pg'));
    } catch {
      /* not installed there */
    }
  }
  for (const p of paths) {
    const proto = (req(p) as { Client: { prototype: { query: QueryFn } } }).Client.prototype;
    if (patched.some((x) => x.proto === proto)) continue;
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      const log = counting.getStore();
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
      if (log) log.push(text.replace(/\s+/g, ' ').trim().slice(0, 80));
      if (log && typeof args[0] === 'object' && (args[0] as { name?: string }).name) preparedTexts.add(text);
      return original.apply(this, args);
    };
    patched.push({ proto, original });
  }
}

let sys: TestSystem;
let app: FastifyInstance;
let fx: FloorFixture;
let picker: BulkUser;

beforeAll(async () => {
  sys = await startTestSystem();
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 24, skus: 20, seed: 3 }));
  await withTx(sys.rt.orm.em, (tx) =>
    planWave(tx, null, sys.wh1, { pickMode: 'batch', cartSlots: 4, maxOrders: 100, release: true }, systemClock),
  );
  [picker] = await bulkUsers(sys, 'rtpick', 1, ['picker']);
  app = await buildApp(sys.rt);
  // The request's own log is entered once the body is parsed (before route hooks and handler): light-my-request's
  // body stream does not carry the caller's async context through, so the store is set from a header here.
  app.addHook('preHandler', (req, _reply, done) => {
    const log = logs.get(String(req.headers['x-count-id']));
    if (log) counting.run(log, () => done());
    else done();
  });
  await app.ready();
  countQueries();
}, 120_000);
afterAll(async () => {
  for (const p of patched) p.proto.query = p.original;
  await app?.close();
  await sys?.close();
});

async function counted(
  method: 'POST' | 'GET',
  url: string,
  body?: unknown,
  token = picker!.token,
): Promise<{ status: number; body: any; queries: string[] }> {
  const log: string[] = [];
  const id = String(logs.size + 1);
  logs.set(id, log);
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'x-count-id': id },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, queries: log };
}

describe('handheld hot path round trips', () => {
  it('claim and every scan-confirm of a batch pick task take at most 4 round trips, the task finishing included', async () => {
    const claim = await counted('POST', '/v1/tasks/claim', { warehouseId: sys.wh1, types: ['pick'], deviceId: 'HH-RT' });

    expect(claim.status).toBe(200);
    // Answered by JSON.stringify alone (api/plain-json.ts): still exactly what the schema describes.
    expect(claim.body).toEqual(taskView.parse(claim.body));
    // One statement that commits on its own: no BEGIN, no COMMIT.
    expect(claim.queries.length, claim.queries.join('\n')).toBe(1);
    const again = await counted('POST', '/v1/tasks/claim', { warehouseId: sys.wh1, types: ['pick'], deviceId: 'HH-RT' });
    expect(again.body.id).toBe(claim.body.id);
    expect(again.queries.length, again.queries.join('\n')).toBe(1);

    const skus = new Map(fx.skus.map((s) => [s.id, s]));
    let task = claim.body;
    const perConfirm: number[] = [];
    let n = 0;
    while (task.status !== 'done') {
      const line = task.lines.find((l: { status: string }) => l.status === 'open');
      const body = {
        locationScan: line.locationCode,
        itemScan: itemScanFor(skus.get(line.skuId)!, line.lot),
        qty: line.qty - line.qtyPicked,
        toteScan: `RT-${line.orderId.slice(0, 8)}`,
      };
      const r = await counted('POST', `/v1/tasks/${task.id}/lines/${line.id}/confirm`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual(taskView.parse(r.body));
      // The read, then one write statement that commits on its own: no BEGIN, no COMMIT.
      expect(r.queries.length, r.queries.join('\n')).toBe(2);
      expect(
        r.queries.some((q) => /^(begin|commit|start transaction)\b/i.test(q)),
        r.queries.join('\n'),
      ).toBe(false);
      perConfirm.push(r.queries.length);

      if (n++ === 0) {
        // A handheld retrying after a lost answer: answered again from the read alone, not repeated.
        const retry = await counted('POST', `/v1/tasks/${task.id}/lines/${line.id}/confirm`, body);
        expect(retry.status).toBe(200);
        expect(retry.queries.length, retry.queries.join('\n')).toBe(1);
        expect(retry.body.qtyDone).toBe(r.body.qtyDone);
      }
      task = r.body;
    }
    expect(perConfirm.length).toBeGreaterThan(1);
    // The task's orders are picked, their totes at pack, and the ledger agrees with what was confirmed.
    const orders = [...new Set(task.lines.map((l: { orderId: string }) => l.orderId))] as string[];
    const st = await sql<Pick<SalesOrderRow, 'status'>>(sys.rt.orm.em.fork(), 'select status from sales_order where id = any(?::uuid[])', [
      `{${orders.join(',')}}`,
    ]);
    expect(st.every((s) => s.status === 'picked')).toBe(true);
    const onCarts = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select coalesce(sum(b.on_hand), 0)::int as n from stock_balance b join location l on l.id = b.location_id where l.code = 'CARTS' and l.warehouse_id = ?`,
      [sys.wh1],
    );
    expect(onCarts!.n).toBe(task.qtyDone);

    // The API warms these on every pooled connection before it serves (api/server.ts): the warm-up must send the very
    // texts the handheld's calls send, else a connection's first claim or scan still pays for parsing and planning.
    const warmed = new Set(
      floorWarmUpStatements().map((w) => {
        let n = 0;
        return w.text.replace(/\?/g, () => `$${++n}`);
      }),
    );
    expect(preparedTexts.size).toBeGreaterThanOrEqual(4);
    const cold = [...preparedTexts].filter((t) => !warmed.has(t));
    expect(cold.map((t) => t.replace(/\s+/g, ' ').slice(0, 120))).toEqual([]);
  });

  it('a warehouse note and its live event are written in one statement that commits on its own', async () => {
    const [sup] = await bulkUsers(sys, 'rtsup', 1, ['supervisor']);
    const outbox = (noteText: string) =>
      sqlOne<CountRow>(
        sys.rt.orm.em.fork(),
        `select count(*)::int as n from outbox where type = 'warehouse.note.posted' and warehouse_id = ? and payload->>'text' = ?`,
        [sys.wh1, noteText],
      );
    const r = await counted('POST', `/v1/warehouses/${sys.wh1}/notes`, { text: 'dock 3 closed' }, sup!.token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.queries.length, r.queries.join('\n')).toBe(1);
    expect((await outbox('dock 3 closed'))!.n).toBe(1);
    const note = await sqlOne<Pick<WarehouseNoteRow, 'text' | 'created_by'>>(
      sys.rt.orm.em.fork(),
      'select text, created_by from warehouse_note where id = ?',
      [r.body.id],
    );
    expect(note).toEqual({ text: 'dock 3 closed', created_by: sup!.id });
    // Outside the actor's warehouses: refused before any query. A warehouse that does not exist: nothing written.
    const other = await counted('POST', `/v1/warehouses/${sys.wh2}/notes`, { text: 'elsewhere' }, sup!.token);
    expect(other.status).toBe(404);
    expect(other.queries).toEqual([]);
    const [admin] = await bulkUsers(sys, 'rtadm', 1, ['admin']);
    const missing = await counted('POST', '/v1/warehouses/00000000-0000-4000-8000-000000000000/notes', { text: 'nowhere' }, admin!.token);
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    expect((await outbox('nowhere'))!.n).toBe(0);
  });

  it('the pool warm-up sends every hot statement on each connection, and writes nothing', async () => {
    const outbox = async () => (await sqlOne<CountRow>(sys.rt.orm.em.fork(), 'select count(*)::int as n from outbox'))!.n;
    const before = await outbox();
    const sent: number[] = [];
    const warmed = await keepPoolWarm(sys.rt.orm, 3, async (tx) => sent.push(await warmFloorStatements(tx)));
    expect(warmed).toBe(3);
    expect(sent).toEqual([3, 3, 3].map(() => floorWarmUpStatements().length));
    expect(await outbox()).toBe(before);
  });

  it('a warmed connection has the generic plan of every hot statement, so its next executions plan nothing', async () => {
    type PlanCounts = { name: string; generic_plans: string; custom_plans: string };
    const names = floorWarmUpStatements().map((s) => preparedStatementName(s.text));
    const plans: Map<string, PlanCounts>[] = [];
    // A pool of its own: new connections, as the API's at start-up.
    const orm = await createOrm({ ...sys.rt.config, DATABASE_POOL_MAX: 2 });
    await keepPoolWarm(orm, 2, async (tx) => {
      await warmFloorStatements(tx);
      const read = async () =>
        new Map(
          (
            await pgPrepared<PlanCounts>(
              tx,
              'select name, generic_plans::text, custom_plans::text from pg_prepared_statements where name = any(?::text[])',
              [`{${names.join(',')}}`],
            )
          ).map((r) => [r.name, r]),
        );
      const warmed = await read();
      // Once more each, as the first requests after the warm-up do (parameters that match nothing, as the warm-up's).
      const [user] = await pgPrepared<{ id: string }>(
        tx,
        `insert into app_user (username, display_name, password_hash, roles) values ('plan-' || gen_random_uuid(), 'plan', '-', '{picker}') returning id`,
        [],
      );
      for (const s of floorWarmUpStatements(user!.id)) await pgPrepared(tx, s.text, s.params);
      plans.push(warmed, await read());
    }).finally(() => orm.close(true));
    expect(plans).toHaveLength(4);
    for (let c = 0; c < 2; c++) {
      const [warmed, after] = [plans[2 * c]!, plans[2 * c + 1]!];
      for (const name of names) {
        // PostgreSQL's five custom plans are spent in the warm-up, and the generic plan is built there (the claim, the
        // read and one of the writes run once more in the warm-up's real claim and confirm) ...
        const generic = Number(warmed.get(name)?.generic_plans);
        expect(Number(warmed.get(name)?.custom_plans), name).toBe(5);
        expect(generic, name).toBeGreaterThanOrEqual(WARM_UP_ROUNDS - 5);
        // ... and the next execution uses it: no planning.
        expect(Number(after.get(name)?.custom_plans), name).toBe(5);
        expect(Number(after.get(name)?.generic_plans), name).toBe(generic + 1);
      }
    }
  });
  it('a warmed connection has prepared the foreign-key checks a claim and a scan-confirm make: a real one prepares none', async () => {
    // A backend prepares each foreign-key check's query when a row it writes first needs it, and keeps it (its
    // memory context names the query). The first claim and confirm on a connection the warm-up left without them
    // prepared about a dozen (issue 19).
    const checks = async (tx: Parameters<typeof warmFloorStatements>[0]) =>
      (
        await pgPrepared<{ ident: string }>(
          tx,
          `select ident from pg_backend_memory_contexts where name = 'CachedPlanSource' and ident like 'SELECT 1 FROM ONLY %'`,
          [],
        )
      )
        .map((r) => r.ident.replace(/^SELECT 1 FROM ONLY "public"\."([a-z_]+)".*$/s, '$1'))
        .sort();
    const seen: string[][] = [];
    const orm = await createOrm({ ...sys.rt.config, DATABASE_POOL_MAX: 1 });
    await keepPoolWarm(orm, 1, async (tx) => {
      await warmFloorStatements(tx);
      seen.push(await checks(tx));
      // Another real claim and confirm on the same connection (a throwaway warehouse of its own, as the warm-up's).
      const [user] = await pgPrepared<{ id: string }>(
        tx,
        `insert into app_user (username, display_name, password_hash, roles) values ('fk-' || gen_random_uuid(), 'fk', '-', '{picker}') returning id`,
        [],
      );
      await warmFloorChecks(tx, user!.id);
      seen.push(await checks(tx));
    }).finally(() => orm.close(true));
    const [warmed, after] = seen;
    // The checks of the movement (warehouse, SKU, balances, locations), the new balance and LPN in CARTS, the tote
    // (task, LPN), the claim's assignee and profile (app_user) and every outbox row (warehouse).
    for (const table of ['warehouse', 'sku', 'stock_balance', 'location', 'license_plate', 'task', 'app_user'])
      expect(warmed, table).toContain(table);
    expect(after).toEqual(warmed);
  });
});
