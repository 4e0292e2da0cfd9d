/**
 * Model-based concurrency test (issue 16): fast-check generates histories of concurrent batches against the real
 * API and real Postgres (reservations, stock moves, releases, task claims), and `fc.scheduledModelRun` decides
 * the order in which the requests of each batch are fired, so each run explores another interleaving. After every
 * batch the database must agree with a model built only from the answers the clients got, and every refusal must
 * be justified by the model. A failure shrinks to the shortest history and firing order that breaks it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import type { IdRow } from '../../domain/shared/rows.js';
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
}, 120_000);
afterAll(() => sys?.close());

const ON_HAND = { A: 30, B: 10 } as const;
const TASKS = 3;
type Loc = keyof typeof ON_HAND;

interface Model {
  /** Answers delivered so far (in the order the scheduler delivered them). */
  reserved: Map<string, { loc: Loc; qty: number }>;
  released: Map<string, { loc: Loc; qty: number }>;
  moved: { from: Loc; qty: number }[];
  claims: { picker: number; taskId: string | null }[];
  refusedReserves: number[];
  refusedMoves: { from: Loc; qty: number }[];
  /** Answers the model could not accept (an unexpected status): the property fails on any. */
  errors: string[];
}

interface Real {
  s: fc.Scheduler;
  wh: string;
  sku: string;
  loc: Record<Loc, string>;
  pickers: string[];
  sup: string;
}

const locOf = (real: Real, id: string): Loc => (id === real.loc.A ? 'A' : 'B');
const other = (l: Loc): Loc => (l === 'A' ? 'B' : 'A');

/**
 * Sends a request now and lets the scheduler choose when its answer reaches the model. The command returns at
 * once, so the requests of consecutive commands are in flight together and really race in Postgres.
 */
function fire(
  errors: string[],
  real: Real,
  label: string,
  send: () => Promise<{ status: number; body: any }>,
  deliver: (a: { status: number; body: any }) => void,
): void {
  void real.s
    .schedule(send(), label)
    .then(deliver)
    .catch((err: unknown) => errors.push(`${label}: ${String(err)}`));
}

class Reserve implements fc.AsyncCommand<Model, Real> {
  constructor(readonly qty: number) {}
  check = () => true;
  async run(m: Model, real: Real): Promise<void> {
    fire(
      m.errors,
      real,
      this.toString(),
      () =>
        http('POST', `${sys.url}/v1/stock/reservations`, {
          token: real.sup,
          body: { warehouseId: real.wh, skuId: real.sku, qty: this.qty, refType: 'model', refId: 'r' },
        }),
      (a) => {
        if (a.status === 201) for (const r of a.body.reservations) m.reserved.set(r.id, { loc: locOf(real, r.locationId), qty: r.qty });
        else if (a.status === 409 && String(a.body.type).includes('insufficient-stock')) m.refusedReserves.push(this.qty);
        else throw new Error(`reserve answered ${a.status} ${JSON.stringify(a.body)}`);
      },
    );
  }
  toString = () => `reserve(${this.qty})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.reserved.size > 0;
  async run(m: Model, real: Real): Promise<void> {
    const ids = [...m.reserved.keys()];
    const id = ids[this.pick % ids.length]!; // may be one already released or being released: must be a no-op then
    const r = m.reserved.get(id)!;
    fire(
      m.errors,
      real,
      `release(${id.slice(0, 4)})`,
      () =>
        http('POST', `${sys.url}/v1/stock/reservations/release`, {
          token: real.sup,
          body: { reservationIds: [id], reasonCode: 'reallocate' },
        }),
      (a) => {
        if (a.status !== 200) throw new Error(`release answered ${a.status} ${JSON.stringify(a.body)}`);
        for (const x of a.body.released as string[]) {
          if (m.released.has(x)) throw new Error(`reservation ${x} released twice`);
          m.released.set(x, r);
        }
      },
    );
  }
  toString = () => `release(#${this.pick})`;
}

class Move implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly from: Loc,
    readonly qty: number,
  ) {}
  check = () => true;
  async run(m: Model, real: Real): Promise<void> {
    fire(
      m.errors,
      real,
      this.toString(),
      () =>
        http('POST', `${sys.url}/v1/stock/movements`, {
          token: real.sup,
          body: {
            warehouseId: real.wh,
            type: 'move',
            skuId: real.sku,
            qty: this.qty,
            from: { locationId: real.loc[this.from] },
            to: { locationId: real.loc[other(this.from)] },
          },
        }),
      (a) => {
        if (a.status === 201) m.moved.push({ from: this.from, qty: this.qty });
        else if (a.status === 409) m.refusedMoves.push({ from: this.from, qty: this.qty });
        else throw new Error(`move answered ${a.status} ${JSON.stringify(a.body)}`);
      },
    );
  }
  toString = () => `move(${this.from}→${other(this.from)} ${this.qty})`;
}

