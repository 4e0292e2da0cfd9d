/**
 * Receiving by scan, one step per scan: an SSCC books its whole expected pallet as a new LPN; a GS1
 * case label books its SKU, lot, expiry and case quantity; a GTIN (or SKU code) books `qty` of the
 * scanned pack level. Stock enters through the ledger (type receipt, from the supplier). The ASN row
 * is locked for the scan, so scans of one ASN serialize; a re-sent client key answers what the first
 * call answered and books nothing again.
 */
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { placeHold } from '../inventory/holds.service.js';
import { postMovement, type StockStatus } from '../inventory/ledger.service.js';
import { createLpn } from '../inventory/lpn.service.js';
import { isScanError, parseScan, toGtin14 } from '../scanning/index.js';
import { Conflict, DomainError, NotFound, ValidationFailed } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { getAsn } from './asn.service.js';
import { allocateUnits, receiptIntent, unitsFor, type LineState } from './receipt-rules.js';
import type { ReceiveInput, ReceiveView } from './receiving.schemas.js';
import { Location } from '../layout/entities/location.entity.js';
import { Asn } from './entities/asn.entity.js';
import { AsnScan } from './entities/asn-scan.entity.js';
import { StockBalance } from '../inventory/entities/stock-balance.entity.js';
import { LicensePlate } from '../inventory/entities/license-plate.entity.js';
import { StockHold } from '../inventory/entities/stock-hold.entity.js';
import { AsnLine, type AsnLineRow } from './entities/asn-line.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import { moveAsn } from './asn.lifecycle.js';

export interface ReceiveCtx {
  userId?: string;
  deviceId?: string;
  /** The client's Idempotency-Key: the same key answers the first result again. */
  clientKey?: string;
  now: Date;
  /** Called after stock landed, to raise putaway work for it (kept out of this module: slotting decides where). */
  onReceived?: (tx: EntityManager, r: ReceivedStock) => Promise<string[]>;
}

export interface ReceivedStock {
  warehouseId: string;
  asnId: string;
  locationId: string;
  lpnId: string | null;
  items: { skuId: string; qty: number; lot: string | null; expiry: string | null; status: StockStatus }[];
}

type Received = ReceiveView['received'][number];

function scanProblem(raw: string): never {
  throw new ValidationFailed(
    `"${raw.slice(0, 60)}" is not something to receive: scan an SSCC, a case label or an item barcode`,
    [{ path: 'body.raw', message: 'not a receivable scan', code: 'not-receivable' }],
    'not-receivable',
  );
}

function parse(raw: string, now: Date) {
  try {
    return parseScan(raw, { now });
  } catch (e) {
    if (isScanError(e))
      throw new DomainError(`scan-${e.code}`, 422, 'Scan rejected', e.detail, [{ path: 'body.raw', message: e.detail, code: e.code }]);
    throw e;
  }
}

/** Where received goods land: the given location, else the ASN's dock, else the warehouse's first dock location. */
async function receivingLocation(tx: EntityManager, warehouseId: string, given: string | undefined, dock: string | null): Promise<string> {
  if (given) {
    const l = await tx.count(Location, { id: given, warehouse_id: warehouseId, active: true });
    if (!l)
      throw new ValidationFailed(`Location ${given} is not in this warehouse`, [{ path: 'body.locationId', message: 'unknown location' }]);
    return given;
  }
  if (dock) return dock;
  const first = await tx.findOne(
    Location,
    { warehouse_id: warehouseId, type: 'dock', active: true },
    { fields: ['id'], orderBy: { code: 'asc' }, disableIdentityMap: true },
  );
  if (!first)
    throw new ValidationFailed('This warehouse has no dock location: pass locationId', [
      { path: 'body.locationId', message: 'required: no dock location', code: 'no-receiving-location' },
    ]);
  return first.id;
}

