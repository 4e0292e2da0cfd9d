/**
 * Demo catalog: 200 SKUs with valid GTIN-13s (each) and GTIN-14s (case, indicator 1), inner packs
 * for small items, realistic dimensions and weights per pack level, categories, velocity classes
 * (20 % A, 30 % B, 50 % C), chilled food that is lot- and expiry-tracked, a few hazmat items, and
 * names in en/de/fr/nl. Deterministic (seeded PRNG).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SkuInput } from '../../domain/catalog/catalog.schemas.js';
import { upsertSkus } from '../../domain/catalog/catalog.service.js';
import { gs1CheckDigit } from '../../domain/scanning/index.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { rng } from './rng.js';

export const DEMO_SKU_COUNT = 200;
const COMPANY_PREFIX = '8712345'; // GS1 Netherlands range, fictitious company

interface Family {
  category: string;
  names: [string, string, string, string][];
  dims: [number, number, number];
  weightG: number;
  tracked?: boolean;
  chilled?: boolean;
  hazmat?: string;
}
const FAMILIES: Family[] = [
  {
    category: 'apparel',
    names: [
      ['T-shirt', 'T-Shirt', 'T-shirt', 'T-shirt'],
      ['Hoodie', 'Kapuzenpullover', 'Sweat à capuche', 'Hoodie'],
      ['Socks 3-pack', 'Socken 3er-Pack', 'Chaussettes x3', 'Sokken 3-pack'],
    ],
    dims: [300, 250, 30],
    weightG: 220,
  },
  {
    category: 'home',
    names: [
      ['Mug', 'Becher', 'Tasse', 'Mok'],
      ['Candle', 'Kerze', 'Bougie', 'Kaars'],
      ['Cushion', 'Kissen', 'Coussin', 'Kussen'],
    ],
    dims: [120, 100, 100],
    weightG: 380,
  },
  {
    category: 'electronics',
    names: [
      ['USB-C cable', 'USB-C-Kabel', 'Câble USB-C', 'USB-C-kabel'],
      ['Power bank', 'Powerbank', 'Batterie externe', 'Powerbank'],
      ['Earbuds', 'Ohrhörer', 'Écouteurs', 'Oordopjes'],
    ],
    dims: [150, 90, 40],
    weightG: 160,
    hazmat: '9',
  },
  {
    category: 'food',
    names: [
      ['Yoghurt', 'Joghurt', 'Yaourt', 'Yoghurt'],
      ['Cheese', 'Käse', 'Fromage', 'Kaas'],
      ['Orange juice', 'Orangensaft', "Jus d'orange", 'Sinaasappelsap'],
    ],
    dims: [90, 90, 110],
    weightG: 520,
    tracked: true,
    chilled: true,
  },
  {
    category: 'beauty',
    names: [
      ['Shampoo', 'Shampoo', 'Shampooing', 'Shampoo'],
      ['Hand cream', 'Handcreme', 'Crème mains', 'Handcrème'],
      ['Deodorant', 'Deodorant', 'Déodorant', 'Deodorant'],
    ],
    dims: [60, 50, 180],
    weightG: 280,
    tracked: true,
    hazmat: '2.1',
  },
  {
    category: 'tools',
    names: [
      ['Screwdriver set', 'Schraubendreher-Set', 'Jeu de tournevis', 'Schroevendraaierset'],
      ['Tape measure', 'Maßband', 'Mètre ruban', 'Rolmaat'],
      ['Work gloves', 'Arbeitshandschuhe', 'Gants de travail', 'Werkhandschoenen'],
    ],
    dims: [220, 120, 50],
    weightG: 450,
  },
];
const VARIANTS = ['Red', 'Blue', 'Black', 'White', 'Green', 'Grey', 'Small', 'Large'];

/** The GTIN-13 of demo SKU i (1-based): company prefix + 5-digit item reference + check digit. */
export function demoGtin13(i: number): string {
  const body = `${COMPANY_PREFIX}${String(i).padStart(5, '0')}`;
  return body + gs1CheckDigit(body);
}
/** The case GTIN-14 of demo SKU i: indicator digit 1 + the GTIN-13 body + a new check digit. */
export function demoCaseGtin14(i: number): string {
  const body = `1${demoGtin13(i).slice(0, 12)}`;
  return body + gs1CheckDigit(body);
}

