import type { EntityManager } from '@mikro-orm/postgresql';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { ignoredSql, queueDefs, type QueueName } from '../../platform/queues.js';
import type { CountRow } from '../../domain/shared/rows.js';
import type { PackSessionRow } from '../../domain/packing/entities/pack-session.entity.js';
import type { StockMovementRow } from '../../domain/inventory/entities/stock-movement.entity.js';
import type { DeadLetterRow } from '../../domain/events/entities/dead-letter.entity.js';

/** What the soak promises after any fault schedule (issue 16's acceptance list). */
export interface SoakInvariants {
  everyAcceptedOrderExistsOnce: boolean;
  noneShippedTwice: boolean;
  everyAcceptedOrderShipped: boolean;
  ledgerBalancesPerSku: boolean;
  everyEventReachedEverySubscriber: boolean;
  noStuckWork: boolean;
  deadLettersOnlyInjectedPoison: boolean;
}

interface Stuck {
  pending: number;
  received: number;
  unrelayed: number;
  held_tasks: number;
}

async function unconsumedEvents(em: EntityManager): Promise<number> {
  let n = 0;
  for (const q of Object.keys(queueDefs) as QueueName[]) {
    const subs = queueDefs[q].subscribes as readonly string[];
    if (!subs.length) continue;
    // An event the queue ignores by its rules (a pick scan's stock.moved, say) is never queued for it, so it has no
    // consumption row to find: the same rules as the relay and the reconciler.
    const ignored = ignoredSql(q, 'o');
    const row = await sqlOne<CountRow>(
      em,
      `select count(*)::int as n from outbox o where o.type = any(?::text[])
      and not (${ignored.text})
      and not exists (select 1 from event_consumption c where c.queue = ? and c.event_id = o.id)`,
      [`{${subs.join(',')}}`, ...ignored.params, q],
    );
    n += row!.n;
  }
  return n;
}

/** Orders of one external id: more than one is a duplicate; `status` is the least of them. */
type OrderCountRow = { external_id: string; n: number; status: string };
/** A shipment whose ship movements exceed its contents (or that moved stock before it shipped). */
type OverShippedRow = { shipment_id: string; shipped: number; content: number };
/** An order line's SKU that left stock more often than it was ordered. */
type OverOrderedRow = { order_id: string; sku_id: string };

/** Reads the whole system's state once and judges it; `settled` says whether waiting longer could change it. */
export async function checkInvariants(em: EntityManager, warehouseId: string, accepted: Set<string>) {
  const stuck = (await sqlOne<Stuck>(
    em,
    `select (select count(*)::int from sales_order where status = 'pending') as pending,
      (select count(*)::int from webhook_delivery where status = 'received') as received,
      (select count(*)::int from outbox where relayed_at is null) as unrelayed,
      (select count(*)::int from task where status in ('claimed', 'in_progress')) as held_tasks`,
  ))!;
  const orders = await sql<OrderCountRow>(
    em,
    `select external_id, count(*)::int as n, min(status) as status from sales_order where warehouse_id = ? group by external_id`,
    [warehouseId],
  );
  const duplicates = orders.filter((o) => o.n > 1).map((o) => o.external_id);
  const missing = [...accepted].filter((x) => !orders.some((o) => o.external_id === x));
  const notShipped = orders.filter((o) => accepted.has(o.external_id) && o.status !== 'shipped').map((o) => `${o.external_id}:${o.status}`);
  // Shipped twice: a shipment whose ship movements exceed its contents, an order packed twice, or an order line's SKU
  // leaving stock more often than it was ordered.
  const overShipped = await sql<OverShippedRow>(
    em,
    `select s.id as shipment_id, coalesce(m.qty, 0)::int as shipped, coalesce(c.qty, 0)::int as content
    from shipment s
    left join (select ref_id, sum(qty) as qty from stock_movement where type = 'ship' and ref_type = 'shipment' group by ref_id) m on m.ref_id = s.id::text
    left join (select id, sum((x->>'qty')::int) as qty from shipment, jsonb_array_elements(contents) x group by id) c on c.id = s.id
    where s.warehouse_id = ? and (coalesce(m.qty, 0) > coalesce(c.qty, 0) or (s.shipped_at is null and coalesce(m.qty, 0) > 0))`,
    [warehouseId],
  );
  const packedTwice = await sql<Pick<PackSessionRow, 'order_id'>>(
    em,
    `select order_id from pack_session where warehouse_id = ? and status = 'packed' group by order_id having count(*) > 1`,
    [warehouseId],
  );
  const overOrdered = await sql<OverOrderedRow>(
    em,
    `select s.order_id, m.sku_id from stock_movement m join shipment s on m.ref_type = 'shipment' and m.ref_id = s.id::text
    where m.type = 'ship' and s.warehouse_id = ? group by s.order_id, m.sku_id
    having sum(m.qty) > (select coalesce(sum(l.qty), 0) from order_line l where l.order_id = s.order_id and l.sku_id = m.sku_id)`,
    [warehouseId],
  );
  const ledger = await ledgerMismatches(em, warehouseId);
  const perSku = await sql<Pick<StockMovementRow, 'sku_id'>>(
    em,
    `select b.sku_id from (select sku_id, sum(on_hand) as on_hand from stock_balance group by sku_id) b
    full join (select sku_id, sum(case when to_location_id is not null then qty else 0 end) - sum(case when from_location_id is not null then qty else 0 end) as net
      from stock_movement group by sku_id) m on m.sku_id = b.sku_id
    where coalesce(b.on_hand, 0) <> coalesce(m.net, 0)`,
  );
  const negative = await sqlOne<CountRow>(em, `select count(*)::int as n from stock_balance where on_hand < 0 or reserved < 0`);
  const dlq = await sql<Pick<DeadLetterRow, 'job_id'>>(em, `select job_id from dead_letter where status = 'parked'`);
  const unconsumed = await unconsumedEvents(em);

  const invariants: SoakInvariants = {
    everyAcceptedOrderExistsOnce: duplicates.length === 0 && missing.length === 0,
    noneShippedTwice: overShipped.length === 0 && packedTwice.length === 0 && overOrdered.length === 0,
    everyAcceptedOrderShipped: notShipped.length === 0,
    ledgerBalancesPerSku: ledger.length === 0 && perSku.length === 0 && negative!.n === 0,
    everyEventReachedEverySubscriber: unconsumed === 0 && stuck.unrelayed === 0,
    noStuckWork: stuck.pending + stuck.received + stuck.unrelayed + stuck.held_tasks === 0,
    deadLettersOnlyInjectedPoison: dlq.length === 1 && dlq[0]!.job_id === 'soak-poison',
  };
  return {
    settled: invariants.everyEventReachedEverySubscriber && invariants.noStuckWork && invariants.everyAcceptedOrderShipped,
    invariants,
    counts: { orders: orders.reduce((a, o) => a + o.n, 0), shipped: orders.filter((o) => o.status === 'shipped').length },
    details: {
      duplicates,
      missing,
      notShipped: notShipped.slice(0, 20),
      overShipped,
      packedTwice,
      overOrdered,
      ledgerMismatches: ledger.length,
      perSkuMismatches: perSku,
      negativeBalances: negative!.n,
      unconsumedEvents: unconsumed,
      stuck,
      dlq,
    },
  };
}
