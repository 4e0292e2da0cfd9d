/**
 * The aisle-wise pick graph (wave release, short-pick re-allocation) routes exactly as the whole warehouse's graph,
 * while loading only the touched aisles' locations row by row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPickGraph, sequenceStops } from '../../domain/picking/path.service.js';
import { sql } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { rng } from '../../scripts/seed/rng.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor } from './fixture.js';

import type { LocationRow } from '../../domain/layout/entities/location.entity.js';

/** Pick faces and reserve slots always sit in an aisle (the entity's aisle is nullable). */
type FaceLocationRow = Pick<LocationRow, 'id' | 'code'> & { aisle: string };
let sys: TestSystem;
let locs: FaceLocationRow[];

beforeAll(async () => {
  sys = await startTestSystem();
  // 8 aisles (A..H) of 10 bays at two levels, and a pack station.
  await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 0, skus: 80, seed: 5 }));
  locs = await sql<FaceLocationRow>(
    sys.rt.orm.em.fork(),
    `select id, code, aisle from location where warehouse_id = ? and type in ('pick_face', 'reserve') order by code`,
    [sys.wh1],
  );
}, 120_000);
afterAll(async () => sys?.close());

describe('loadPickGraph near some locations', () => {
  it('has the whole layout and depot, the touched aisles row by row, and sequences every pick list the same', async () => {
    const em = sys.rt.orm.em.fork();
    const whole = await loadPickGraph(em, sys.wh1);
    const r = rng(9);
    for (let round = 0; round < 12; round++) {
      const stops = Array.from({ length: 2 + Math.floor(r() * 10) }, () => locs[Math.floor(r() * locs.length)]!);
      const near = await loadPickGraph(em, sys.wh1, { locationIds: stops.map((s) => s.id) });
      expect(near.layout).toEqual(whole.layout);
      expect(near.depot).toEqual(whole.depot);
      const touched = new Set(stops.map((s) => s.aisle));
      const loadedReal = locs.filter((l) => near.locations.has(l.code));
      expect(new Set(loadedReal.map((l) => l.aisle))).toEqual(touched);
      expect(loadedReal).toHaveLength(locs.filter((l) => touched.has(l.aisle)).length);
      for (const s of stops) expect(near.locations.get(s.code)).toEqual(whole.locations.get(s.code));
      const refs = stops.map((s) => ({ locationCode: s.code }));
      expect(sequenceStops(near, refs)).toEqual(sequenceStops(whole, refs));
    }
  });
});
