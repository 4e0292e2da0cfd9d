import { readFileSync } from 'node:fs';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import type { LabelData } from './label-zpl.js';

/**
 * Text outside Latin-1 (a Chinese, Japanese, Korean, Cyrillic or Greek address) is set in a subset of Noto Sans CJK SC
 * bundled under `fonts/` (SIL OFL 1.1; Latin, Greek, Cyrillic, kana, GB 2312 and Big5 level-1 hanzi, JIS level-1 kanji,
 * KS X 1001 hangul: see fonts/SOURCES.md); pdfkit embeds only the glyphs used. Latin-1 text keeps the PDF core
 * Helvetica, which needs no embedding.
 */
let unicodeFont: Buffer | undefined;
const UNICODE_FONT = 'dockside-unicode';
const latin1 = (s: string) => /^[\x20-\x7e\xa0-\xff]*$/.test(s);

/** Sets the font for a piece of text: Helvetica (bold or not) when Latin-1 covers it, else the bundled Unicode font. */
function fontFor(doc: PDFKit.PDFDocument, text: string, bold = false): PDFKit.PDFDocument {
  return doc.font(latin1(text) ? (bold ? 'Helvetica-Bold' : 'Helvetica') : UNICODE_FONT);
}

/**
 * The label as a 4×6 in PDF (288 × 432 pt), laid out like the ZPL one, with barcodes rendered by bwip-js (BWIPP):
 * Code 128 for the tracking number, GS1-128 for the SSCC (FNC1 first, AI 00). Barcodes are embedded as 1-bit-crisp
 * PNGs at scale 3 so a scanner or a decoder reads them from print or from a 203/300 dpi raster.
 * And a PNG preview: the ZPL rendered offline by zpl-renderer-js (an emulation of a Zebra printer, for the console).
 */
async function barcodePng(bcid: string, text: string, heightMm: number): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid,
    text,
    scale: 3,
    height: heightMm,
    includetext: true,
    textxalign: 'center',
    backgroundcolor: 'FFFFFF',
    paddingwidth: 10,
    paddingheight: 6,
  });
}

export async function labelPdf(d: LabelData): Promise<Buffer> {
  const [tracking, sscc] = await Promise.all([barcodePng('code128', d.trackingNumber, 14), barcodePng('gs1-128', `(00)${d.sscc}`, 18)]);
  const doc = new PDFDocument({ size: [288, 432], margin: 0, info: { Title: `Label ${d.trackingNumber}`, Producer: 'Dockside' } });
  unicodeFont ??= readFileSync(new URL('./fonts/NotoSansCJKsc-Regular.subset.otf', import.meta.url));
  doc.registerFont(UNICODE_FONT, unicodeFont);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const to = d.shipTo;
  const from = d.shipFrom;
  const fromCity = `${from.postcode ?? ''} ${from.city ?? ''} ${from.countryCode ?? ''}`;
  fontFor(doc, `FROM: ${from.name ?? ''}`)
    .fontSize(7)
    .text(`FROM: ${from.name ?? ''}`, 10, 10, { width: 170 });
  fontFor(doc, from.address1 ?? '').text(`${from.address1 ?? ''}`, 10, 19, { width: 170 });
  fontFor(doc, fromCity).text(fromCity, 10, 28, { width: 170 });
  fontFor(doc, d.carrierName, true).fontSize(12).text(d.carrierName, 180, 10, { width: 100, align: 'right' });
  fontFor(doc, d.serviceName).fontSize(8).text(d.serviceName, 180, 26, { width: 100, align: 'right' });
  doc.moveTo(8, 42).lineTo(280, 42).lineWidth(1).stroke();
  doc.font('Helvetica').fontSize(8).text('SHIP TO:', 10, 48);
  fontFor(doc, to.name ?? '', true)
    .fontSize(13)
    .text(to.name ?? '', 10, 60, { width: 268, lineBreak: false, ellipsis: true });
  doc.fontSize(11);
  let y = 78;
  for (const l of [to.company, to.address1, to.address2].filter((x): x is string => !!x)) {
    fontFor(doc, l).text(l, 10, y, { width: 268, lineBreak: false, ellipsis: true });
    y += 14;
  }
  const toCity = `${to.postcode ?? ''} ${to.city ?? ''}`;
  fontFor(doc, toCity, true)
    .fontSize(15)
    .text(toCity, 10, y + 2, { width: 268, lineBreak: false, ellipsis: true });
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(to.countryCode ?? '', 10, y + 22);
  doc.moveTo(8, 168).lineTo(280, 168).stroke();
  doc.font('Helvetica').fontSize(8).text(`TRACKING #: ${d.trackingNumber}`, 10, 173);
  doc.image(tracking, 24, 184, { fit: [240, 70], align: 'center' });
  doc.moveTo(8, 262).lineTo(280, 262).stroke();
  fontFor(doc, `ORDER: ${d.orderRef ?? ''}`)
    .fontSize(8)
    .text(`ORDER: ${d.orderRef ?? ''}`, 10, 267);
  doc.font('Helvetica');
  doc.text(`CARTON: ${d.cartonNo ?? 1} OF ${d.cartonCount ?? 1}   WEIGHT: ${(d.weightG / 1000).toFixed(2)} KG`, 10, 278);
  doc.text(`SHIP DATE: ${d.shipDate}`, 10, 289);
  doc.moveTo(8, 302).lineTo(280, 302).stroke();
  doc.fontSize(8).text('SSCC', 10, 306);
  doc.image(sscc, 14, 316, { fit: [260, 108], align: 'center' });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

type ZplApi = { zplToBase64Async(zpl: string, widthMm: number, heightMm: number, dpmm: number): Promise<string> };
let zplApi: Promise<ZplApi> | undefined;

/** PNG of the ZPL at 8 dots/mm (203 dpi), 4×6 in; the WASM renderer loads once per process. */
export async function zplToPng(zpl: string): Promise<Buffer> {
  zplApi ??= import('zpl-renderer-js').then(async (m) => (await m.ready).api as ZplApi);
  const api = await zplApi;
  return Buffer.from(await api.zplToBase64Async(zpl, 101.6, 152.4, 8), 'base64');
}
