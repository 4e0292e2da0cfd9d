import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../shared/sql.js';
import { fromLocations, resequence, sequencePicks, type LocationGraph, type SequenceMethod } from './pick-path/index.js';
import type { LayoutLocationRow } from './pick-path/from-locations.js';
import type { LocationRow } from '../layout/entities/location.entity.js';

/** A stop to visit: a location code (plan coordinates come from the layout). */
export interface StopRef {
  locationCode: string;
}

const PICKABLE = `type in ('pick_face', 'reserve', 'staging')`;

/** One aisle of the warehouse as an aggregate: its grouping key, centre line and extent along y. */
export type AisleSummaryRow = Pick<LocationRow, 'aisle'> & { x_key: number | null; x_mean: number; y_lo: number; y_hi: number };
/** The depot candidate (a pack station) and the aisles, in one row. */
export type GraphFrameRow = { pack: Pick<LocationRow, 'x_mm' | 'y_mm'> | null; aisles: AisleSummaryRow[] | null };

/**
 * The warehouse's pick graph from its pickable locations; the depot is the first pack station (else the front-left corner).
 *
 * With `near`, only the aisles those locations stand in are loaded row by row (a wave touches a few aisles of a
 * warehouse of tens of thousands of locations; loading them all cost more than sequencing the wave). The layout is
 * still the whole warehouse's: every other aisle enters as its centre line and y extent (one aggregate row each), so
 * aisle positions, cross aisles and depot, and therefore every route, are the same as with the full load.
 */
export async function loadPickGraph(
  em: EntityManager,
  warehouseId: string,
  near?: { locationIds: readonly string[] },
): Promise<LocationGraph> {
  if (!near) return wholePickGraph(em, warehouseId);
  const frame = (await sqlOne<GraphFrameRow>(
    em,
    `
    select (select json_build_object('x_mm', x_mm, 'y_mm', y_mm) from location
        where warehouse_id = ? and active and type = 'pack' order by code limit 1) as pack,
      (select json_agg(a) from (
        select nullif(aisle, '') as aisle, case when nullif(aisle, '') is null then x_mm end as x_key,
          avg(x_mm)::float8 as x_mean, min(y_mm) as y_lo, max(y_mm) as y_hi
        from location where warehouse_id = ? and active and ${PICKABLE} group by 1, 2) a) as aisles`,
    [warehouseId, warehouseId],
  ))!;
  if (!frame.aisles?.length) return wholePickGraph(em, warehouseId);
  const rows = await sql<Pick<LocationRow, 'code' | 'x_mm' | 'y_mm' | 'aisle'>>(
    em,
    `
    with g as (select distinct nullif(aisle, '') as aisle, x_mm from location where id = any(?::uuid[]))
    select l.code, l.x_mm, l.y_mm, l.aisle from location l
    where l.warehouse_id = ? and l.active and l.${PICKABLE}
      and exists (select 1 from g where (g.aisle is not null and l.aisle = g.aisle) or (g.aisle is null and nullif(l.aisle, '') is null and l.x_mm = g.x_mm))`,
    [`{${near.locationIds.join(',')}}`, warehouseId],
  );
  const loaded = new Set(rows.map((r) => (r.aisle ? `label:${r.aisle}` : `x:${r.x_mm}`)));
  const layoutRows: LayoutLocationRow[] = rows.map((r) => ({
    code: r.code,
    xMm: r.x_mm,
    yMm: r.y_mm,
    ...(r.aisle ? { aisle: r.aisle } : {}),
  }));
  // Each aisle not loaded: two rows on its centre line at its ends (same mean x, same y extent as all its locations).
  for (const a of frame.aisles) {
    const key = a.aisle !== null ? `label:${a.aisle}` : `x:${a.x_key}`;
    if (loaded.has(key)) continue;
    for (const [end, y] of [
      ['lo', a.y_lo],
      ['hi', a.y_hi],
    ] as const)
      layoutRows.push({ code: `__aisle:${key}:${end}`, xMm: a.x_mean, yMm: y, ...(a.aisle !== null ? { aisle: a.aisle } : {}) });
  }
  const depot = frame.pack
    ? { xMm: frame.pack.x_mm, yMm: frame.pack.y_mm }
    : {
        xMm: Math.min(...frame.aisles.map((a) => a.x_mean)),
        yMm: Math.min(...frame.aisles.map((a) => a.y_lo)),
      };
  return fromLocations(layoutRows, depot);
}