class Claim implements fc.AsyncCommand<Model, Real> {
  constructor(readonly picker: number) {}
  check = () => true;
  async run(m: Model, real: Real): Promise<void> {
    fire(
      m.errors,
      real,
      this.toString(),
      () =>
        http('POST', `${sys.url}/v1/tasks/claim`, { token: real.pickers[this.picker]!, body: { warehouseId: real.wh, types: ['count'] } }),
      (a) => {
        if (a.status === 200) m.claims.push({ picker: this.picker, taskId: a.body.id });
        else if (a.status === 204) m.claims.push({ picker: this.picker, taskId: null });
        else throw new Error(`claim answered ${a.status} ${JSON.stringify(a.body)}`);
      },
    );
  }
  toString = () => `claim(picker${this.picker})`;
}

/** After every answer is in: the database holds exactly what the answers said, and every refusal was deserved. */
async function judge(m: Model, real: Real): Promise<void> {
  expect(m.errors).toEqual([]);
  const onHand: Record<Loc, number> = { ...ON_HAND };
  for (const mv of m.moved) {
    onHand[mv.from] -= mv.qty;
    onHand[other(mv.from)] += mv.qty;
  }
  const pendingAt = (loc: Loc) =>
    [...m.reserved].filter(([id, r]) => r.loc === loc && !m.released.has(id)).reduce((a, [, r]) => a + r.qty, 0);
  const em = sys.rt.orm.em.fork();
  const bal = await sql<Pick<StockBalanceRow, 'location_id' | 'on_hand' | 'reserved'>>(
    em,
    'select location_id, on_hand, reserved from stock_balance where sku_id = ?',
    [real.sku],
  );
  for (const loc of ['A', 'B'] as const) {
    const b = bal.find((x) => x.location_id === real.loc[loc]);
    expect({ loc, onHand: b?.on_hand ?? 0, reserved: b?.reserved ?? 0 }).toEqual({ loc, onHand: onHand[loc], reserved: pendingAt(loc) });
    expect(onHand[loc] - pendingAt(loc)).toBeGreaterThanOrEqual(0);
  }
  const pending = await sql<IdRow>(em, `select id from stock_reservation where sku_id = ? and status = 'pending' order by id`, [real.sku]);
  expect(pending.map((p) => p.id)).toEqual([...m.reserved.keys()].filter((id) => !m.released.has(id)).sort());
  expect(await ledgerMismatches(em, real.wh)).toEqual([]);

  // A refusal is deserved if it could not fit even at the most generous moment: the final availability plus
  // everything that any release or incoming move could have added before it.
  const releasedAt = (loc?: Loc) => [...m.released.values()].filter((r) => !loc || r.loc === loc).reduce((a, r) => a + r.qty, 0);
  const finalAvail = (loc: Loc) => onHand[loc] - pendingAt(loc);
  for (const q of m.refusedReserves) expect(q).toBeGreaterThan(finalAvail('A') + finalAvail('B') - releasedAt());
  for (const r of m.refusedMoves) {
    const incoming = m.moved.filter((mv) => mv.from !== r.from).reduce((a, mv) => a + mv.qty, 0);
    expect(r.qty).toBeGreaterThan(finalAvail(r.from) - incoming - releasedAt(r.from));
  }

  // Claims: one task per picker (a picker asking twice gets the same one), never one task for two pickers, and a
  // picker turned away only when every task was taken.
  const byPicker = new Map<number, Set<string>>();
  for (const c of m.claims) if (c.taskId) byPicker.set(c.picker, (byPicker.get(c.picker) ?? new Set()).add(c.taskId));
  for (const ids of byPicker.values()) expect(ids.size).toBe(1);
  const held = [...byPicker.values()].map((ids) => [...ids][0]!);
  expect(new Set(held).size).toBe(held.length);
  if (m.claims.some((c) => !c.taskId && !byPicker.has(c.picker))) expect(held.length).toBe(TASKS);
  const holders = await sql<IdRow>(em, `select id from task where warehouse_id = ? and status in ('claimed', 'in_progress') order by id`, [
    real.wh,
  ]);
  expect(holders.map((h) => h.id)).toEqual([...held].sort());
}

