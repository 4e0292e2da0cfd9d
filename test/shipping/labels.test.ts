import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from '../../domain/scanning/check-digit.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { flagUnmanifestedAtCutoff } from '../../domain/shipping/manifest.service.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { withTx } from '../../platform/db.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { decodePng, pdfToPng } from './decode.js';
import { packedShipment } from './packed.js';
import type { EventPayloadRow } from '../harness/rows.js';

import type { CountRow, IdRow } from '../../domain/shared/rows.js';

let sys: TestSystem;
let packer: TestUser;
let sup: TestUser;
const em = () => sys.rt.orm.em.fork();

beforeAll(async () => {
  sys = await startTestSystem();
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  await seedShipping(em(), sys.wh1);
});
afterAll(() => sys?.close());

const buy = (id: string, key?: string, token = packer.token) =>
  http('POST', `${sys.url}/v1/shipments/${id}/label`, { token, headers: key ? { 'idempotency-key': key } : {} });
const fetchLabel = async (id: string, format: string) => {
  const r = await fetch(`${sys.url}/v1/shipments/${id}/label?format=${format}`, { headers: { authorization: `Bearer ${packer.token}` } });
  return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
};

describe('labels', () => {
  let id: string;
  let label: { trackingNumber: string; sscc: string; carrier: string; service: string };

  it('buys a label once per Idempotency-Key: the same key gives the same label', async () => {
    ({ shipmentId: id } = await withTx(sys.rt.orm.em, (tx) => packedShipment(tx, sys.wh1)));
    const [a, b] = await Promise.all([buy(id, 'key-1'), buy(id, 'key-1')]);
    // One of them made the label; the other got it back (replayed by the idempotency layer, or found by key).
    expect([200, 201]).toContain(a.status);
    expect([200, 201]).toContain(b.status);
    expect(a.body.trackingNumber).toBe(b.body.trackingNumber);
    expect(a.body.sscc).toBe(b.body.sscc);
    const again = await buy(id, 'key-1');
    expect(again.body).toEqual(a.body);
    label = again.body;
    expect(await sqlOne<CountRow>(em(), 'select count(*)::int as n from shipment_label where shipment_id = ?', [id])).toEqual({
      n: 1,
    });
    expect((await buy(id, 'key-2')).status).toBe(409);
    // The cheapest service reaching Rotterdam was chosen; SSCC: extension 0, company prefix 0614141, valid check digit.
    expect([label.carrier, label.service]).toEqual(['polderpost', 'standard']);
    expect(label.sscc).toMatch(/^00614141\d{10}$/);
    expect(hasValidCheckDigit(label.sscc)).toBe(true);
    const s = (await http('GET', `${sys.url}/v1/shipments/${id}`, { token: packer.token })).body;
    expect([s.status, s.trackingNumber, s.sscc]).toEqual(['labelled', label.trackingNumber, label.sscc]);
    const ev = await sqlOne<EventPayloadRow>(em(), `select payload from outbox where type = 'shipment.labelled'`);
    expect(ev!.payload).toMatchObject({ shipmentId: id, trackingNumber: label.trackingNumber, sscc: label.sscc });
  });

  it('ZPL renders offline to PNG and its barcodes decode to ]C1 00+SSCC and the tracking number', { timeout: 120_000 }, async () => {
    const zpl = await fetchLabel(id, 'zpl');
    expect(zpl.type).toMatch(/application\/zpl/);
    const text = zpl.body.toString('utf8');
    expect(text.startsWith('^XA')).toBe(true);
    expect(text).toContain('^PW812');
    expect(text).toContain(`^FD(00)${label.sscc}^FS`);
    const png = await fetchLabel(id, 'png');
    expect(png.type).toBe('image/png');
    const codes = await decodePng(png.body);
    expect(codes).toContainEqual({ format: 'Code128', symbologyIdentifier: ']C1', text: `00${label.sscc}` });
    expect(codes).toContainEqual(expect.objectContaining({ symbologyIdentifier: ']C0', text: label.trackingNumber }));
  });

  it('the PDF label renders to PNG and its barcodes decode the same', { timeout: 120_000 }, async () => {
    const pdf = await fetchLabel(id, 'pdf');
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const codes = await decodePng(await pdfToPng(pdf.body, 300));
    expect(codes).toContainEqual({ format: 'Code128', symbologyIdentifier: ']C1', text: `00${label.sscc}` });
    expect(codes).toContainEqual(expect.objectContaining({ text: label.trackingNumber }));
  });

  it('reprints the same label; voids it, and the next label gets a new SSCC that never repeats', async () => {
    const re = await http('POST', `${sys.url}/v1/shipments/${id}/label/reprint`, { token: packer.token });
    expect([re.body.trackingNumber, re.body.printCount]).toEqual([label.trackingNumber, 2]);
    const v = await http('POST', `${sys.url}/v1/shipments/${id}/label/void`, { token: packer.token });
    expect(v.body.status).toBe('voided');
    const next = await buy(id, 'key-3');
    expect(next.status).toBe(201);
    expect(next.body.sscc).not.toBe(label.sscc);
    expect(next.body.trackingNumber).not.toBe(label.trackingNumber);
    // the old key still answers with the old (voided) label: a key is never re-bound to another label
    expect((await buy(id, 'key-1')).body.sscc).toBe(label.sscc);
  });
});