/** Every pickable location of the warehouse, row by row (re-slotting costs every pick face). */
async function wholePickGraph(em: EntityManager, warehouseId: string): Promise<LocationGraph> {
  const rows = await sql<Pick<LocationRow, 'code' | 'x_mm' | 'y_mm' | 'aisle' | 'type'>>(
    em,
    `
    select code, x_mm, y_mm, aisle, type from location where warehouse_id = ? and active and type in ('pick_face', 'reserve', 'staging', 'pack')`,
    [warehouseId],
  );
  const pickable = rows.filter((r) => r.type !== 'pack');
  // The first pack station by code, as the aisle-wise load takes it.
  const pack = rows.filter((r) => r.type === 'pack').sort((a, b) => (a.code < b.code ? -1 : 1))[0];
  const layoutRows = (pickable.length ? pickable : rows).map((r) => ({
    code: r.code,
    xMm: r.x_mm,
    yMm: r.y_mm,
    ...(r.aisle ? { aisle: r.aisle } : {}),
  }));
  if (layoutRows.length === 0) layoutRows.push({ code: '__origin', xMm: 0, yMm: 0 });
  const depot = pack
    ? { xMm: pack.x_mm, yMm: pack.y_mm }
    : { xMm: Math.min(...layoutRows.map((r) => r.xMm)), yMm: Math.min(...layoutRows.map((r) => r.yMm)) };
  return fromLocations(layoutRows, depot);
}

/** Visit order (indices into stops) of a pick list on the layout (pick-path optimizer), with its length. */
export function sequenceStops(
  g: LocationGraph,
  stops: readonly StopRef[],
): { order: number[]; lengthMm: number; method: SequenceMethod | 'unmapped' } {
  const known = stops.map((s, i) => ({ i, p: g.locations.get(s.locationCode) })).filter((x) => x.p);
  if (known.length !== stops.length) {
    // A location without coordinates in the model (e.g. not a pick location) keeps its place at the end.
    const unknown = stops.map((_, i) => i).filter((i) => !g.locations.has(stops[i]!.locationCode));
    const r = known.length
      ? sequencePicks(
          g.layout,
          known.map((k) => k.p!),
          g.depot,
          { lowerBound: false },
        )
      : { order: [], lengthMm: 0 };
    return { order: [...r.order.map((j) => known[j]!.i), ...unknown], lengthMm: r.lengthMm, method: 'unmapped' };
  }
  const r = sequencePicks(
    g.layout,
    known.map((k) => k.p!),
    g.depot,
    { lowerBound: false },
  );
  return { order: r.order, lengthMm: r.lengthMm, method: r.method };
}

/**
 * New visit order after stops are inserted into a route being walked: the done prefix stays, the rest
 * and the inserted stops are re-routed from the picker's position (pick-path `resequence`).
 * Returns indices into [...current, ...inserted].
 */
export function resequenceStops(g: LocationGraph, current: readonly StopRef[], doneCount: number, inserted: readonly StopRef[]): number[] {
  const all = [...current, ...inserted];
  if (all.some((s) => !g.locations.has(s.locationCode))) return all.map((_, i) => i);
  const r = resequence(
    {
      layout: g.layout,
      depot: g.depot,
      picks: current.map((s) => g.locations.get(s.locationCode)!),
      order: current.map((_, i) => i),
      pickedCount: doneCount,
    },
    inserted.map((s) => g.locations.get(s.locationCode)!),
  );
  return r.order;
}
