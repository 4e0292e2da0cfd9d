import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import type { LabelData } from './label-zpl.js';

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
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const to = d.shipTo;
  const from = d.shipFrom;
  doc
    .font('Helvetica')
    .fontSize(7)
    .text(`FROM: ${from.name ?? ''}`, 10, 10, { width: 170 });
  doc.text(`${from.address1 ?? ''}`, 10, 19, { width: 170 });
  doc.text(`${from.postcode ?? ''} ${from.city ?? ''} ${from.countryCode ?? ''}`, 10, 28, { width: 170 });
  doc.font('Helvetica-Bold').fontSize(12).text(d.carrierName, 180, 10, { width: 100, align: 'right' });
  doc.font('Helvetica').fontSize(8).text(d.serviceName, 180, 26, { width: 100, align: 'right' });
  doc.moveTo(8, 42).lineTo(280, 42).lineWidth(1).stroke();
  doc.fontSize(8).text('SHIP TO:', 10, 48);
  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .text(to.name ?? '', 10, 60, { width: 268 });
  doc.font('Helvetica').fontSize(11);
  let y = 78;
  for (const l of [to.company, to.address1, to.address2].filter(Boolean)) {
    doc.text(l!, 10, y, { width: 268 });
    y += 14;
  }
  doc
    .font('Helvetica-Bold')
    .fontSize(15)
    .text(`${to.postcode ?? ''} ${to.city ?? ''}`, 10, y + 2, { width: 268 });
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(to.countryCode ?? '', 10, y + 22);
  doc.moveTo(8, 168).lineTo(280, 168).stroke();
  doc.fontSize(8).text(`TRACKING #: ${d.trackingNumber}`, 10, 173);
  doc.image(tracking, 24, 184, { fit: [240, 70], align: 'center' });
  doc.moveTo(8, 262).lineTo(280, 262).stroke();
  doc.fontSize(8).text(`ORDER: ${d.orderRef ?? ''}`, 10, 267);
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