/** Adds received (and damaged) units to an ASN line in the database (concurrent scans add up), optionally its pallet. */
async function bookOnLine(tx: EntityManager, lineId: string, qty: number, damaged: boolean, lpnId?: string): Promise<void> {
  await tx.nativeUpdate(
    AsnLine,
    { id: lineId },
    {
      qty_received: raw('qty_received + ?', [qty]),
      qty_damaged: raw('qty_damaged + ?', [damaged ? qty : 0]),
      ...(lpnId ? { lpn_id: lpnId } : {}),
    },
  );
}

/** An inspection SKU's receipt lands in quarantine behind a hold until QA lifts it (the ledger quarantines held lots). */
async function holdForInspection(tx: EntityManager, warehouseId: string, skuId: string, lot: string | null, ref: string, userId?: string) {
  // `lot: null` is `lot is null`, as `is not distinct from` was.
  const active = await tx.count(StockHold, {
    active: true,
    sku_id: skuId,
    warehouse_id: warehouseId,
    lot,
    reason: { $like: 'inspection%' },
  });
  if (!active) await placeHold(tx, { skuId, lot: lot ?? undefined, warehouseId, reason: `inspection: ASN ${ref}`, userId });
}
export type ReceiveScanRow = { result: { lpnId?: string; received: Received[]; putawayTaskIds?: string[] } };
export type ReceiveScanRow2 = Pick<AsnLineRow, 'id' | 'sku_id' | 'qty_expected' | 'qty_received' | 'lot' | 'lpn_id'> &
  Pick<SkuRow, 'code' | 'requires_inspection'> & { expiry: string | null };
/** An ASN line an item scan may book against (expiry, a date, as text). */
export type ReceiveItemLineRow = Pick<AsnLineRow, 'id' | 'sku_id' | 'lot' | 'qty_expected' | 'qty_received' | 'unexpected' | 'sscc'> & {
  expiry: string | null;
};
export type ReceiveScanRow3 = Pick<SkuRow, 'id' | 'code' | 'requires_inspection' | 'track_lot' | 'track_expiry'> & { qty_each: number };

