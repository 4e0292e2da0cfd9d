import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createCanvas, DOMMatrix, ImageData, Path2D } from '@napi-rs/canvas';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/** Offline barcode decoding for tests: zxing-wasm with its wasm read from node_modules (never fetched). */
const require = createRequire(import.meta.url);
prepareZXingModule({
  overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer },
  fireImmediately: true,
});

export interface Decoded {
  format: string;
  symbologyIdentifier: string;
  text: string;
}

/** Every linear barcode in a PNG, with its AIM symbology identifier and the raw text (GS1 AIs without parentheses). */
export async function decodePng(png: Buffer): Promise<Decoded[]> {
  const r = await readBarcodes(new Blob([new Uint8Array(png)]), {
    formats: ['Code128'],
    maxNumberOfSymbols: 8,
    textMode: 'Plain',
    tryHarder: true,
  });
  return r.filter((b) => b.isValid).map((b) => ({ format: b.format, symbologyIdentifier: b.symbologyIdentifier, text: b.text }));
}

// PDF.js 6 calls Promise.withResolvers (Node 22+); this project runs on Node 20, so the test helper supplies it.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

// PDF.js draws glyphs as Path2D objects: they must be the canvas implementation's own.
const g = globalThis as Record<string, unknown>;
g.Path2D ??= Path2D;
g.DOMMatrix ??= DOMMatrix;
g.ImageData ??= ImageData;
const fontsDir = `${require.resolve('pdfjs-dist/package.json').replace(/package\.json$/, '')}standard_fonts/`;

/** First page of a PDF rendered to PNG with PDF.js (Mozilla) on a skia canvas, at `dpi`. */
export async function pdfToPng(pdf: Buffer, dpi = 300): Promise<Buffer> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
    standardFontDataUrl: fontsDir,
  }).promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvasContext: ctx as never, viewport }).promise;
  await doc.cleanup();
  return canvas.toBuffer('image/png');
}

/** The text of a PDF's first page as PDF.js extracts it (through the fonts' ToUnicode maps), items joined by newlines. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    isEvalSupported: false,
    standardFontDataUrl: fontsDir,
  }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  await doc.cleanup();
  return content.items.map((i) => ('str' in i ? i.str : '')).join('\n');
}
