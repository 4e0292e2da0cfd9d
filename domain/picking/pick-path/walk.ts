import type { GraphPoint, WarehouseLayout } from './layout.js';
import { distanceMm } from './metric.js';

/**
 * A picker's walk as waypoints. Each leg is the shortest path between consecutive waypoints, so a
 * heuristic that wants to walk a specific way (through an aisle end, along the back cross aisle)
 * adds that point as a waypoint; its length is then the literal route length of the heuristic.
 */
export class Walk {
  lengthMm = 0;
  readonly order: number[] = [];
  /** Pick indices visited so far (the same as `order`, for lookups). */
  readonly visited = new Set<number>();
  private at: GraphPoint;

  constructor(
    private readonly layout: WarehouseLayout,
    start: GraphPoint,
  ) {
    this.at = start;
  }

  /** Walks to `p` along the shortest path. */
  to(p: GraphPoint): void {
    this.lengthMm += distanceMm(this.layout, this.at, p);
    this.at = p;
  }

  /** Walks to pick `index` at `p` and records the visit. */
  pick(index: number, p: GraphPoint): void {
    this.to(p);
    this.order.push(index);
    this.visited.add(index);
  }
}