export async function receiveScan(tx: EntityManager, asnId: string, input: ReceiveInput, ctx: ReceiveCtx): Promise<ReceiveView> {
  const a = await tx.findOne(
    Asn,
    { id: asnId },
    {
      fields: ['id', 'warehouse_id', 'reference', 'status', 'dock_location_id'],
      lockMode: LockMode.PESSIMISTIC_WRITE,
      disableIdentityMap: true,
    },
  );
  if (!a) throw new NotFound('ASN', asnId);
  if (ctx.clientKey) {
    const prior = await tx.findOne(AsnScan, { asn_id: asnId, client_key: ctx.clientKey }, { fields: ['result'], disableIdentityMap: true });
    if (prior) return { ...(await getAsn(tx, asnId)), ...(prior.result as ReceiveScanRow['result']) };
  }
  if (a.status === 'closed') throw new Conflict(`ASN ${a.reference} is closed`, 'asn-closed');
  const scan = parse(input.raw, ctx.now);
  const intent = receiptIntent(scan);
  if (!intent) scanProblem(input.raw);
  const locationId = await receivingLocation(tx, a.warehouse_id, input.locationId, a.dock_location_id ?? null);
  const status: StockStatus = input.damaged ? 'damaged' : 'available';
  const received: Received[] = [];
  const stock: ReceivedStock = { warehouseId: a.warehouse_id, asnId, locationId, lpnId: null, items: [] };
  const lineIds: string[] = [];

  const book = async (
    sku: { id: string; code: string; requires_inspection: boolean },
    qty: number,
    lot: string | null,
    expiry: string | null,
    lpnId: string | null,
    lineId: string,
  ) => {
    if (sku.requires_inspection && status === 'available')
      await holdForInspection(tx, a.warehouse_id, sku.id, lot, a.reference, ctx.userId);
    const mv = await postMovement(tx, {
      warehouseId: a.warehouse_id,
      type: 'receipt',
      skuId: sku.id,
      qty,
      to: { locationId, lot, expiry, lpnId, status },
      fromVirtual: 'supplier',
      userId: ctx.userId,
      deviceId: ctx.deviceId,
      refType: 'asn',
      refId: asnId,
    });
    // The ledger may have turned it to quarantine (a hold on the lot): report what really landed.
    const landed = await tx.findOne(StockBalance, { id: mv.toBalanceId }, { fields: ['status'], disableIdentityMap: true });
    received.push({ skuId: sku.id, sku: sku.code, qty, lot, expiry, status: landed!.status, lineId });
    stock.items.push({ skuId: sku.id, qty, lot, expiry, status: landed!.status });
  };

  if (intent!.kind === 'pallet') {
    const lines = await sql<ReceiveScanRow2>(
      tx,
      `select l.id, l.sku_id, s.code, s.requires_inspection, l.qty_expected, l.qty_received, l.lot, l.expiry::text as expiry, l.lpn_id
      from asn_line l join sku s on s.id = l.sku_id where l.asn_id = ? and l.sscc = ? order by l.line_no for update of l`,
      [asnId, intent!.sscc],
    );
    if (!lines.length)
      throw new ValidationFailed(
        `Pallet ${intent!.sscc} is not expected on ASN ${a.reference}: receive its cases by label`,
        [{ path: 'body.raw', message: 'SSCC not on this ASN', code: 'unexpected-pallet' }],
        'unexpected-pallet',
      );
    if (lines.some((l) => l.lpn_id) || (await tx.count(LicensePlate, { sscc: intent!.sscc })))
      throw new Conflict(`Pallet ${intent!.sscc} was already received`, 'pallet-already-received');
    const lpn = await createLpn(tx, { warehouseId: a.warehouse_id, type: 'pallet', locationId, sscc: intent!.sscc });
    stock.lpnId = lpn.id;
    for (const l of lines) {
      const qty = l.qty_expected - l.qty_received;
      if (qty <= 0) continue;
      await book({ id: l.sku_id, code: l.code, requires_inspection: l.requires_inspection }, qty, l.lot, l.expiry, lpn.id, l.id);
      await bookOnLine(tx, l.id, qty, status === 'damaged', lpn.id);
      lineIds.push(l.id);
    }
  } else {
    const it = intent!;
    const sku = it.gtin
      ? await sqlOne<ReceiveScanRow3>(
          tx,
          `select s.id, s.code, s.requires_inspection, s.track_lot, s.track_expiry, coalesce(u.qty_each, 1) as qty_each
          from sku_barcode b join sku s on s.id = b.sku_id left join sku_uom u on u.sku_id = s.id and u.level = b.uom_level
          where b.barcode = any(inventory_gtin_forms(?)) order by b.barcode = ? desc, length(b.barcode) desc limit 1`,
          // A GTIN is one number whatever its printed length; imported rows may hold the 13 (or 12, 8) printed digits.
          [toGtin14(it.gtin), toGtin14(it.gtin)],
        )
      : await sqlOne<ReceiveScanRow3>(
          tx,
          `with hit as (select sku_id, uom_level from sku_barcode where barcode = ? union all select id, 'each' from sku where code = ? limit 1)
          select s.id, s.code, s.requires_inspection, s.track_lot, s.track_expiry, coalesce(u.qty_each, 1) as qty_each
          from hit join sku s on s.id = hit.sku_id left join sku_uom u on u.sku_id = s.id and u.level = hit.uom_level`,
          [it.code, it.code],
        );
    if (!sku)
      throw new ValidationFailed(
        `No SKU has the barcode ${it.gtin ?? it.code}`,
        [{ path: 'body.raw', message: 'unknown item', code: 'unknown-item' }],
        'unknown-item',
      );
    const lines = (
      await sql<ReceiveItemLineRow>(
        tx,
        `select id, sku_id, lot, expiry::text as expiry, qty_expected, qty_received, unexpected, sscc from asn_line
        where asn_id = ? and sku_id = ? order by line_no for update`,
        [asnId, sku.id],
      )
    ).map((l): LineState & { expiry: string | null } => ({
      id: l.id,
      skuId: l.sku_id,
      lot: l.lot,
      expiry: l.expiry,
      qtyExpected: l.qty_expected,
      qtyReceived: l.qty_received,
      unexpected: l.unexpected,
      sscc: l.sscc,
    }));
    // Lot and expiry from the label; else from the ASN when it names exactly one for this SKU.
    const lots = [...new Set(lines.map((l) => l.lot).filter((x): x is string => !!x))];
    const lot = it.lot ?? (lots.length === 1 ? lots[0]! : null);
    const expiries = [
      ...new Set(
        lines
          .filter((l) => !lot || l.lot === lot)
          .map((l) => l.expiry)
          .filter((x): x is string => !!x),
      ),
    ];
    const expiry = it.expiry ?? (expiries.length === 1 ? expiries[0]! : null);
    if (sku.track_lot && !lot)
      throw new ValidationFailed(`SKU ${sku.code} is lot-tracked: scan the case label with its lot (AI 10)`, [
        { path: 'body.raw', message: 'lot required', code: 'lot-required' },
      ]);
    if (sku.track_expiry && !expiry)
      throw new ValidationFailed(`SKU ${sku.code} is expiry-tracked: scan the case label with its expiry (AI 17)`, [
        { path: 'body.raw', message: 'expiry required', code: 'expiry-required' },
      ]);
    const units = unitsFor(sku.qty_each, it.labelCount, input.qty);
    const { take } = allocateUnits(lines, sku.id, lot, units);
    let split = take;
    if (!split.length) {
      // Not on the ASN (or not in this lot): an unexpected line records it for the discrepancy report.
      const row = (await sqlOne<Pick<AsnLineRow, 'id'>>(
        tx,
        `insert into asn_line (asn_id, line_no, sku_id, qty_expected, lot, expiry, unexpected)
        values (?, (select coalesce(max(line_no), 0) + 1 from asn_line where asn_id = ?), ?, 0, ?, ?::date, true) returning id`,
        [asnId, asnId, sku.id, lot, expiry],
      ))!;
      split = [{ lineId: row.id, qty: units }];
    }
    await book(sku, units, lot, expiry, null, split[0]!.lineId);
    for (const t of split) {
      await bookOnLine(tx, t.lineId, t.qty, status === 'damaged');
      lineIds.push(t.lineId);
    }
  }

  await moveAsn(tx, a, 'receiving', { set: 'arrived_at = coalesce(arrived_at, ?)', setParams: [ctx.now.toISOString()] });
  const putawayTaskIds = ctx.onReceived ? await ctx.onReceived(tx, stock) : [];
  const result = { ...(stock.lpnId ? { lpnId: stock.lpnId } : {}), received, putawayTaskIds };
  await tx.insert(AsnScan, {
    asn_id: asnId,
    client_key: ctx.clientKey ?? null,
    raw: input.raw,
    kind: intent!.kind,
    line_ids: lineIds,
    lpn_id: stock.lpnId,
    location_id: locationId,
    damaged: !!input.damaged,
    photo_url: input.photoUrl ?? null,
    note: input.note ?? null,
    user_id: ctx.userId ?? null,
    result,
  });
  await emit(tx, {
    type: 'asn.received',
    warehouseId: a.warehouse_id,
    actorId: ctx.userId,
    payload: {
      asnId,
      reference: a.reference,
      lpnId: stock.lpnId,
      locationId,
      items: stock.items.map((i) => ({ skuId: i.skuId, qty: i.qty, lot: i.lot, status: i.status })),
    },
  });
  return { ...(await getAsn(tx, asnId)), ...result };
}
