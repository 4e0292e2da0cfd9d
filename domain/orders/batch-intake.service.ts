import type { EntityManager } from '@mikro-orm/postgresql';
import { emit, type EmitInput } from '../events/outbox.js';
import type { Clock } from '../shared/clock.js';
import { pgArray, pgNullableArray, sql } from '../shared/sql.js';
import { allocateOrdersBatch } from './batch-allocation.service.js';
import type { ConnectorRow } from './connector.service.js';
import { readDeliveryBody, topicAction } from './delivery-body.js';
import { processDelivery } from './intake.service.js';
import type { NormalizedOrder } from './normalize/normalized-order.js';
import { headerHold } from './order-import.service.js';
import { logOrderEntries, type LogEntry } from './order-log.js';
import { resolveSkus, unmappedReason } from './sku-resolution.js';
import type { WebhookDeliveryRow } from './entities/webhook-delivery.entity.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { OrderLineRow } from './entities/order-line.entity.js';
import type { CustomerAllocationRuleRow } from './entities/customer-allocation-rule.entity.js';

export type ClaimedDelivery = Pick<WebhookDeliveryRow, 'id' | 'connector_id' | 'source' | 'delivery_id' | 'topic' | 'raw_body'>;

export interface BatchIntakeResult {
  /** Deliveries this batch claimed (and finished: processed, ignored, failed). */
  claimed: number;
  /** Orders created by the set-based path (and allocated in the same transaction). */
  created: number;
  /** Deliveries that took the one-by-one path (updates, cancellations, deletions, dead letters, repeats of an order). */
  oneByOne: number;
  allocated: number;
  backordered: number;
}

/** A new order the set-based path creates: the delivery, its connector and the mapped order. */
interface NewOrder {
  d: ClaimedDelivery;
  c: ConnectorRow;
  o: NormalizedOrder;
  skuIds: (string | null)[];
  holdReason?: string;
  minShelf: number | null;
  id?: string;
}

/**
 * Claims up to `limit` stored deliveries (oldest first, FOR UPDATE SKIP LOCKED, so any number of workers drain the
 * backlog side by side without waiting on each other) and imports them in the caller's transaction: the first
 * delivery of an order not seen before goes through set-based SQL (orders, lines, log and outbox rows inserted with
 * `unnest`, one statement each for the whole batch), then the new pending orders are allocated together
 * (`allocateOrdersBatch`). Everything else — a later delivery of the same order (update, out of order), a
 * cancellation, a deletion, a body that is not an order — goes through the one-by-one `processDelivery`, after the
 * set-based part, in arrival order, so the importer's exactly-once and newest-wins rules apply unchanged.
 *
 * Exactly once: a delivery row is claimed under its row lock and leaves status `received` in the same transaction
 * that creates its order; the order itself is unique per (connector, external id) and inserted with ON CONFLICT DO
 * NOTHING (a conflicting one falls back to the importer's update path). `include` puts one delivery in the claim
 * (the webhook-intake job's own, whatever its attempts) when nobody else holds it.
 */
