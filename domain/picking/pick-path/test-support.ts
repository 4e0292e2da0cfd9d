/**
 * Shared fixtures for the pick-path tests: fast-check arbitraries for layouts and pick lists, and a
 * reference shortest-path metric by Dijkstra on the explicit aisle graph (independent of metric.ts).
 */
import fc from 'fast-check';
import type { DepotLocation, GraphPoint, PickLocation, WarehouseLayout } from './layout.js';

export interface Instance {
  layout: WarehouseLayout;
  depot: DepotLocation;
  picks: PickLocation[];
}

/** Random layouts with 1..6 aisles (uneven spacing) and `blocks` blocks of uneven depth. */
export function layoutArb(blocks: fc.Arbitrary<number>): fc.Arbitrary<WarehouseLayout> {
  return fc
    .record({
      gaps: fc.array(fc.integer({ min: 500, max: 5000 }), { minLength: 0, maxLength: 5 }),
      depths: blocks.chain((b) => fc.array(fc.integer({ min: 1000, max: 20000 }), { minLength: b, maxLength: b })),
      x0: fc.integer({ min: 0, max: 3000 }),
    })
    .map(({ gaps, depths, x0 }) => {
      const aislesXMm = [x0];
      for (const g of gaps) aislesXMm.push(aislesXMm[aislesXMm.length - 1] + g);
      const crossAislesYMm = [0];
      for (const d of depths) crossAislesYMm.push(crossAislesYMm[crossAislesYMm.length - 1] + d);
      return { aislesXMm, crossAislesYMm };
    });
}

/** Random instances on such layouts: picks anywhere (ends included), depot on the front, between aisles, at the back or in an aisle. */
export function instanceArb(blocks: fc.Arbitrary<number>, maxPicks: number, minPicks = 1): fc.Arbitrary<Instance> {
  return layoutArb(blocks).chain((layout) => {
    const top = layout.crossAislesYMm[layout.crossAislesYMm.length - 1];
    const lastX = layout.aislesXMm[layout.aislesXMm.length - 1];
    const yArb = fc.oneof(fc.integer({ min: 0, max: top }), fc.constantFrom(...layout.crossAislesYMm));
    const pick = fc.record({ aisle: fc.integer({ min: 0, max: layout.aislesXMm.length - 1 }), yMm: yArb });
    const depot = fc.oneof(
      fc.record({ xMm: fc.integer({ min: 0, max: lastX + 2000 }), yMm: fc.constant(0) }),
      fc.record({ xMm: fc.constantFrom(...layout.aislesXMm), yMm: fc.constant(0) }),
      fc.record({ xMm: fc.constantFrom(...layout.aislesXMm), yMm: fc.integer({ min: 0, max: top }) }),
      fc.record({ xMm: fc.integer({ min: 0, max: lastX }), yMm: fc.constant(top) }),
    );
    return fc.record({ layout: fc.constant(layout), depot, picks: fc.array(pick, { minLength: minPicks, maxLength: maxPicks }) });
  });
}

/** Shortest distance by Dijkstra on the explicit graph: aisle and cross-aisle segments between all points of interest. */
export function dijkstraDistance(layout: WarehouseLayout, p: GraphPoint, q: GraphPoint): number {
  const xs = [...new Set([...layout.aislesXMm, p.xMm, q.xMm])].sort((a, b) => a - b);
  const nodes: { x: number; y: number }[] = [];
  const id = new Map<string, number>();
  const node = (x: number, y: number) => {
    const k = `${x},${y}`;
    let i = id.get(k);
    if (i === undefined) {
      i = nodes.length;
      id.set(k, i);
      nodes.push({ x, y });
    }
    return i;
  };
  const edges: [number, number, number][] = [];
  for (const y of layout.crossAislesYMm)
    for (let i = 0; i + 1 < xs.length; i++) edges.push([node(xs[i], y), node(xs[i + 1], y), xs[i + 1] - xs[i]]);
  layout.aislesXMm.forEach((x, a) => {
    const ys = [...layout.crossAislesYMm];
    for (const pt of [p, q]) if (pt.aisle === a) ys.push(pt.yMm);
    const sorted = [...new Set(ys)].sort((u, v) => u - v);
    for (let i = 0; i + 1 < sorted.length; i++) edges.push([node(x, sorted[i]), node(x, sorted[i + 1]), sorted[i + 1] - sorted[i]]);
  });
  const s = node(p.xMm, p.yMm);
  const t = node(q.xMm, q.yMm);
  const adj: [number, number][][] = nodes.map(() => []);
  for (const [u, v, w] of edges) {
    adj[u].push([v, w]);
    adj[v].push([u, w]);
  }
  const dist = nodes.map(() => Infinity);
  const done = nodes.map(() => false);
  dist[s] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < nodes.length; i++) if (!done[i] && (u < 0 || dist[i] < dist[u])) u = i;
    if (u < 0 || dist[u] === Infinity) break;
    done[u] = true;
    for (const [v, w] of adj[u]) if (dist[u] + w < dist[v]) dist[v] = dist[u] + w;
  }
  return dist[t];
}
