import { raw, type EntityManager } from '@mikro-orm/postgresql';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { emit } from '../events/outbox.js';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { raiseException } from './carrier-selection.service.js';
import { shipParcel } from './label.service.js';
import { localParts } from './transit.js';
import { Warehouse } from '../layout/entities/warehouse.entity.js';
import { Carrier } from './entities/carrier.entity.js';
import { ShippingException } from './entities/shipping-exception.entity.js';
import { moveShipments } from './shipment.lifecycle.js';

type Row = Record<string, any> & { id: string; warehouse_id: string };

/** Who took the parcels at the dock: a 3PL partner's driver must be named (custody changes hands). */
export interface HandedOverTo {
  name: string;
  vehicleRegistration?: string;
  company?: string;
}

export interface ManifestView {
  id: string;
  warehouseId: string;
  carrier: string;
  shipDate: string;
  createdAt: string;
  handedOverTo: HandedOverTo | null;
  shipments: { id: string; orderId: string | null; service: string; trackingNumber: string; sscc: string; weightG: number }[];
}

/** Manifest barcode content: the manifest id without dashes, prefixed, in Code 128. */
export const manifestCode = (id: string) => `MF${id.replace(/-/g, '').toUpperCase()}`;

/**
 * End-of-day close-out per carrier: every labelled, unvoided, not yet manifested parcel of the carrier in the
 * warehouse goes on one manifest; the parcels lock (no void, no relabel) and leave stock (`ship` movements) as the
 * carrier takes them. Open "unmanifested at cut-off" exceptions of those parcels are resolved.
 * A 3PL partner's manifest is its handover: the driver who takes the parcels must be named (422 otherwise), and is
 * printed on the manifest for signature.
 */
export async function createManifest(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  carrier: string,
  now: Date,
  handedOverTo?: HandedOverTo,
): Promise<ManifestView> {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  const c = await em.findOne(Carrier, { code: carrier }, { fields: ['mode', 'name'], disableIdentityMap: true });
  if (!c) throw new NotFound('Carrier', carrier);
  if (c.mode === '3pl' && !handedOverTo?.name?.trim())
    throw new ValidationFailed(
      `${c.name} is a 3PL partner: name the driver who takes the parcels`,
      [{ path: 'body.handedOverTo.name', message: 'required for a 3PL handover' }],
      'handover-unnamed',
    );
  const ships = await sql<Row>(
    em,
    `select s.* from shipment s where s.warehouse_id = ? and s.carrier_code = ? and s.status = 'labelled' and s.manifest_id is null
      and exists (select 1 from shipment_label l where l.shipment_id = s.id and l.status = 'active')
    order by s.labelled_at, s.id for update of s`,
    [warehouseId, carrier],
  );
  if (!ships.length)
    throw new ValidationFailed(
      `No labelled parcels of ${carrier} are waiting for a manifest`,
      [{ path: 'body.carrier', message: 'nothing to manifest' }],
      'nothing-to-manifest',
    );
  const wh = await em.findOne(Warehouse, { id: warehouseId }, { fields: ['timezone'], disableIdentityMap: true });
  const shipDate = localParts(now, wh?.timezone ?? 'UTC').date;
  const m = (await sqlOne<Row>(
    em,
    `insert into manifest (warehouse_id, carrier_code, ship_date, shipment_ids, created_by, handed_over_to)
    values (?, ?, ?::date, ?::uuid[], ?, ?::jsonb) returning *`,
    [warehouseId, carrier, shipDate, `{${ships.map((s) => s.id).join(',')}}`, actor.id, handedOverTo ? JSON.stringify(handedOverTo) : null],
  ))!;
  await moveShipments(
    em,
    ships.map((s) => s.id),
    'manifested',
    { set: 'manifest_id = ?', setParams: [m.id] },
  );
  await em.nativeUpdate(
    ShippingException,
    { shipment_id: { $in: ships.map((s) => s.id) }, kind: 'unmanifested-at-cutoff', resolved_at: null },
    { resolved_at: raw('now()') },
  );
  for (const s of ships) await shipParcel(em, s, { userId: actor.id, manifestId: m.id });
  await emit(em, {
    type: 'manifest.created',
    warehouseId,
    actorId: actor.id,
    payload: { manifestId: m.id, carrierCode: carrier, shipDate, shipmentIds: ships.map((s) => s.id) },
  });
  return manifestView(m, ships);
}

function manifestView(m: Row, ships: Row[]): ManifestView {
  return {
    id: m.id,
    warehouseId: m.warehouse_id,
    carrier: m.carrier_code,
    shipDate: typeof m.ship_date === 'string' ? m.ship_date.slice(0, 10) : localParts(new Date(m.ship_date), 'UTC').date,
    createdAt: new Date(m.created_at).toISOString(),
    handedOverTo: (m.handed_over_to as HandedOverTo | null) ?? null,
    shipments: ships.map((s) => ({
      id: s.id,
      orderId: s.order_id,
      service: s.service_code,
      trackingNumber: s.tracking_number,
      sscc: s.sscc,
      weightG: s.weight_g,
    })),
  };
}