export async function processDeliveryBatch(
  tx: EntityManager,
  clock: Clock,
  opts: { limit: number; include?: string },
): Promise<BatchIntakeResult> {
  // SKIP LOCKED inside the limited scan, so a second claimer takes the next deliveries instead of none. Deliveries
  // that failed before (attempts > 0) are left to their own job's retries and the sweep, with their attempt limit:
  // a poison body must not fail batch after batch.
  const claimed = await sql<ClaimedDelivery>(
    tx,
    `with own as (
      select id, connector_id, source, delivery_id, topic, raw_body, received_at from webhook_delivery
      where id = ?::uuid and status = 'received' for update skip locked
    ), next as (
      select id, connector_id, source, delivery_id, topic, raw_body, received_at from webhook_delivery
      where status = 'received' and attempts = 0 and id is distinct from ?::uuid order by received_at limit ? for update skip locked
    )
    select id, connector_id, source, delivery_id, topic, raw_body from (select * from own union all select * from next) c
    order by received_at, id`,
    [opts.include ?? null, opts.include ?? null, opts.include ? opts.limit - 1 : opts.limit],
  );
  const result: BatchIntakeResult = { claimed: claimed.length, created: 0, oneByOne: 0, allocated: 0, backordered: 0 };
  if (!claimed.length) return result;

  const connectors = new Map(
    (
      await sql<ConnectorRow>(tx, 'select * from connector where id = any(?::uuid[])', [
        `{${[...new Set(claimed.map((d) => d.connector_id))].join(',')}}`,
      ])
    ).map((c) => [c.id, c]),
  );
  const fresh: NewOrder[] = [];
  const slow: string[] = [];
  const ignored: { id: string; error: string }[] = [];
  const seen = new Set<string>();
  for (const d of claimed) {
    const c = connectors.get(d.connector_id)!;
    const kind = d.source === 'poll' ? (c.kind === 'api' ? 'shopify' : c.kind) : d.source;
    const action = d.source === 'poll' ? 'import' : topicAction(kind, d.topic);
    if (action === 'ignore' || action === 'unknown') {
      ignored.push({ id: d.id, error: `topic ${d.topic}` });
      continue;
    }
    // The importer's own reading (delivery-body.ts); a body that is not an order goes one by one to be dead-lettered.
    const read = action === 'import' ? readDeliveryBody(kind, action, d.raw_body) : undefined;
    const o = read?.ok && read.action === 'import' ? read.order : undefined;
    const key = o ? `${c.id}|${o.externalId}` : undefined;
    if (o && key && !seen.has(key) && !o.cancelled) fresh.push({ d, c, o, skuIds: [], minShelf: null });
    else slow.push(d.id);
    if (key) seen.add(key);
  }

  let created: NewOrder[] = [];
  if (fresh.length) {
    await prepareNewOrders(tx, fresh);
    created = await insertNewOrders(tx, fresh);
    result.created = created.length;
    // An order that existed already (created by an earlier delivery or a concurrent batch) is an update: one by one.
    const createdIds = new Set(created.map((n) => n.d.id));
    slow.push(...fresh.filter((n) => !createdIds.has(n.d.id)).map((n) => n.d.id));
    await sql(
      tx,
      `update webhook_delivery d set status = 'processed', order_id = x.order_id, error = null, attempts = d.attempts + 1, processed_at = now()
      from unnest(?::uuid[], ?::uuid[]) as x(id, order_id) where d.id = x.id`,
      [`{${created.map((n) => n.d.id).join(',')}}`, `{${created.map((n) => n.id).join(',')}}`],
    );
  }
  if (ignored.length)
    await sql(
      tx,
      `update webhook_delivery d set status = 'ignored', error = x.error, attempts = d.attempts + 1, processed_at = now()
      from unnest(?::uuid[], ?::text[]) as x(id, error) where d.id = x.id`,
      [`{${ignored.map((i) => i.id).join(',')}}`, pgArray(ignored.map((i) => i.error))],
    );
  // The rest in arrival order (a conflicted first delivery is older than any repeat of its order in this batch).
  const rank = new Map(claimed.map((d, i) => [d.id, i]));
  for (const id of slow.sort((a, b) => rank.get(a)! - rank.get(b)!)) await processDelivery(tx, id);
  result.oneByOne = slow.length;
  // Allocation last: it serializes batches of a warehouse until commit (see allocateOrdersBatch).
  const pending = created.filter((n) => !n.holdReason);
  const outcomes = await allocateOrdersBatch(
    tx,
    pending.map((n) => n.id!),
    clock,
    {
      trigger: 'order.created',
      shelfLife: new Map(pending.map((n) => [n.id!, n.minShelf])),
      warehouseIds: [...new Set(pending.map((n) => n.c.warehouse_id))],
    },
  );
  for (const a of outcomes) {
    if (a.status === 'allocated') result.allocated++;
    else if (a.status === 'backordered') result.backordered++;
  }
  return result;
}

