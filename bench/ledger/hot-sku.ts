/**
 * The flash-sale race on one SKU: 200 concurrent reservations (one unit each, each its own transaction,
 * 200 connections), then 60 moves and 60 more reservations of the same SKU racing. One round's wall
 * time and per-request latencies; the issue that asked for it measured lock convoys of 24–37 s here
 * when each reservation held its balance-row locks across several round trips.
 */
import { performance } from 'node:perf_hooks';
import { postMovement, reserve } from '../../domain/inventory/ledger.service.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { createOrm, withTx, type Orm } from '../../platform/db.js';
import { loadConfig } from '../../platform/config.js';
import type { IdRow } from '../../domain/shared/rows.js';

export interface HotRound {
  wallMs: number;
  latMs: number[];
  reserved: number;
}

/** Runs `rounds` races on fresh hot SKUs in the scratch database at `url`; checks the ledger after each. */
export async function hotSkuRaces(url: string, wh: string, rounds: number): Promise<{ races: HotRound[]; floorMs: number }> {
  const orm: Orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: '200' } as NodeJS.ProcessEnv));
  const out: HotRound[] = [];
  let floorMs = Infinity;
  try {
    // The floor: the same waves of concurrent requests (200, then 120) as trivial statements through the same pool (best of three, pool warm).
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      await Promise.all(Array.from({ length: 200 }, () => sqlOne(orm.em.fork(), 'select 1')));
      await Promise.all(Array.from({ length: 120 }, () => sqlOne(orm.em.fork(), 'select 1')));
      floorMs = Math.min(floorMs, performance.now() - t);
    }
    for (let r = 0; r < rounds; r++) {
      const em = orm.em.fork();
      const sku = (await sqlOne<IdRow>(em, `insert into sku (code, name) values (?, 'Hot item') returning id`, [
        `HOT-${r}-${Date.now()}`,
      ]))!;
      const locs = await sql<IdRow>(
        em,
        `insert into location (warehouse_id, code, type) select ?, 'HOT-' || ? || '-' || n, 'pick_face' from generate_series(1, 4) n returning id`,
        [wh, r],
      );
      await withTx(orm.em, async (tx) => {
        for (const [i, qty] of [50, 25, 1000, 1000].entries())
          await postMovement(tx, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty, to: { locationId: locs[i]!.id } });
      });
      const lat: number[] = [];
      let reserved = 0;
      const timed = async (fn: () => Promise<unknown>) => {
        const t = performance.now();
        await fn().catch(() => undefined);
        lat.push(performance.now() - t);
      };
      const reserveOne = (ref: string) =>
        reserve(orm.em.fork(), { warehouseId: wh, skuId: sku.id, qty: 1, refType: 'bench-hot', refId: ref }).then(
          (x) => (reserved += x.reservations.length),
        );
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 200 }, (_, i) => timed(() => reserveOne(`a-${r}-${i}`))));
      await Promise.all([
        ...Array.from({ length: 60 }, (_, i) =>
          timed(() =>
            postMovement(orm.em.fork(), {
              warehouseId: wh,
              type: 'move',
              skuId: sku.id,
              qty: 1,
              from: { locationId: locs[2 + (i % 2)]!.id },
              to: { locationId: locs[3 - (i % 2)]!.id },
            }),
          ),
        ),
        ...Array.from({ length: 60 }, (_, i) => timed(() => reserveOne(`b-${r}-${i}`))),
      ]);
      out.push({ wallMs: performance.now() - t0, latMs: lat, reserved });
      const bad = await ledgerMismatches(orm.em.fork(), wh);
      if (bad.length) throw new Error(`hot SKU race left ${bad.length} balances disagreeing with the ledger`);
    }
  } finally {
    await orm.close(true);
  }
  return { races: out, floorMs };
}
