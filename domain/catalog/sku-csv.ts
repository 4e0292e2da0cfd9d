/**
 * The SKU CSV format (import and export share it). One row per SKU; the pack hierarchy is spread over
 * `<level>_qty`, `<level>_gtin` and `<level>_{length,width,height}_mm` / `<level>_weight_g` columns;
 * `gtin` is the each-level GTIN; `barcodes` lists internal codes separated by `|`; every `name_<lang>`
 * column is a translation. Pure: maps a row to a SkuInput or to the row's field errors.
 */
import type { FieldError } from '../shared/errors.js';
import { skuInput, type SkuInput, type SkuView } from './catalog.schemas.js';

const PACK_LEVELS = ['inner', 'case', 'pallet'] as const;
const DIMS = ['length_mm', 'width_mm', 'height_mm', 'weight_g'] as const;

export const SKU_CSV_COLUMNS = [
  'code',
  'name',
  'category',
  'length_mm',
  'width_mm',
  'height_mm',
  'weight_g',
  'track_lot',
  'track_expiry',
  'track_serial',
  'shelf_life_days',
  'hazmat_class',
  'storage_condition',
  'velocity_class',
  'min_stock_qty',
  'fragile',
  'active',
  'gtin',
  ...PACK_LEVELS.flatMap((l) => [`${l}_qty`, `${l}_gtin`, ...DIMS.map((d) => `${l}_${d}`)]),
  'barcodes',
] as const;

const KNOWN = new Set<string>(SKU_CSV_COLUMNS);
const INT_COLS = new Set([
  'length_mm',
  'width_mm',
  'height_mm',
  'weight_g',
  'shelf_life_days',
  'min_stock_qty',
  ...PACK_LEVELS.flatMap((l) => [`${l}_qty`, ...DIMS.map((d) => `${l}_${d}`)]),
]);
const BOOL_COLS = new Set(['track_lot', 'track_expiry', 'track_serial', 'fragile', 'active']);

/** Checks a header row: `code` and `name` required, unknown columns rejected, `name_<lang>` allowed. */
export function checkHeader(header: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) errs.push({ path: `header.${h}`, message: 'duplicate column' });
    seen.add(h);
    if (!KNOWN.has(h) && !/^name_[a-z]{2,3}(-[A-Z]{2})?$/.test(h)) errs.push({ path: `header.${h}`, message: 'unknown column' });
  }
  for (const req of ['code', 'name']) if (!seen.has(req)) errs.push({ path: `header.${req}`, message: 'required column missing' });
  return errs;
}

function parseBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'y'].includes(s)) return true;
  if (['0', 'false', 'no', 'n'].includes(s)) return false;
  return undefined;
}

/** Maps one CSV record to a validated SkuInput, or the list of what is wrong with it (paths are column names). */
export function rowToSku(header: string[], fields: string[]): { ok: true; sku: SkuInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (fields.length !== header.length)
    return { ok: false, errors: [{ path: 'row', message: `expected ${header.length} fields, got ${fields.length}` }] };
  const get = new Map<string, string>();
  header.forEach((h, i) => get.set(h, fields[i]!.trim()));
  const int = (col: string): number | undefined => {
    const v = get.get(col);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) {
      errors.push({ path: col, message: `not a whole number: "${v}"` });
      return undefined;
    }
    return Number(v);
  };
  const bool = (col: string): boolean | undefined => {
    const v = get.get(col);
    if (v === undefined || v === '') return undefined;
    const b = parseBool(v);
    if (b === undefined) errors.push({ path: col, message: `not a boolean: "${v}"` });
    return b;
  };
  const str = (col: string) => (get.get(col) ? get.get(col) : undefined);
  for (const c of INT_COLS) if (get.has(c)) int(c);
  for (const c of BOOL_COLS) if (get.has(c)) bool(c);
  if (errors.length) return { ok: false, errors };

  const uoms: SkuInput['uoms'] = [];
  const levelOfIndex: string[] = [];
  const gtin = str('gtin');
  uoms.push({
    level: 'each',
    qtyEach: 1,
    gtin: gtin ?? null,
    lengthMm: int('length_mm') ?? 0,
    widthMm: int('width_mm') ?? 0,
    heightMm: int('height_mm') ?? 0,
    weightG: int('weight_g') ?? 0,
  });
  levelOfIndex.push('each');
  for (const l of PACK_LEVELS) {
    const qty = int(`${l}_qty`);
    if (qty === undefined) {
      if (str(`${l}_gtin`)) errors.push({ path: `${l}_qty`, message: `${l}_gtin given without ${l}_qty` });
      continue;
    }
    uoms.push({
      level: l,
      qtyEach: qty,
      gtin: str(`${l}_gtin`) ?? null,
      lengthMm: int(`${l}_length_mm`) ?? 0,
      widthMm: int(`${l}_width_mm`) ?? 0,
      heightMm: int(`${l}_height_mm`) ?? 0,
      weightG: int(`${l}_weight_g`) ?? 0,
    });
    levelOfIndex.push(l);
  }
  const nameI18n: Record<string, string> = {};
  for (const [h, v] of get) if (h.startsWith('name_') && v) nameI18n[h.slice(5)] = v;
  const raw = {
    code: get.get('code') ?? '',
    name: get.get('name') ?? '',
    nameI18n,
    category: str('category') ?? null,
    lengthMm: int('length_mm') ?? 0,
    widthMm: int('width_mm') ?? 0,
    heightMm: int('height_mm') ?? 0,
    weightG: int('weight_g') ?? 0,
    trackLot: bool('track_lot') ?? false,
    trackExpiry: bool('track_expiry') ?? false,
    trackSerial: bool('track_serial') ?? false,
    shelfLifeDays: int('shelf_life_days') ?? null,
    hazmatClass: str('hazmat_class') ?? null,
    storageCondition: str('storage_condition') ?? 'ambient',
    velocityClass: str('velocity_class') ?? null,
    minStockQty: int('min_stock_qty') ?? 0,
    fragile: bool('fragile') ?? false,
    active: bool('active') ?? true,
    uoms,
    barcodes: (str('barcodes') ?? '')
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean),
  };
  if (errors.length) return { ok: false, errors };
  const parsed = skuInput.safeParse(raw);
  if (parsed.success) return { ok: true, sku: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({ path: columnOf(i.path, levelOfIndex), message: i.message, code: i.code })),
  };
}