describe('manifests', () => {
  it('after cut-off, holds exactly the labelled unvoided parcels of the carrier, locks them and ships their stock', async () => {
    const em1 = sys.rt.orm.em;
    const a = await withTx(em1, (tx) => packedShipment(tx, sys.wh1));
    const b = await withTx(em1, (tx) => packedShipment(tx, sys.wh1));
    const voided = await withTx(em1, (tx) => packedShipment(tx, sys.wh1));
    const unlabelled = await withTx(em1, (tx) => packedShipment(tx, sys.wh1));
    const express = await withTx(em1, (tx) => packedShipment(tx, sys.wh1));
    for (const s of [a, b, voided]) expect((await buy(s.shipmentId)).status).toBe(201);
    await http('POST', `${sys.url}/v1/shipments/${voided.shipmentId}/label/void`, { token: packer.token });
    // another carrier's parcel stays out of a PolderPost manifest
    await sql(
      em(),
      `update shipment set selection = '{"reason":"test"}', carrier_code = 'swiftair', service_code = 'express' where id = ?`,
      [express.shipmentId],
    );
    expect((await buy(express.shipmentId)).status).toBe(201);
    // Labelled yesterday: past the cut-off, so unmanifested parcels raise exceptions.
    await sql(em(), `update shipment set labelled_at = now() - interval '1 day' where status = 'labelled'`);
    const raised = await withTx(em1, (tx) => flagUnmanifestedAtCutoff(tx, new Date()));
    expect(raised).toBeGreaterThanOrEqual(3);
    const ex = await http('GET', `${sys.url}/v1/shipping-exceptions?warehouseId=${sys.wh1}`, { token: sup.token });
    expect(ex.body.items.map((e: any) => e.shipmentId)).toEqual(expect.arrayContaining([a.shipmentId, b.shipmentId, express.shipmentId]));

    const m = await http('POST', `${sys.url}/v1/manifests`, { token: sup.token, body: { warehouseId: sys.wh1, carrier: 'polderpost' } });
    expect(m.status).toBe(201);
    const ids = m.body.shipments.map((s: any) => s.id);
    expect(ids).toEqual(expect.arrayContaining([a.shipmentId, b.shipmentId]));
    expect(ids).not.toContain(voided.shipmentId);
    expect(ids).not.toContain(unlabelled.shipmentId);
    expect(ids).not.toContain(express.shipmentId);
    const labelled = await sql<IdRow>(em(), `select id from shipment where manifest_id = ?`, [m.body.id]);
    expect(labelled.map((r) => r.id).sort()).toEqual([...ids].sort());
    // locked: no void once manifested
    expect((await http('POST', `${sys.url}/v1/shipments/${a.shipmentId}/label/void`, { token: packer.token })).status).toBe(409);
    // stock left through ship movements; the carton LPN is empty
    const left = await sqlOne<CountRow>(em(), 'select coalesce(sum(on_hand), 0)::int as n from stock_balance where lpn_id = ?', [a.lpnId]);
    expect(left!.n).toBe(0);
    const moves = await sqlOne<CountRow>(em(), `select count(*)::int as n from stock_movement where type = 'ship' and ref_id = ?`, [
      a.shipmentId,
    ]);
    expect(moves!.n).toBe(1);
    // exceptions of manifested parcels are resolved; the express one stays open
    const still = await http('GET', `${sys.url}/v1/shipping-exceptions?warehouseId=${sys.wh1}`, { token: sup.token });
    expect(still.body.items.map((e: any) => e.shipmentId)).toContain(express.shipmentId);
    expect(still.body.items.map((e: any) => e.shipmentId)).not.toContain(a.shipmentId);
    // nothing left: a second manifest is refused; the PDF has the manifest barcode
    expect(
      (await http('POST', `${sys.url}/v1/manifests`, { token: sup.token, body: { warehouseId: sys.wh1, carrier: 'polderpost' } })).status,
    ).toBe(422);
    const pdf = await fetch(`${sys.url}/v1/manifests/${m.body.id}?format=pdf`, { headers: { authorization: `Bearer ${sup.token}` } });
    const codes = await decodePng(await pdfToPng(Buffer.from(await pdf.arrayBuffer()), 300));
    expect(codes.map((c) => c.text)).toContain(`MF${m.body.id.replace(/-/g, '').toUpperCase()}`);
  }, 120_000);
});
