/**
 * ASNs: create (with supplier upsert, SKU codes resolved, dock door checked), read, close. Closing
 * computes the discrepancies, stores them and emits `asn.closed` in the same transaction; the
 * webhook subscription path delivers it to whoever subscribed.
 */
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { discrepanciesOf } from './receipt-rules.js';
import type { AsnView, CreateAsnInput, Discrepancy } from './receiving.schemas.js';
import type { SupplierRow } from './entities/supplier.entity.js';
import { Sku } from '../catalog/entities/sku.entity.js';
import { Location } from '../layout/entities/location.entity.js';
import { PurchaseOrder } from './entities/purchase-order.entity.js';
import { Asn, type AsnRow } from './entities/asn.entity.js';
import type { AsnLineRow } from './entities/asn-line.entity.js';
import { moveAsn } from './asn.lifecycle.js';
import { iso } from '../shared/time.js';

const newestFirst = keyset(['time', 'uuid']);

/** The supplier with this name (case-insensitive), created when new. */
export async function upsertSupplier(tx: EntityManager, name: string): Promise<{ id: string; name: string }> {
  const row = await sqlOne<Pick<SupplierRow, 'id' | 'name'>>(
    tx,
    `insert into supplier (name) values (?) on conflict ((lower(name))) do update set name = supplier.name returning id, name`,
    [name.trim()],
  );
  return row!;
}

/** SKU ids by code; unknown codes are field errors at `path(i)`. */
export async function skuIdsByCode(tx: EntityManager, codes: string[], path: (i: number) => string): Promise<Map<string, string>> {
  const rows = await tx.find(Sku, { code: { $in: [...new Set(codes)] } }, { fields: ['id', 'code'], disableIdentityMap: true });
  const byCode = new Map(rows.map((r) => [r.code, r.id]));
  const errors: FieldError[] = [];
  codes.forEach((c, i) => {
    if (!byCode.has(c)) errors.push({ path: path(i), message: `unknown SKU ${c}`, code: 'unknown-sku' });
  });
  if (errors.length)
    throw new ValidationFailed(`Unknown SKU codes: ${[...new Set(errors.map((e) => e.message.slice(12)))].join(', ')}`, errors);
  return byCode;
}

/** Dock location for a door code in the warehouse (a `dock` location), or a field error. */
export async function dockLocation(tx: EntityManager, warehouseId: string, door: string, path: string): Promise<string> {
  const loc = await tx.findOne(
    Location,
    { warehouse_id: warehouseId, code: door, type: 'dock', active: true },
    { fields: ['id'], disableIdentityMap: true },
  );
  if (!loc)
    throw new ValidationFailed(`No dock location ${door} in this warehouse`, [
      { path, message: 'unknown dock door', code: 'unknown-dock' },
    ]);
  return loc.id;
}

export async function createAsn(tx: EntityManager, input: CreateAsnInput, userId?: string): Promise<AsnView> {
  const skus = await skuIdsByCode(
    tx,
    input.lines.map((l) => l.sku),
    (i) => `body.lines.${i}.sku`,
  );
  const supplier = await upsertSupplier(tx, input.supplier.name);
  let poId: string | null = null;
  if (input.poReference) {
    const po = await tx.findOne(
      PurchaseOrder,
      { warehouse_id: input.warehouseId, reference: input.poReference },
      { fields: ['id'], disableIdentityMap: true },
    );
    if (!po)
      throw new ValidationFailed(`No purchase order ${input.poReference}`, [
        { path: 'body.poReference', message: 'unknown purchase order' },
      ]);
    poId = po.id;
  }
  const dockId = input.dockDoor ? await dockLocation(tx, input.warehouseId, input.dockDoor, 'body.dockDoor') : null;
  const asn = await sqlOne<Pick<AsnRow, 'id'>>(
    tx,
    `insert into asn (warehouse_id, supplier_id, po_id, reference, expected_at, dock_door, dock_location_id, created_by)
    values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (warehouse_id, reference) do nothing returning id`,
    [input.warehouseId, supplier.id, poId, input.reference, input.expectedAt ?? null, input.dockDoor ?? null, dockId, userId ?? null],
  );
  if (!asn) throw new Conflict(`ASN ${input.reference} already exists in this warehouse`, 'asn-exists');
  await sql(
    tx,
    `insert into asn_line (asn_id, line_no, sku_id, qty_expected, lot, expiry, sscc)
    select ?, t.n, t.sku_id, t.qty, t.lot, t.expiry::date, t.sscc
    from jsonb_to_recordset(?::jsonb) as t(n int, sku_id uuid, qty int, lot text, expiry text, sscc text)`,
    [
      asn.id,
      JSON.stringify(
        input.lines.map((l, i) => ({
          n: i + 1,
          sku_id: skus.get(l.sku),
          qty: l.qty,
          lot: l.lot ?? null,
          expiry: l.expiry ?? null,
          sscc: l.sscc ?? null,
        })),
      ),
    ],
  );
  await emit(tx, {
    type: 'asn.created',
    warehouseId: input.warehouseId,
    actorId: userId,
    payload: { asnId: asn.id, reference: input.reference, supplierId: supplier.id, lineCount: input.lines.length },
  });
  return getAsn(tx, asn.id);
}