const FIELD_COL: Record<string, string> = {
  lengthMm: 'length_mm',
  widthMm: 'width_mm',
  heightMm: 'height_mm',
  weightG: 'weight_g',
  trackLot: 'track_lot',
  trackExpiry: 'track_expiry',
  trackSerial: 'track_serial',
  shelfLifeDays: 'shelf_life_days',
  hazmatClass: 'hazmat_class',
  storageCondition: 'storage_condition',
  velocityClass: 'velocity_class',
  minStockQty: 'min_stock_qty',
  nameI18n: 'name_*',
  qtyEach: 'qty',
  gtin: 'gtin',
};

function columnOf(path: PropertyKey[], levelOfIndex: string[]): string {
  if (path[0] === 'uoms' && typeof path[1] === 'number') {
    const level = levelOfIndex[path[1]] ?? 'each';
    const f = FIELD_COL[String(path[2])] ?? String(path[2] ?? 'qty');
    return level === 'each' ? f : `${level}_${f}`;
  }
  if (path[0] === 'uoms') return 'pack levels';
  return FIELD_COL[String(path[0])] ?? String(path[0] ?? 'row');
}

/** One SKU as CSV values in SKU_CSV_COLUMNS order followed by the given translation languages. */
export function skuToRow(s: SkuView, langs: string[]): unknown[] {
  const lvl = new Map(s.uoms.map((u) => [u.level, u]));
  const each = lvl.get('each');
  const base: Record<string, unknown> = {
    code: s.code,
    name: s.name,
    category: s.category,
    length_mm: s.lengthMm,
    width_mm: s.widthMm,
    height_mm: s.heightMm,
    weight_g: s.weightG,
    track_lot: s.trackLot,
    track_expiry: s.trackExpiry,
    track_serial: s.trackSerial,
    shelf_life_days: s.shelfLifeDays,
    hazmat_class: s.hazmatClass,
    storage_condition: s.storageCondition,
    velocity_class: s.velocityClass,
    min_stock_qty: s.minStockQty,
    fragile: s.fragile,
    active: s.active,
    gtin: each?.gtin ? stripGtin(each.gtin, s, 'each') : null,
    barcodes: s.barcodes
      .filter((b) => b.kind === 'internal')
      .map((b) => b.barcode)
      .join('|'),
  };
  for (const l of PACK_LEVELS) {
    const u = lvl.get(l);
    if (!u) continue;
    base[`${l}_qty`] = u.qtyEach;
    base[`${l}_gtin`] = u.gtin ? stripGtin(u.gtin, s, l) : null;
    base[`${l}_length_mm`] = u.lengthMm;
    base[`${l}_width_mm`] = u.widthMm;
    base[`${l}_height_mm`] = u.heightMm;
    base[`${l}_weight_g`] = u.weightG;
  }
  return [...SKU_CSV_COLUMNS.map((c) => base[c]), ...langs.map((l) => s.nameI18n[l] ?? null)];
}

/** Exports a GTIN in the length it was given (the barcode kind remembers it), not the stored GTIN-14. */
function stripGtin(gtin14: string, s: SkuView, level: string): string {
  const kind = s.barcodes.find((b) => b.barcode === gtin14 && b.uomLevel === level)?.kind;
  const len = kind === 'gtin8' ? 8 : kind === 'gtin12' ? 12 : kind === 'gtin13' ? 13 : 14;
  return gtin14.slice(14 - len);
}