const qty = fc.integer({ min: 1, max: 12 });
const commands = [
  qty.map((q) => new Reserve(q)),
  fc.nat(20).map((p) => new Release(p)),
  fc.tuple(fc.constantFrom<Loc>('A', 'B'), qty).map(([f, q]) => new Move(f, q)),
  fc.integer({ min: 0, max: 3 }).map((p) => new Claim(p)),
];

let run = 0;
async function freshWorld(s: fc.Scheduler): Promise<{ model: Model; real: Real }> {
  const n = ++run;
  return withTx(sys.rt.orm.em, async (em) => {
    const wh = (await sqlOne<IdRow>(em, `insert into warehouse (code, name) values (?, 'Model DC') returning id`, [`MODEL${n}`]))!.id;
    await sql(em, 'insert into event_stream (warehouse_id) values (?)', [wh]);
    const sku = (await sqlOne<IdRow>(em, `insert into sku (code, name) values (?, 'Model item') returning id`, [`MODEL-SKU-${n}`]))!.id;
    const loc = {} as Record<Loc, string>;
    for (const l of ['A', 'B'] as const) {
      loc[l] = (await sqlOne<IdRow>(
        em,
        `insert into location (warehouse_id, code, type, x_mm, y_mm) values (?, ?, 'pick_face', 0, 0) returning id`,
        [wh, `M-${l}`],
      ))!.id;
      await postMovement(em, { warehouseId: wh, type: 'receipt', skuId: sku, qty: ON_HAND[l], to: { locationId: loc[l] } });
    }
    for (let t = 0; t < TASKS; t++)
      await sql(em, `insert into task (warehouse_id, type, priority, roles) values (?, 'count', 50, '{picker}')`, [wh]);
    const mk = (name: string, roles: string[]) =>
      sql<IdRow>(
        em,
        `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values (?, ?, 'x', ?::text[], ?::uuid[]) returning id`,
        [name, name, `{${roles.join(',')}}`, `{${wh}}`],
      ).then(([u]) => sys.token({ id: u!.id, username: name, roles, warehouseIds: [wh] }));
    const pickers: string[] = [];
    for (const p of [0, 1, 2, 3]) pickers.push(await mk(`model${n}-picker${p}`, ['picker'])); // one connection: in turn
    const sup = await mk(`model${n}-sup`, ['supervisor']);
    return {
      model: { reserved: new Map(), released: new Map(), moved: [], claims: [], refusedReserves: [], refusedMoves: [], errors: [] },
      real: { s, wh, sku, loc, pickers, sup },
    };
  });
}

describe('model-based concurrency over the real API (fast-check scheduledModelRun)', () => {
  it('reservations, moves, releases and claims agree with the model under every firing order tried', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.commands(commands, { maxCommands: 12 }), async (s, cmds) => {
        const world = await freshWorld(s);
        await fc.scheduledModelRun(s, () => world, cmds);
        await judge(world.model, world.real);
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 12), seed: Number(process.env.MODEL_SEED ?? 20261130) },
    );
  }, 300_000);
});
