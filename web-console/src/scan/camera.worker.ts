/// <reference lib="webworker" />
// Decodes camera frames off the main thread: the native BarcodeDetector where the browser has one
// (Android Chrome), else the ZXing WASM ponyfill with its .wasm served by us (never fetched from a CDN).
import { BarcodeDetector as Ponyfill, prepareZXingModule } from 'barcode-detector/ponyfill';
// The .wasm of barcode-detector's own zxing-wasm (aliased in vite.config.ts): glue and binary must be one version.
import wasmUrl from 'barcode-detector-zxing-reader.wasm?url';

prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  fireImmediately: true,
});

const FORMATS = ['code_128', 'ean_13', 'ean_8', 'upc_a', 'upc_e', 'itf', 'data_matrix', 'qr_code', 'code_39'];
type Detector = { detect(image: ImageBitmapSource): Promise<{ rawValue: string; format: string }[]> };
let detector: Promise<Detector> | undefined;

async function make(): Promise<Detector> {
  const Native = (
    self as unknown as { BarcodeDetector?: { new (o: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> } }
  ).BarcodeDetector;
  if (Native) {
    const supported = await Native.getSupportedFormats().catch(() => [] as string[]);
    if (supported.includes('code_128')) return new Native({ formats: FORMATS.filter((f) => supported.includes(f)) });
  }
  return new Ponyfill({ formats: FORMATS as never }) as unknown as Detector;
}

self.onmessage = async (e: MessageEvent<{ id: number; frame: ImageBitmap | ImageData }>) => {
  const { id, frame } = e.data;
  try {
    detector ??= make();
    const found = await (await detector).detect(frame);
    self.postMessage({ id, codes: found.map((f) => ({ raw: f.rawValue, format: f.format })) });
  } catch (err) {
    self.postMessage({ id, codes: [], error: (err as Error).message });
  } finally {
    if ('close' in frame) frame.close();
  }
};
