/**
 * Allocation rules (pure): order priority and the minimum expiry a customer's shelf-life rule implies.
 * Priority: express first, then the earliest promise date (none = last), then age (first come, first served).
 */
export interface AllocCandidate {
  id: string;
  priorityRank: number;
  promiseDate: string | null;
  createdAt: string;
}

/** Comparator for allocation order; ties broken by id so the order is total and deterministic. */
export function byAllocationPriority(a: AllocCandidate, b: AllocCandidate): number {
  if (a.priorityRank !== b.priorityRank) return a.priorityRank - b.priorityRank;
  const pa = a.promiseDate ? Date.parse(a.promiseDate) : Infinity;
  const pb = b.promiseDate ? Date.parse(b.promiseDate) : Infinity;
  if (pa !== pb) return pa - pb;
  const ca = Date.parse(a.createdAt);
  const cb = Date.parse(b.createdAt);
  if (ca !== cb) return ca - cb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** yyyy-mm-dd of the earliest acceptable expiry: today (UTC) + min remaining shelf-life days; undefined when no rule. */
export function minExpiryDate(now: Date, minShelfLifeDays: number | null | undefined): string | undefined {
  if (minShelfLifeDays === null || minShelfLifeDays === undefined || minShelfLifeDays <= 0) return undefined;
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + minShelfLifeDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** SQL ORDER BY matching byAllocationPriority (for the backorder queue). */
export const ALLOCATION_ORDER_SQL = 'priority_rank, promise_date nulls last, created_at, id';

/**
 * The advisory lock of a warehouse's allocations (`warehouse`: an SQL text expression of its id): taken exclusive by a
 * batch (allocateOrdersBatch), shared by a single order (allocateOrder).
 */
export const warehouseAllocationLock = (warehouse: string) => `hashtext('batch-allocation:' || ${warehouse})`;
