import type { RateCardBody } from './rate-card.schemas.js';

/**
 * Pure rating: one service's price for a set of parcels from a rate card (no I/O, no clock).
 * Per package (UPS/FedEx tariff practice): dimensions rounded per the card, DIM weight = L×W×H ÷ divisor,
 * billable = max(actual, DIM) each rounded up to the weight increment, large packages floored at their minimum
 * billable weight; base price from the zone's weight breaks; surcharges per package; fuel last, as a percentage
 * of base + surcharges (FedEx: "net package rate plus transportation-related surcharges").
 */

export interface Parcel {
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  weightG: number;
}

export interface PriceLine {
  kind: 'base' | 'residential' | 'delivery_area' | 'das_extended' | 'remote' | 'additional_handling' | 'large_package' | 'fuel';
  amountMinor: number;
  /** 0-based parcel the line belongs to; absent for shipment-level lines (fuel). */
  parcel?: number;
  detail: string;
}

export interface ParcelRating {
  billableWeightG: number;
  dimWeightG: number;
  billable: number;
  dimWeight: number;
  actual: number;
  zone: string;
}

export type RateResult =
  | { ok: true; totalMinor: number; billableWeightG: number; dimWeightG: number; lines: PriceLine[]; parcels: ParcelRating[] }
  | { ok: false; reason: string };

const MM_PER_IN = 25.4;
const G_PER_LB = 453.59237;

/** Card-unit conversions: inches/pounds for imperial cards, centimetres/kilograms for metric ones. */
export function unitsOf(card: Pick<RateCardBody, 'units'>) {
  return card.units === 'imperial' ? { mmPerLength: MM_PER_IN, gPerWeight: G_PER_LB } : { mmPerLength: 10, gPerWeight: 1000 };
}

/** Rounds x up to a multiple of step, tolerating float noise (12.000000001 stays 12). */
export function ceilTo(x: number, step: number): number {
  const q = x / step;
  const r = Math.round(q);
  return (Math.abs(q - r) < 1e-9 ? r : Math.ceil(q)) * step;
}

/** One dimension in card units, rounded as the card says (never below 1 unit for a non-empty side). */
export function roundLength(mm: number, card: Pick<RateCardBody, 'units' | 'dim'>): number {
  const v = mm / unitsOf(card).mmPerLength;
  const r = card.dim.lengthRounding === 'up' ? ceilTo(v, 1) : Math.round(v);
  return mm > 0 ? Math.max(1, r) : 0;
}

/** DIM weight of a parcel in card weight units, unrounded; 0 when the card's minimum volume is not exceeded. */
export function dimWeight(p: Parcel, card: Pick<RateCardBody, 'units' | 'dim'>): number {
  const vol = roundLength(p.lengthMm, card) * roundLength(p.widthMm, card) * roundLength(p.heightMm, card);
  return vol > card.dim.minVolume ? vol / card.dim.divisor : 0;
}

/** Sides in card units, longest first, and length + girth (L + 2W + 2H). */
export function measure(p: Parcel, card: Pick<RateCardBody, 'units' | 'dim'>) {
  const sides = [p.lengthMm, p.widthMm, p.heightMm].map((mm) => roundLength(mm, card)).sort((a, b) => b - a) as [number, number, number];
  return { sides, lengthGirth: sides[0] + 2 * sides[1] + 2 * sides[2] };
}

/** Price of a weight in a zone's breaks; undefined when above the last break. */
export function breakPrice(rows: { upTo: number; priceMinor: number }[], weight: number): number | undefined {
  return rows.find((r) => weight <= r.upTo + 1e-9)?.priceMinor;
}

/** The delivery-area surcharge that applies to a destination postal code (longest matching prefix wins). */
export function deliveryAreaOf(card: RateCardBody, postalCode: string) {
  const pc = normalizePostal(postalCode);
  let best: RateCardBody['surcharges']['deliveryArea'][number] | undefined;
  let bestLen = 0;
  for (const a of card.surcharges.deliveryArea)
    for (const pre of a.prefixes) {
      const p = normalizePostal(pre);
      if (pc.startsWith(p) && p.length > bestLen) {
        best = a;
        bestLen = p.length;
      }
    }
  return best;
}

export const normalizePostal = (s: string) => s.toUpperCase().replace(/[\s-]/g, '');

