import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../domain/scanning/index.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { CountRow } from '../../domain/shared/rows.js';

type ImportTxRow = { n: number; rows: number };
let sys: TestSystem;
let sup: TestUser;
/** The global catalog is written by admins only (any warehouse's supervisor could otherwise change every warehouse's SKUs). */
let catalogAdmin: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  sup = await sys.user('sup-csv', ['supervisor'], [sys.wh1]);
  catalogAdmin = await sys.user('sup-csv-catalog', ['admin'], []);
});
afterAll(async () => sys?.close());

const gtin13 = (n: number) => {
  const body = `40${String(n).padStart(10, '0')}`;
  return body + gs1CheckDigit(body);
};
const header =
  'code,name,category,length_mm,width_mm,height_mm,weight_g,track_lot,track_expiry,shelf_life_days,gtin,case_qty,case_gtin,barcodes,name_de';
const row = (i: number) =>
  `IMP-${String(i).padStart(5, '0')},"Widget ${i}, blue",hardware,${100 + (i % 50)},80,40,${250 + i},${i % 7 === 0},${i % 7 === 0},${i % 7 === 0 ? 365 : ''},${gtin13(i)},12,${gtin13(500_000 + i)},INT${i},Ding ${i}`;

async function postCsv(body: string) {
  const res = await fetch(`${sys.url}/v1/catalog/skus/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${catalogAdmin.token}`, 'content-type': 'text/csv' },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('CSV import of 10,000 SKUs', () => {
  it('imports the good rows in batches (one short transaction each), rejects exactly the 3 bad rows and says why; the fixed rows then import', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => row(i + 1));
    const good = [header, ...lines].join('\n');
    const bad = [...lines];
    bad[1233] = bad[1233]!.replace(gtin13(1234), gtin13(1234).slice(0, 12) + ((Number(gtin13(1234).at(-1)) + 1) % 10)); // wrong check digit
    bad[4999] = bad[4999]!.replace(',80,40,', ',eighty,40,'); // not a number
    bad[8999] = bad[8999]!.replace('IMP-09000', 'IMP-00002'); // duplicate code
    const r1 = await postCsv([header, ...bad].join('\n'));
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ rows: 10_000, created: 9_997, updated: 0, rejected: 3 });
    expect(r1.body.rejectedRows.map((r: any) => r.line)).toEqual([1235, 5001, 9001]);
    expect(r1.body.rejectedRows[0].errors[0]).toMatchObject({ path: 'gtin', message: expect.stringContaining('check digit') });
    expect(r1.body.rejectedRows[1].errors[0]).toMatchObject({ path: 'width_mm' });
    expect(r1.body.rejectedRows[2].errors[0]).toMatchObject({ path: 'code', message: expect.stringContaining('line 3') });
    // Not one long transaction: each batch of 1,000 rows committed on its own (rows carry their transaction's xmin).
    const em0 = sys.rt.orm.em.fork();
    const tx = await sqlOne<ImportTxRow>(
      em0,
      `select count(distinct xmin::text)::int as n, count(*)::int as rows from sku where code like 'IMP-%'`,
    );
    expect(tx).toEqual({ n: 10, rows: 9_997 });
    expect(r1.body.batches).toBe(10);
    // Re-sending just the fixed rows imports them.
    const fixed = await postCsv([header, row(1234), row(5000), row(9000)].join('\n'));
    expect(fixed.body).toMatchObject({ rows: 3, created: 3, updated: 0, rejected: 0, rejectedRows: [] });

    const r2 = await postCsv(good);
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({ rows: 10_000, created: 0, updated: 10_000, rejected: 0 });
    const em = sys.rt.orm.em.fork();
    expect((await sqlOne<CountRow>(em, `select count(*)::int as n from sku where code like 'IMP-%'`))!.n).toBe(10_000);
    expect(
      (await sqlOne<CountRow>(em, `select count(*)::int as n from sku_barcode b join sku s on s.id = b.sku_id where s.code like 'IMP-%'`))!
        .n,
    ).toBe(30_000);
    const sku = (await fetch(`${sys.url}/v1/catalog/skus/IMP-00007`, { headers: { authorization: `Bearer ${sup.token}` } }).then((r) =>
      r.json(),
    )) as any;
    expect(sku).toMatchObject({ name: 'Widget 7, blue', nameI18n: { de: 'Ding 7' }, trackLot: true, shelfLifeDays: 365 });
    expect(sku.uoms.map((u: any) => [u.level, u.qtyEach, u.gtin])).toEqual([
      ['each', 1, `0${gtin13(7)}`],
      ['case', 12, `0${gtin13(500_007)}`],
    ]);

    // Re-import updates in place (idempotent by code).
    const r3 = await postCsv([header, row(1).replace('Widget 1,', 'Widget one,')].join('\n'));
    expect(r3.body).toMatchObject({ rows: 1, created: 0, updated: 1, rejected: 0 });
  });

  it('streams the catalog back as CSV that re-imports unchanged', async () => {
    const res = await fetch(`${sys.url}/v1/catalog/skus.csv`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toContain('code,name,category');
    expect(lines[0]).toContain('name_de');
    expect(lines.length).toBe(10_001);
    expect(lines.find((l) => l.startsWith('IMP-00001,'))).toContain('"Widget one, blue"');
    const again = await postCsv(lines.slice(0, 51).join('\r\n'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows: 50, created: 0, updated: 50, rejected: 0 });
  });

  it('rejects a header with unknown columns before reading rows', async () => {
    const r = await postCsv('code,name,colour\nX,Y,red\n');
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toMatchObject({ path: 'header.colour', message: 'unknown column' });
  });
});