/** An ASN with its supplier's name, as the views read it. */
export type AsnWithSupplierRow = AsnRow & { supplier_name: string };
/** An ASN line with its SKU code and its expiry date as text. */
export type AsnLineViewRow = AsnLineRow & { expiry_s: string | null; sku_code: string };

/** The ASN with its lines (404 when missing). */
export async function getAsn(em: EntityManager, id: string): Promise<AsnView> {
  // Raw SQL: one join for the view, plus the date column as text (a date has no time zone to shift).
  const a = await sqlOne<AsnWithSupplierRow>(
    em,
    `select a.*, s.name as supplier_name from asn a join supplier s on s.id = a.supplier_id where a.id = ?`,
    [id],
  );
  if (!a) throw new NotFound('ASN', id);
  const lines = await sql<AsnLineViewRow>(
    em,
    `select l.*, l.expiry::text as expiry_s, s.code as sku_code from asn_line l join sku s on s.id = l.sku_id where l.asn_id = ? order by l.line_no`,
    [id],
  );
  const arrived = a.arrived_at ? new Date(a.arrived_at).getTime() : null;
  const stocked = a.stocked_at ? new Date(a.stocked_at).getTime() : null;
  return {
    id: a.id,
    warehouseId: a.warehouse_id,
    reference: a.reference,
    supplier: { id: a.supplier_id, name: a.supplier_name },
    status: a.status,
    expectedAt: iso(a.expected_at),
    dockDoor: a.dock_door,
    dockLocationId: a.dock_location_id,
    arrivedAt: iso(a.arrived_at),
    closedAt: iso(a.closed_at),
    stockedAt: iso(a.stocked_at),
    dockToStockS: arrived !== null && stocked !== null ? Math.max(0, Math.round((stocked - arrived) / 1000)) : null,
    lines: lines.map((l) => ({
      id: l.id,
      sku: l.sku_code,
      skuId: l.sku_id,
      qtyExpected: l.qty_expected,
      qtyReceived: l.qty_received,
      qtyDamaged: l.qty_damaged,
      lot: l.lot,
      expiry: l.expiry_s,
      sscc: l.sscc,
      lpnId: l.lpn_id,
      unexpected: l.unexpected,
    })),
    ...(a.discrepancies ? { discrepancies: a.discrepancies as Discrepancy[] } : {}),
  };
}

/** Warehouse of an ASN (for the caller's scope check before anything else); 404 when missing. */
export async function asnWarehouse(em: EntityManager, id: string): Promise<string> {
  const r = await em.findOne(Asn, { id }, { fields: ['warehouse_id'], disableIdentityMap: true });
  if (!r) throw new NotFound('ASN', id);
  return r.warehouse_id;
}

/**
 * Closes the receipt: computes over/short/unexpected/damaged per line, stores them, books the
 * received quantities on the purchase order and emits `asn.closed`. Closing again answers the same.
 */
export async function closeAsn(
  tx: EntityManager,
  id: string,
  userId?: string,
): Promise<AsnView & { status: 'closed'; discrepancies: Discrepancy[] }> {
  const a = await sqlOne<AsnWithSupplierRow>(
    tx,
    `select a.*, s.name as supplier_name from asn a join supplier s on s.id = a.supplier_id where a.id = ? for update of a`,
    [id],
  );
  if (!a) throw new NotFound('ASN', id);
  if (a.status === 'closed') {
    const v = await getAsn(tx, id);
    return { ...v, status: 'closed', discrepancies: v.discrepancies ?? [] };
  }
  const lines = await sql<AsnClosingLineRow>(
    tx,
    `select l.*, s.code as sku_code,
      (select coalesce(array_agg(sc.photo_url order by sc.created_at), '{}') from asn_scan sc
        where sc.asn_id = l.asn_id and sc.damaged and sc.photo_url is not null and l.id = any(sc.line_ids)) as photos
    from asn_line l join sku s on s.id = l.sku_id where l.asn_id = ? order by l.line_no`,
    [id],
  );
  const discrepancies = discrepanciesOf(
    lines.map((l) => ({
      sku: l.sku_code,
      lot: l.lot,
      qtyExpected: l.qty_expected,
      qtyReceived: l.qty_received,
      qtyDamaged: l.qty_damaged,
      unexpected: l.unexpected,
      photoUrls: l.photos,
    })),
  );
  await moveAsn(tx, { id, status: a.status }, 'closed', {
    set: 'closed_at = now(), discrepancies = ?::jsonb',
    setParams: [JSON.stringify(discrepancies)],
  });
  const closed = await tx.findOneOrFail(Asn, { id }, { fields: ['closed_at'], disableIdentityMap: true });
  if (a.po_id)
    await sql(
      tx,
      `update purchase_order_line p set qty_received = p.qty_received + r.q
      from (select sku_id, sum(qty_received)::int as q from asn_line where asn_id = ? group by sku_id) r
      where p.po_id = ? and p.sku_id = r.sku_id`,
      [id, a.po_id],
    );
  await emit(tx, {
    type: 'asn.closed',
    warehouseId: a.warehouse_id,
    actorId: userId,
    payload: { asnId: id, reference: a.reference, supplier: a.supplier_name, discrepancies, closedAt: iso(closed.closed_at)! },
  });
  await markStockedIfDone(tx, id);
  const v = await getAsn(tx, id);
  return { ...v, status: 'closed', discrepancies };
}

