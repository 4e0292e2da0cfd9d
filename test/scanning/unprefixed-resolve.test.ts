import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

// An element string without AIM identifier is GS1 only when no SKU, barcode, location or LPN is exactly that text.
let sys: TestSystem;
/** The global catalog is written by admins only (any warehouse's supervisor could otherwise change every warehouse's SKUs). */
let catalogAdmin: TestUser;
let picker: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  catalogAdmin = await sys.user('sup-scan-catalog', ['admin'], []);
  picker = await sys.user('picker-scan', ['picker'], [sys.wh1]);
});
afterAll(async () => sys?.close());

const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

async function sku(code: string, gtin?: string) {
  const r = await api('PUT', `/catalog/skus/${encodeURIComponent(code)}`, catalogAdmin.token, {
    name: `Item ${code}`,
    lengthMm: 100,
    widthMm: 50,
    heightMm: 20,
    weightG: 120,
    trackLot: true,
    trackExpiry: false,
    uoms: [{ level: 'each', qtyEach: 1, ...(gtin ? { gtin } : {}) }],
  });
  expect(r.status, r.text).toBe(201);
}

const resolve = (raw: string) => api('POST', '/scans/resolve', picker.token, { warehouseId: sys.wh1, raw });

describe('resolving a scan without AIM symbology identifier', () => {
  beforeAll(async () => {
    await sku('DL-ITEM', '9520123456788'); // GTIN of the GS1 Digital Link standard's examples
    await sku('10ABC123'); // a SKU code that also parses as GS1 (AI 10, lot ABC123)
    await sku('0109520123456789'); // a SKU code shaped like AI 01 with a wrong check digit
  });

  it('reads it as GS1 when no code of ours is that text', async () => {
    const r = await resolve('010952012345678810L1');
    expect(r.status, r.text).toBe(200);
    expect(r.body.scan).toMatchObject({ kind: 'gs1', gtin: '09520123456788', lot: 'L1', inferred: true });
    expect(r.body.match).toMatchObject({ kind: 'sku', sku: { code: 'DL-ITEM' } });
  });

  it('lets an exact SKU code win over the GS1 reading', async () => {
    const r = await resolve('10ABC123');
    expect(r.body.scan).toEqual({ kind: 'unknown', sku: '10ABC123', ais: {} });
    expect(r.body.match).toMatchObject({ kind: 'sku', sku: { code: '10ABC123' } });
    // With an AIM identifier the scanner vouches for GS1: no SKU lookup of the text.
    const prefixed = await resolve(']C110ABC123');
    expect(prefixed.body.scan).toMatchObject({ kind: 'gs1', lot: 'ABC123' });
    expect(prefixed.body.match.kind).toBe('none');
  });

  it('lets an exact SKU code win over a GS1 error, and reports the error when nothing matches', async () => {
    const own = await resolve('0109520123456789');
    expect(own.status, own.text).toBe(200);
    expect(own.body.match).toMatchObject({ kind: 'sku', sku: { code: '0109520123456789' } });
    const bad = await resolve('0109520123456787');
    expect(bad.status).toBe(422);
    expect(bad.body.type).toBe('https://dockside.dev/problems/scan-bad-check-digit');
  });

  it('reads a Digital Link behind ]Q3 and ]Q1 and finds the SKU by its GTIN', async () => {
    for (const id of [']Q3', ']Q1']) {
      const r = await resolve(`${id}https://id.gs1.org/01/09520123456788/10/ABC123`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.scan).toMatchObject({ kind: 'digital_link', symbology: id, lot: 'ABC123' });
      expect(r.body.match).toMatchObject({ kind: 'sku', sku: { code: 'DL-ITEM' } });
    }
  });
});
