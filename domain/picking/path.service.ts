import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import { fromLocations, resequence, sequencePicks, type LocationGraph, type SequenceMethod } from './pick-path/index.js';
import type { LocationRow } from '../layout/entities/location.entity.js';

/** A stop to visit: a location code (plan coordinates come from the layout). */
export interface StopRef {
  locationCode: string;
}

/** The warehouse's pick graph from its pickable locations; the depot is the first pack station (else the front-left corner). */
export async function loadPickGraph(em: EntityManager, warehouseId: string): Promise<LocationGraph> {
  const rows = await sql<Pick<LocationRow, 'code' | 'x_mm' | 'y_mm' | 'aisle' | 'type'>>(
    em,
    `
    select code, x_mm, y_mm, aisle, type from location where warehouse_id = ? and active and type in ('pick_face', 'reserve', 'staging', 'pack')`,
    [warehouseId],
  );
  const pickable = rows.filter((r) => r.type !== 'pack');
  const pack = rows.find((r) => r.type === 'pack');
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