export async function getManifest(em: EntityManager, actor: Actor, id: string): Promise<ManifestView> {
  const m = await sqlOne<Row>(em, `select *, to_char(ship_date, 'YYYY-MM-DD') as ship_date from manifest where id = ?`, [id]);
  if (!m || !canSeeWarehouse(actor, m.warehouse_id)) throw new NotFound('Manifest', id);
  const ships = await sql<Row>(em, 'select * from shipment where id = any(?::uuid[]) order by labelled_at, id', [
    `{${m.shipment_ids.join(',')}}`,
  ]);
  return manifestView(m, ships);
}

/** The manifest as a PDF (A4): header with a Code 128 barcode of the manifest, one row per parcel, totals. */
export async function manifestPdf(em: EntityManager, m: ManifestView): Promise<Buffer> {
  const carrierName = (await em.findOne(Carrier, { code: m.carrier }, { fields: ['name'], disableIdentityMap: true }))?.name ?? m.carrier;
  const code = manifestCode(m.id);
  const barcode = await bwipjs.toBuffer({
    bcid: 'code128',
    text: code,
    scale: 2,
    height: 12,
    includetext: true,
    textxalign: 'center',
    backgroundcolor: 'FFFFFF',
    paddingwidth: 8,
    paddingheight: 4,
  });
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `Manifest ${code}`, Producer: 'Dockside' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(`Manifest — ${carrierName}`, 40, 40);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(
      `Ship date ${m.shipDate}   Parcels ${m.shipments.length}   Total weight ${(m.shipments.reduce((s, x) => s + x.weightG, 0) / 1000).toFixed(2)} kg`,
      40,
      62,
    );
  doc.image(barcode, 40, 80, { fit: [360, 50] });
  let y = 145;
  doc.font('Helvetica-Bold').fontSize(9);
  const cols = [40, 70, 210, 350, 450];
  ['#', 'Tracking', 'SSCC', 'Service', 'Weight kg'].forEach((h, i) => doc.text(h, cols[i]!, y));
  doc.font('Helvetica');
  for (const [i, s] of m.shipments.entries()) {
    y += 16;
    if (y > 780) {
      doc.addPage();
      y = 40;
    }
    [String(i + 1), s.trackingNumber, s.sscc, s.service, (s.weightG / 1000).toFixed(2)].forEach((v, k) => doc.text(v, cols[k]!, y));
  }
  const h = m.handedOverTo;
  if (h)
    doc
      .fontSize(9)
      .text(
        `Handed over to: ${h.name}${h.company ? `, ${h.company}` : ''}${h.vehicleRegistration ? `, vehicle ${h.vehicleRegistration}` : ''}`,
        40,
        Math.min(y + 24, 774),
      );
  doc.fontSize(9).text('Carrier signature: ______________________   Time: ________', 40, Math.min(y + 40, 790));
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * Labelled parcels still unmanifested once their service's cut-off has passed today (service time zone) raise an
 * `unmanifested-at-cutoff` exception each (once while open). Returns how many were raised.
 */
export async function flagUnmanifestedAtCutoff(em: EntityManager, now: Date): Promise<number> {
  const rows = await sql<Row>(
    em,
    `select s.id, s.warehouse_id, s.tracking_number, s.labelled_at, cs.time_zone, to_char(cs.cutoff_local, 'HH24:MI') as cutoff, c.code as carrier
    from shipment s join carrier c on c.code = s.carrier_code join carrier_service cs on cs.carrier_id = c.id and cs.code = s.service_code
    where s.status = 'labelled' and s.manifest_id is null and c.mode <> 'own_fleet'`,
  );
  let raised = 0;
  for (const r of rows) {
    const local = localParts(now, r.time_zone);
    const [h, mi] = String(r.cutoff).split(':').map(Number);
    const labelledDay = localParts(new Date(r.labelled_at), r.time_zone).date;
    const pastCutoff = labelledDay < local.date || local.minutes > (h ?? 0) * 60 + (mi ?? 0);
    if (
      pastCutoff &&
      (await raiseException(
        em,
        r,
        'unmanifested-at-cutoff',
        `Parcel ${r.tracking_number} (${r.carrier}) is labelled but not manifested after the ${r.cutoff} cut-off`,
      ))
    )
      raised++;
  }
  return raised;
}

/** Open shipping exceptions of a warehouse, newest first. */
export async function openExceptions(em: EntityManager, warehouseId: string) {
  const rows = await em.find(
    ShippingException,
    { warehouse_id: warehouseId, resolved_at: null },
    { orderBy: { created_at: 'desc' }, limit: 500, disableIdentityMap: true },
  );
  return rows.map((r) => ({
    id: r.id,
    shipmentId: r.shipment_id,
    kind: r.kind,
    message: r.message,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