/**
 * ASNs of a warehouse, newest first, keyset-paginated (the opaque cursor holds created_at and id of the last item).
 * `ref` is what the delivery note shows: the ASN's reference or the purchase order number it ships against (one PO
 * can arrive as several ASNs); both by their unique keys.
 */
export async function listAsns(
  em: EntityManager,
  q: { warehouseId: string; status?: string; ref?: string; limit: number; cursor?: string },
) {
  const after = newestFirst.after(q.cursor);
  const ref = q.ref ?? null;
  const rows = await sql<AsnListRow>(
    em,
    `select a.id, a.reference, a.status, a.expected_at, a.dock_door, a.created_at, s.name as supplier_name, po.reference as po_reference,
      (select count(*)::int from asn_line l where l.asn_id = a.id) as line_count
    from asn a join supplier s on s.id = a.supplier_id left join purchase_order po on po.id = a.po_id
    where a.warehouse_id = ? and (?::text is null or a.status = ?)
      and (?::text is null or a.reference = ? or a.po_id = (select p.id from purchase_order p where p.warehouse_id = a.warehouse_id and p.reference = ?))
      and (?::timestamptz is null or (a.created_at, a.id) < (?::timestamptz, ?::uuid))
    order by a.created_at desc, a.id desc limit ?`,
    [
      q.warehouseId,
      q.status ?? null,
      q.status ?? null,
      ref,
      ref,
      ref,
      after?.[0] ?? null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      q.limit + 1,
    ],
  );
  const p = newestFirst.page(rows, q.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  return {
    items: p.items.map((r) => ({
      id: r.id,
      reference: r.reference,
      poReference: r.po_reference,
      status: r.status,
      supplier: r.supplier_name,
      expectedAt: iso(r.expected_at),
      dockDoor: r.dock_door,
      lineCount: r.line_count,
    })),
    nextCursor: p.nextCursor,
  };
}
/** An ASN line as closing reads it: its SKU code and the photos of damaged scans that touched it. */
export type AsnClosingLineRow = AsnLineRow & { sku_code: string; photos: string[] };
/** A row of the ASN list (joins and a count: raw SQL). */
export type AsnListRow = Pick<AsnRow, 'id' | 'reference' | 'status' | 'expected_at' | 'dock_door' | 'created_at'> & {
  supplier_name: string;
  po_reference: string | null;
  line_count: number;
};
export type MarkStockedIfDoneRow = Pick<AsnRow, 'warehouse_id' | 'reference'> & { s: number };

/**
 * Dock-to-stock: once the ASN is closed and none of its putaway tasks is still open, the receipt is
 * stocked; the time from the first receiving scan is recorded and announced (`asn.stocked`). Called
 * when a putaway completes and when an ASN closes; the first call that finds it done records it.
 */
export async function markStockedIfDone(tx: EntityManager, asnId: string): Promise<void> {
  const row = await sqlOne<MarkStockedIfDoneRow>(
    tx,
    `update asn a set stocked_at = now() where a.id = ? and a.status = 'closed' and a.stocked_at is null and a.arrived_at is not null
      and not exists (select 1 from task t where t.type = 'putaway' and t.details->>'asnId' = a.id::text and t.status in ('open', 'claimed', 'in_progress'))
    returning a.warehouse_id, a.reference, greatest(0, round(extract(epoch from (a.stocked_at - a.arrived_at))))::int as s`,
    [asnId],
  );
  if (row)
    await emit(tx, {
      type: 'asn.stocked',
      warehouseId: row.warehouse_id,
      payload: { asnId, reference: row.reference, dockToStockS: row.s },
    });
}
