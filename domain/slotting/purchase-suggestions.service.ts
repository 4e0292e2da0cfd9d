/**
 * Purchase suggestions per SKU: weekly demand from order history (ordered quantities, cancelled
 * orders excluded), stock on hand, open purchase-order quantities and the supplier lead time feed the
 * TSB forecast and the order-up-to policy in forecast.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import { reorderAdvice, type ReorderAdvice } from './forecast.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';

export interface Suggestion extends ReorderAdvice {
  skuId: string;
  sku: string;
  onHand: number;
  onOrder: number;
  leadTimeWeeks: number;
}
export type PurchaseSuggestionsRow = Pick<SkuRow, 'code'> & {
  sku_id: string;
  weekly: number[];
  on_hand: number;
  on_order: number;
  lead_days: number | null;
};

export async function purchaseSuggestions(
  em: EntityManager,
  q: { warehouseId: string; serviceLevel: number; weeks: number; reviewWeeks: number; now: Date; onlyToOrder: boolean; limit: number },
): Promise<Suggestion[]> {
  const rows = await sql<PurchaseSuggestionsRow>(
    em,
    `with w as (select generate_series(0, ? - 1) as k),
    demand as (
      select l.sku_id, floor(extract(epoch from (?::timestamptz - o.created_at)) / 604800)::int as k, sum(l.qty)::int as q
      from order_line l join sales_order o on o.id = l.order_id
      where o.warehouse_id = ? and l.sku_id is not null and o.status <> 'cancelled'
        and o.created_at > ?::timestamptz - make_interval(weeks => ?) and o.created_at <= ?::timestamptz
      group by 1, 2),
    skus as (select distinct sku_id from demand)
    select s.id as sku_id, s.code,
      array(select coalesce(d.q, 0) from w left join demand d on d.sku_id = s.id and d.k = w.k order by w.k desc) as weekly,
      (select coalesce(sum(on_hand), 0)::int from stock_balance b where b.sku_id = s.id and b.warehouse_id = ? and b.status = 'available') as on_hand,
      (select coalesce(sum(pl.qty_ordered - pl.qty_received), 0)::int from purchase_order_line pl join purchase_order p on p.id = pl.po_id
        where pl.sku_id = s.id and p.warehouse_id = ? and p.status = 'open' and pl.qty_ordered > pl.qty_received) as on_order,
      (select max(sp.lead_time_days) from purchase_order p join supplier sp on sp.id = p.supplier_id join purchase_order_line pl on pl.po_id = p.id
        where pl.sku_id = s.id and p.warehouse_id = ?) as lead_days
    from skus k join sku s on s.id = k.sku_id order by s.code`,
    [
      q.weeks,
      q.now.toISOString(),
      q.warehouseId,
      q.now.toISOString(),
      q.weeks,
      q.now.toISOString(),
      q.warehouseId,
      q.warehouseId,
      q.warehouseId,
    ],
  );
  const out: Suggestion[] = [];
  for (const r of rows) {
    const leadTimeWeeks = Math.max(1, Math.ceil((r.lead_days ?? 7) / 7));
    const a = reorderAdvice({
      history: r.weekly,
      leadTimeWeeks,
      reviewWeeks: q.reviewWeeks,
      serviceLevel: q.serviceLevel,
      onHand: r.on_hand,
      onOrder: r.on_order,
    });
    if (q.onlyToOrder && a.suggestedQty === 0) continue;
    out.push({ skuId: r.sku_id, sku: r.code, onHand: r.on_hand, onOrder: r.on_order, leadTimeWeeks, ...a });
    if (out.length >= q.limit) break;
  }
  return out;
}
