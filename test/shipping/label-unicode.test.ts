import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelPdf } from '../../domain/shipping/label-render.js';
import type { LabelData } from '../../domain/shipping/label-zpl.js';
import { buildSscc } from '../../domain/shipping/sscc.js';
import { decodePng, pdfText, pdfToPng } from './decode.js';

const base: Omit<LabelData, 'shipTo'> = {
  shipFrom: { name: 'Dockside Demo DC', address1: 'Transformatorweg 1', city: 'Amsterdam', postcode: '1043 AP', countryCode: 'NL' },
  carrierName: 'SwiftAir Express',
  serviceName: 'Express before 12:00',
  trackingNumber: 'SA000000004711',
  sscc: buildSscc(0, '0614141', 4711n),
  weightG: 1250,
  orderRef: '#1042',
  cartonNo: 1,
  cartonCount: 2,
  shipDate: '2026-12-03',
};

/** Where the rendered previews go (artifacts/ is git-ignored test output). */
const OUT = new URL('../../artifacts/labels/', import.meta.url);

describe('PDF label with non-Latin addresses', () => {
  it.each([
    [
      'chinese',
      { name: '王小明', company: '东方贸易有限公司', address1: '朝阳区建国路88号', city: '北京市', postcode: '100022', countryCode: 'CN' },
    ],
    ['cyrillic', { name: 'Иван Петров', address1: 'ул. Тверская, д. 7, кв. 12', city: 'Москва', postcode: '125009', countryCode: 'RU' }],
    ['japanese', { name: '山田 太郎', address1: '千代田区丸の内1-9-1', city: '東京都', postcode: '100-0005', countryCode: 'JP' }],
    ['korean', { name: '김민준', address1: '세종대로 110', city: '서울특별시 중구', postcode: '04524', countryCode: 'KR' }],
  ] as const)('renders a %s address as real text, and the barcodes still decode', { timeout: 60_000 }, async (name, shipTo) => {
    const pdf = await labelPdf({ ...base, shipTo });
    const text = await pdfText(pdf);
    for (const v of Object.values(shipTo)) expect(text.replace(/\n/g, '')).toContain(v);
    // Latin text stays Helvetica; the Unicode font is embedded (subset) only because of the address.
    expect(text).toContain('SwiftAir Express');
    expect(pdf.toString('latin1')).toMatch(/\/FontFile3|\/FontFile2/);
    const png = await pdfToPng(pdf, 300);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(new URL(`label-${name}.png`, OUT), png);
    const codes = await decodePng(png);
    expect(codes).toContainEqual({ format: 'Code128', symbologyIdentifier: ']C1', text: `00${base.sscc}` });
    expect(codes).toContainEqual(expect.objectContaining({ text: base.trackingNumber }));
  });

  it('a Latin-1 label embeds no font at all (core Helvetica)', async () => {
    const pdf = await labelPdf({
      ...base,
      shipTo: { name: 'Zoë Ørsted', address1: 'Meir 1', city: 'Antwerpen', postcode: '2000', countryCode: 'BE' },
    });
    expect(pdf.toString('latin1')).not.toMatch(/\/FontFile/);
    expect(await pdfText(pdf)).toContain('Zoë Ørsted');
  });
});
