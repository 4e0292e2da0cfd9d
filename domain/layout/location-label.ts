/**
 * Printable location labels: the location code as a Code 128 barcode (ISO/IEC 15417) with its
 * human-readable text, as SVG or PNG, rendered by bwip-js (a port of Terry Burton's BWIPP).
 */
import bwipjs from 'bwip-js';

export type LabelFormat = 'svg' | 'png';

const opts = (text: string) => ({
  bcid: 'code128',
  text,
  scale: 3,
  height: 12,
  includetext: true,
  textxalign: 'center' as const,
  paddingwidth: 4,
  paddingheight: 4,
});

/** Code 128 label of a location code: SVG text or PNG bytes. */
export async function locationLabel(code: string, format: LabelFormat): Promise<{ contentType: string; body: string | Buffer }> {
  if (format === 'svg') return { contentType: 'image/svg+xml', body: bwipjs.toSVG(opts(code)) };
  return { contentType: 'image/png', body: await bwipjs.toBuffer(opts(code)) };
}