/** SKU resolution (per connector, all lines at once), hold reasons and customer shelf-life rules of the batch. */
async function prepareNewOrders(tx: EntityManager, fresh: NewOrder[]): Promise<void> {
  const byConnector = new Map<string, NewOrder[]>();
  for (const n of fresh) byConnector.set(n.c.id, [...(byConnector.get(n.c.id) ?? []), n]);
  for (const group of byConnector.values()) {
    const skuIds = await resolveSkus(
      tx,
      group[0]!.c,
      group.flatMap((n) => n.o.lines),
    );
    let at = 0;
    for (const n of group) {
      n.skuIds = skuIds.slice(at, at + n.o.lines.length);
      at += n.o.lines.length;
      n.holdReason =
        [
          unmappedReason(
            n.o.lines.map((l, i) => ({ ...l, lineNo: i + 1 })),
            n.skuIds,
          ),
          headerHold(n.o),
        ]
          .filter(Boolean)
          .join(' ') || undefined;
    }
  }
  // The importer's rule (customerShelfLife): the order's own value, else the strictest rule for the customer, else the connector's.
  const keysOf = (o: NormalizedOrder) => [o.customer.externalId, o.customer.email?.toLowerCase()].filter((k): k is string => !!k);
  const allKeys = [...new Set(fresh.filter((n) => n.o.minShelfLifeDays === undefined).flatMap((n) => keysOf(n.o)))];
  const rules = allKeys.length
    ? await sql<Pick<CustomerAllocationRuleRow, 'connector_id' | 'customer_key' | 'min_shelf_life_days'>>(
        tx,
        'select connector_id, customer_key, min_shelf_life_days from customer_allocation_rule where connector_id = any(?::uuid[]) and customer_key = any(?::text[])',
        [`{${[...byConnector.keys()].join(',')}}`, pgArray(allKeys)],
      )
    : [];
  const rule = new Map(rules.map((r) => [`${r.connector_id}|${r.customer_key}`, Number(r.min_shelf_life_days)]));
  for (const n of fresh) {
    if (n.o.minShelfLifeDays !== undefined) {
      n.minShelf = n.o.minShelfLifeDays;
      continue;
    }
    const found = keysOf(n.o)
      .map((k) => rule.get(`${n.c.id}|${k}`))
      .filter((v): v is number => v !== undefined);
    n.minShelf = found.length ? Math.max(...found) : (n.c.min_shelf_life_days ?? null);
  }
}

/**
 * Inserts the orders (ON CONFLICT DO NOTHING on the (connector, external id) key, in key order so two batches
 * racing on the same orders wait instead of deadlocking), their lines, their log entries and their
 * order.created / order.held events. Returns the orders actually created, with their ids.
 */