export function demoSkus(seed = 20261125): SkuInput[] {
  const r = rng(seed);
  const out: SkuInput[] = [];
  for (let i = 1; i <= DEMO_SKU_COUNT; i++) {
    const fam = FAMILIES[(i - 1) % FAMILIES.length]!;
    const [en, de, fr, nl] = fam.names[Math.floor(r() * fam.names.length)]!;
    const variant = VARIANTS[Math.floor(r() * VARIANTS.length)]!;
    const scale = 0.8 + r() * 0.5;
    const [l, w, h] = fam.dims.map((d) => Math.round(d * scale)) as [number, number, number];
    const weightG = Math.round(fam.weightG * scale);
    const caseQty = [6, 12, 24][Math.floor(r() * 3)]!;
    const innerQty = caseQty >= 12 && r() < 0.4 ? caseQty / 4 : null;
    const uoms: SkuInput['uoms'] = [{ level: 'each', qtyEach: 1, gtin: demoGtin13(i), lengthMm: l, widthMm: w, heightMm: h, weightG }];
    if (innerQty)
      uoms.push({
        level: 'inner',
        qtyEach: innerQty,
        gtin: null,
        lengthMm: l * 2,
        widthMm: w * 2,
        heightMm: h,
        weightG: weightG * innerQty + 30,
      });
    const caseL = l * (caseQty >= 12 ? 4 : 3),
      caseW = w * (caseQty >= 24 ? 3 : 2),
      caseH = h * (caseQty >= 24 ? 2 : 1);
    uoms.push({
      level: 'case',
      qtyEach: caseQty,
      gtin: demoCaseGtin14(i),
      lengthMm: caseL,
      widthMm: caseW,
      heightMm: caseH,
      weightG: weightG * caseQty + 250,
    });
    uoms.push({
      level: 'pallet',
      qtyEach: caseQty * 40,
      gtin: null,
      lengthMm: 1_200,
      widthMm: 800,
      heightMm: 1_500,
      weightG: (weightG * caseQty + 250) * 40 + 25_000,
    });
    const roll = r();
    out.push({
      code: `${fam.category.slice(0, 3).toUpperCase()}-${String(i).padStart(4, '0')}-${variant.slice(0, 3).toUpperCase()}`,
      name: `${en} ${variant}`,
      nameI18n: { de: `${de} ${variant}`, fr: `${fr} ${variant}`, nl: `${nl} ${variant}` },
      category: fam.category,
      lengthMm: l,
      widthMm: w,
      heightMm: h,
      weightG,
      trackLot: !!fam.tracked,
      trackExpiry: !!fam.tracked,
      trackSerial: fam.category === 'electronics' && i % 3 === 0,
      shelfLifeDays: fam.chilled ? 21 + Math.floor(r() * 40) : fam.tracked ? 730 : null,
      hazmatClass: fam.hazmat && i % 2 === 0 ? fam.hazmat : null,
      storageCondition: fam.chilled ? 'chilled' : 'ambient',
      velocityClass: roll < 0.2 ? 'A' : roll < 0.5 ? 'B' : 'C',
      minStockQty: roll < 0.2 ? 48 : roll < 0.5 ? 24 : 6,
      fragile: fam.category === 'home' && r() < 0.5,
      uoms,
      barcodes: [`INT${String(i).padStart(6, '0')}`],
      active: true,
    });
  }
  return out;
}

export async function seedCatalog(em: EntityManager): Promise<boolean> {
  const skus = demoSkus();
  if (await sqlOne(em, 'select 1 from sku where code = ?', [skus[0]!.code])) return false;
  await upsertSkus(em, skus);
  return true;
}
