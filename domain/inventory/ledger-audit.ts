/**
 * Reconciliation of derived state with its sources: every balance's on_hand must equal the sum of
 * ledger movements into it minus out of it, and its reserved must equal its pending reservations.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';

export interface BalanceMismatch {
  balanceId: string;
  onHand: number;
  ledgerQty: number;
  reserved: number;
  pendingQty: number;
}
export type LedgerMismatchesRow = Pick<StockBalanceRow, 'on_hand' | 'reserved'> & {
  id: string;
  ledger: string | null;
  pending: string | null;
};

/** Balances of a warehouse whose on_hand or reserved disagree with the ledger / reservations (empty = consistent). */
export async function ledgerMismatches(em: EntityManager, warehouseId: string): Promise<BalanceMismatch[]> {
  const rows = await sql<LedgerMismatchesRow>(
    em,
    `
    with d as (
      select to_balance_id as bid, qty as q from stock_movement where warehouse_id = ? and to_balance_id is not null
      union all
      select from_balance_id, -qty from stock_movement where warehouse_id = ? and from_balance_id is not null
    ), s as (select bid, sum(q) as q from d group by bid),
    p as (select balance_id, sum(qty - consumed_qty) as q from stock_reservation where warehouse_id = ? and status = 'pending' group by balance_id),
    b as (select id, on_hand, reserved from stock_balance where warehouse_id = ?)
    select coalesce(b.id, s.bid) as id, b.on_hand, s.q as ledger, b.reserved, p.q as pending
    from b full join s on s.bid = b.id left join p on p.balance_id = coalesce(b.id, s.bid)
    where coalesce(b.on_hand, 0) <> coalesce(s.q, 0) or coalesce(b.reserved, 0) <> coalesce(p.q, 0)`,
    [warehouseId, warehouseId, warehouseId, warehouseId],
  );
  return rows.map((r) => ({
    balanceId: r.id,
    onHand: Number(r.on_hand ?? 0),
    ledgerQty: Number(r.ledger ?? 0),
    reserved: Number(r.reserved ?? 0),
    pendingQty: Number(r.pending ?? 0),
  }));
}