async function insertNewOrders(tx: EntityManager, fresh: NewOrder[]): Promise<NewOrder[]> {
  const col = <T>(f: (n: NewOrder) => T) => fresh.map(f);
  const rows = await sql<Pick<SalesOrderRow, 'id' | 'connector_id' | 'external_id'>>(
    tx,
    `insert into sales_order (warehouse_id, connector_id, external_id, source, status, hold_reason,
      external_number, customer, ship_to, shipping_method, promise_date, priority_rank, currency, subtotal_minor, shipping_minor, tax_minor,
      discount_minor, total_minor, tags, notes, min_shelf_life_days, external_created_at, external_updated_at)
    select w, c, e, src, st, hr, en, cu::jsonb, sh::jsonb, sm, pd, pr, cur, sub, shp, tax, dis, tot, tg::text[], nt, msl, eca, eua
    from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
      ?::timestamptz[], ?::smallint[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
      ?::int[], ?::timestamptz[], ?::timestamptz[])
      as x(w, c, e, src, st, hr, en, cu, sh, sm, pd, pr, cur, sub, shp, tax, dis, tot, tg, nt, msl, eca, eua)
    order by c, e
    on conflict (connector_id, external_id) where connector_id is not null do nothing
    returning id, connector_id, external_id`,
    [
      pgNullableArray(col((n) => n.c.warehouse_id)),
      pgNullableArray(col((n) => n.c.id)),
      pgNullableArray(col((n) => n.o.externalId)),
      pgNullableArray(col((n) => n.d.source)),
      pgNullableArray(col((n) => (n.holdReason ? 'on_hold' : 'pending'))),
      pgNullableArray(col((n) => n.holdReason ?? null)),
      pgNullableArray(col((n) => n.o.externalNumber ?? null)),
      pgNullableArray(col((n) => JSON.stringify(n.o.customer))),
      pgNullableArray(col((n) => JSON.stringify(n.o.shipTo))),
      pgNullableArray(col((n) => n.o.shippingMethod ?? null)),
      pgNullableArray(col((n) => n.o.promiseDate ?? null)),
      pgNullableArray(col((n) => (n.o.priority === 'express' ? 0 : 1))),
      pgNullableArray(col((n) => n.o.currency)),
      pgNullableArray(col((n) => n.o.subtotalMinor)),
      pgNullableArray(col((n) => n.o.shippingMinor)),
      pgNullableArray(col((n) => n.o.taxMinor)),
      pgNullableArray(col((n) => n.o.discountMinor)),
      pgNullableArray(col((n) => n.o.totalMinor)),
      pgNullableArray(col((n) => pgArray(n.o.tags))),
      pgNullableArray(col((n) => n.o.notes ?? null)),
      pgNullableArray(col((n) => n.minShelf)),
      pgNullableArray(col((n) => n.o.createdAt ?? null)),
      pgNullableArray(col((n) => n.o.updatedAt ?? null)),
    ],
  );
  const idOf = new Map(rows.map((r) => [`${r.connector_id}|${r.external_id}`, r.id]));
  const created: NewOrder[] = [];
  for (const n of fresh) {
    n.id = idOf.get(`${n.c.id}|${n.o.externalId}`);
    if (n.id) created.push(n);
  }
  if (!created.length) return created;
  const lines = created.flatMap((n) => n.o.lines.map((l, i) => ({ n, l, i })));
  if (lines.length)
    await sql<Pick<OrderLineRow, 'id'>>(
      tx,
      `insert into order_line (order_id, line_no, external_line_id, external_sku, external_ref, barcode, name, sku_id, qty, unit_price_minor, discount_minor)
      select * from unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::int[], ?::bigint[], ?::bigint[])`,
      [
        pgNullableArray(lines.map((x) => x.n.id!)),
        pgNullableArray(lines.map((x) => x.i + 1)),
        pgNullableArray(lines.map((x) => x.l.externalLineId ?? null)),
        pgNullableArray(lines.map((x) => x.l.sku ?? null)),
        pgNullableArray(lines.map((x) => x.l.externalRef ?? null)),
        pgNullableArray(lines.map((x) => x.l.barcode ?? null)),
        pgNullableArray(lines.map((x) => x.l.name)),
        pgNullableArray(lines.map((x) => x.n.skuIds[x.i] ?? null)),
        pgNullableArray(lines.map((x) => x.l.qty)),
        pgNullableArray(lines.map((x) => x.l.unitPriceMinor)),
        pgNullableArray(lines.map((x) => x.l.discountMinor)),
      ],
    );
  // The entries and events the importer writes for a new order, in its order: held (if so), created.
  const log: (LogEntry & { orderId: string })[] = [];
  const events: EmitInput<'order.created' | 'order.held'>[] = [];
  for (const n of created) {
    if (n.holdReason) log.push({ orderId: n.id!, category: 'hold', action: 'held', message: n.holdReason });
    log.push({
      orderId: n.id!,
      category: 'intake',
      action: 'created',
      message: `Imported from ${n.d.source}${n.o.externalNumber ? ` as ${n.o.externalNumber}` : ''} with ${n.o.lines.length} line(s)`,
      data: { updatedAt: n.o.updatedAt },
    });
    events.push({
      type: 'order.created',
      warehouseId: n.c.warehouse_id,
      payload: {
        orderId: n.id!,
        externalId: n.o.externalId,
        connectorId: n.c.id,
        status: n.holdReason ? 'on_hold' : 'pending',
        priorityRank: n.o.priority === 'express' ? 0 : 1,
        // This transaction allocates the order too: the allocation trigger has nothing left to do.
        allocatedInTx: !n.holdReason,
      },
    });
    if (n.holdReason) events.push({ type: 'order.held', warehouseId: n.c.warehouse_id, payload: { orderId: n.id!, reason: n.holdReason } });
  }
  await logOrderEntries(tx, log);
  await emit(tx, ...events);
  return created;
}

/** Deliveries waiting for their first import, oldest first (the fallback path of a batch that failed). */
export async function waitingDeliveryIds(em: EntityManager, limit: number): Promise<string[]> {
  const rows = await sql<Pick<WebhookDeliveryRow, 'id'>>(
    em,
    `select id from webhook_delivery where status = 'received' and attempts = 0 order by received_at limit ?`,
    [limit],
  );
  return rows.map((r) => r.id);
}
