import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../domain/scanning/check-digit.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

// A GTIN is one number whatever its printed length: rows holding 13, 12 or 8 digits must resolve from a
// scan that the parser widens to GTIN-14, and a 14-digit row from a scan of the printed 13.
let sys: TestSystem;
let sup: TestUser;
let picker: TestUser;
const gtin = (body: string) => body + gs1CheckDigit(body);
const EAN13 = gtin('400638133393'); // stored as printed: 13 digits
const UPC12 = gtin('03600029145'); // stored as 12 digits (UPC-A)
const EAN8 = gtin('9638507'); // stored as 8 digits
const STORED14 = gtin('0501234567890'); // stored as GTIN-14 (the catalog API's form), scanned as the printed 13

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('admin-gtin', ['admin'], []); // the catalog is global: admins write it
  picker = await sys.user('picker-gtin', ['picker'], [sys.wh1]);
  for (const [code, barcode, kind] of [
    ['G13', EAN13, 'gtin13'],
    ['G12', UPC12, 'gtin12'],
    ['G8', EAN8, 'gtin8'],
    ['G14', STORED14, 'gtin14'],
  ] as const) {
    const r = await http('PUT', `${sys.url}/v1/catalog/skus/${code}`, {
      token: sup.token,
      body: { name: `Item ${code}`, lengthMm: 100, widthMm: 50, heightMm: 20, weightG: 120, uoms: [{ level: 'each', qtyEach: 1 }] },
    });
    expect(r.status, r.text).toBe(201);
    await sql(sys.rt.orm.em.fork(), `insert into sku_barcode (barcode, sku_id, kind) select ?, id, ? from sku where code = ?`, [
      barcode,
      kind,
      code,
    ]);
  }
});
afterAll(async () => sys?.close());

const resolve = (raw: string) => http('POST', `${sys.url}/v1/scans/resolve`, { token: picker.token, body: { warehouseId: sys.wh1, raw } });

describe('resolving GTINs stored in another length than scanned', () => {
  it('finds a barcode stored as 13 digits from the 13 printed digits and from a GS1-128 AI (01) GTIN-14', async () => {
    for (const raw of [EAN13, `]C101${'0' + EAN13}`, `]E0${EAN13}`, `01${'0' + EAN13}`]) {
      const r = await resolve(raw);
      expect(r.status, `${raw}: ${r.text}`).toBe(200);
      expect(r.body.match, raw).toMatchObject({ kind: 'sku', sku: { code: 'G13' } });
    }
  });

  it('finds barcodes stored as 12 and 8 digits from their GTIN-14', async () => {
    expect((await resolve(`]C101${'00' + UPC12}`)).body.match).toMatchObject({ kind: 'sku', sku: { code: 'G12' } });
    expect((await resolve(UPC12)).body.match).toMatchObject({ kind: 'sku', sku: { code: 'G12' } });
    expect((await resolve(`]C101${'000000' + EAN8}`)).body.match).toMatchObject({ kind: 'sku', sku: { code: 'G8' } });
  });

  it('still finds a GTIN-14 row from the printed 13 digits', async () => {
    expect((await resolve(STORED14.slice(1))).body.match).toMatchObject({ kind: 'sku', sku: { code: 'G14' } });
  });

  it('does not match a different number that only shares digits', async () => {
    const other = gtin('400638133394'.slice(0, 12));
    expect(other).not.toBe(EAN13);
    const r = await resolve(other);
    expect(r.status, r.text).toBe(200);
    expect(r.body.match.kind).toBe('none');
  });
});
