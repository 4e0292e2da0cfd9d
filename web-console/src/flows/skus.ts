import { api } from '../api';
import { gtin14, type ScanResult } from '../scan/readings';
import { locale } from '../i18n';

/** What a handheld needs of a SKU to check a scan on the spot: its code, barcodes and names. */
export interface SkuInfo {
  id: string;
  code: string;
  name: string;
  nameI18n: Record<string, string>;
  barcodes: string[];
  gtins: string[];
  weightG: number;
  trackLot: boolean;
}

const KEY = 'dockside.skus';
const cache = new Map<string, SkuInfo>(Object.entries(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, SkuInfo>));

interface SkuView {
  id: string;
  code: string;
  name: string;
  nameI18n: Record<string, string>;
  weightG: number;
  trackLot: boolean;
  uoms: { gtin: string | null }[];
  barcodes: { barcode: string }[];
}

/** Loads (once) the SKUs a task names, so item scans are checked locally — online or not. */
export async function loadSkus(ids: string[]): Promise<Map<string, SkuInfo>> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  await Promise.all(
    missing.map(async (id) => {
      const s = await api<SkuView>('GET', `/catalog/skus/${id}`);
      cache.set(id, {
        id: s.id,
        code: s.code,
        name: s.name,
        nameI18n: s.nameI18n ?? {},
        weightG: s.weightG,
        trackLot: s.trackLot,
        barcodes: s.barcodes.map((b) => b.barcode),
        gtins: [...s.uoms.map((u) => u.gtin), ...s.barcodes.map((b) => gtin14(b.barcode))]
          .filter((g): g is string => !!g)
          .map((g) => g.padStart(14, '0')),
      });
    }),
  );
  if (missing.length) localStorage.setItem(KEY, JSON.stringify(Object.fromEntries([...cache].slice(-500))));
  return cache;
}

export const skuOf = (id: string): SkuInfo | undefined => cache.get(id);

/** The SKU's name in the worker's language (Chinese product names need the CJK font stack). */
export function skuName(s: SkuInfo | undefined): string {
  if (!s) return '';
  return s.nameI18n[locale.get()] ?? s.nameI18n[locale.get().split('-')[0]!] ?? s.name;
}

/** Does this scan name this SKU (GTIN of any pack level, internal barcode or SKU code)? */
export function scanIsSku(r: ScanResult, raw: string, s: SkuInfo): boolean {
  if (r.gtin) return s.gtins.includes(r.gtin);
  const text = (r.sku ?? raw).trim();
  const g = gtin14(text);
  return text === s.code || s.barcodes.includes(text) || (!!g && s.gtins.includes(g));
}

/** Which of these SKUs a scan names, if any. */
export function findSku(r: ScanResult, raw: string, ids: string[]): SkuInfo | undefined {
  for (const id of ids) {
    const s = cache.get(id);
    if (s && scanIsSku(r, raw, s)) return s;
  }
  return undefined;
}