/** Rates parcels to one destination zone with a card. Lines are integers in minor units; fuel rounds half up. */
export function rateParcels(
  card: RateCardBody,
  zone: string,
  parcels: Parcel[],
  dest: { postalCode: string; residential?: boolean },
): RateResult {
  const rows = card.breaks[zone];
  if (!rows) return { ok: false, reason: `zone ${zone} is not served by this card` };
  if (parcels.length === 0) return { ok: false, reason: 'no parcels' };
  const { gPerWeight } = unitsOf(card);
  const lines: PriceLine[] = [];
  const rated: ParcelRating[] = [];
  const das = deliveryAreaOf(card, dest.postalCode);
  for (const [i, p] of parcels.entries()) {
    const actual = p.weightG / gPerWeight;
    const { sides, lengthGirth } = measure(p, card);
    if (actual > card.limits.maxWeight) return { ok: false, reason: `parcel ${i + 1} weighs over the ${card.limits.maxWeight} limit` };
    if (sides[0] > card.limits.maxLength) return { ok: false, reason: `parcel ${i + 1} is longer than ${card.limits.maxLength}` };
    if (lengthGirth > card.limits.maxLengthGirth)
      return { ok: false, reason: `parcel ${i + 1} exceeds length + girth ${card.limits.maxLengthGirth}` };
    const dim = dimWeight(p, card);
    const lp = card.surcharges.largePackage;
    const isLarge =
      !!lp &&
      ((lp.lengthGirthOver !== undefined && lengthGirth > lp.lengthGirthOver) ||
        (lp.longestSideOver !== undefined && sides[0] > lp.longestSideOver));
    let billable = Math.max(ceilTo(actual, card.weightIncrement), ceilTo(dim, card.weightIncrement));
    if (isLarge) billable = Math.max(billable, lp.minBillableWeight);
    const base = breakPrice(rows, billable);
    if (base === undefined) return { ok: false, reason: `parcel ${i + 1}: billable weight ${billable} is above the card's last break` };
    lines.push({
      kind: 'base',
      amountMinor: base,
      parcel: i,
      detail: `zone ${zone}, billable ${billable} ${card.units === 'imperial' ? 'lb' : 'kg'}`,
    });
    if (dest.residential && card.surcharges.residentialMinor > 0)
      lines.push({ kind: 'residential', amountMinor: card.surcharges.residentialMinor, parcel: i, detail: 'residential delivery' });
    if (das && das.amountMinor > 0)
      lines.push({
        kind: das.kind === 'das' ? 'delivery_area' : das.kind,
        amountMinor: das.amountMinor,
        parcel: i,
        detail: `destination ${normalizePostal(dest.postalCode)} is in a ${das.kind.replace('_', ' ')} area`,
      });
    const ah = card.surcharges.additionalHandling;
    if (isLarge)
      lines.push({
        kind: 'large_package',
        amountMinor: lp.amountMinor,
        parcel: i,
        detail: `length + girth ${lengthGirth}, longest ${sides[0]}`,
      });
    else if (ah) {
      // Only one AH charge per package, and none when the large-package surcharge applies (UPS tariff).
      const why =
        ah.weightOver !== undefined && actual > ah.weightOver
          ? `actual weight over ${ah.weightOver}`
          : ah.longestSideOver !== undefined && sides[0] > ah.longestSideOver
            ? `longest side over ${ah.longestSideOver}`
            : ah.secondSideOver !== undefined && sides[1] > ah.secondSideOver
              ? `second-longest side over ${ah.secondSideOver}`
              : ah.lengthGirthOver !== undefined && lengthGirth > ah.lengthGirthOver
                ? `length + girth over ${ah.lengthGirthOver}`
                : undefined;
      if (why) lines.push({ kind: 'additional_handling', amountMinor: ah.amountMinor, parcel: i, detail: why });
    }
    rated.push({
      billable,
      dimWeight: dim,
      actual,
      zone,
      billableWeightG: Math.round(billable * gPerWeight),
      dimWeightG: Math.round(dim * gPerWeight),
    });
  }
  const beforeFuel = lines.reduce((s, l) => s + l.amountMinor, 0);
  const fuel = Math.round((beforeFuel * card.surcharges.fuelPct) / 100);
  if (card.surcharges.fuelPct > 0) lines.push({ kind: 'fuel', amountMinor: fuel, detail: `${card.surcharges.fuelPct}% of ${beforeFuel}` });
  return {
    ok: true,
    totalMinor: beforeFuel + fuel,
    billableWeightG: rated.reduce((s, r) => s + r.billableWeightG, 0),
    dimWeightG: rated.reduce((s, r) => s + r.dimWeightG, 0),
    lines,
    parcels: rated,
  };
}
