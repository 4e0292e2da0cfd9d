/**
 * Item orders tried by the packer. Crainic, Perboli & Tadei (2008) found no single order best and
 * recommend trying several (volume, height, area, clustered); we use the ones that matter when
 * items may rotate, plus weight so heavy items go in first and sit low.
 */
import type { PackItem } from './types.js';

export type SortRule = 'volume' | 'longestSide' | 'area' | 'height' | 'weight';

export const SORT_RULES: readonly SortRule[] = ['volume', 'longestSide', 'area', 'height', 'weight'];

function sides(i: PackItem): [number, number, number] {
  return [i.lengthMm, i.widthMm, i.heightMm].sort((a, b) => b - a) as [number, number, number];
}

function keys(rule: SortRule, i: PackItem): number[] {
  const [a, b, c] = sides(i);
  const vol = a * b * c;
  switch (rule) {
    case 'volume':
      return [vol, a, i.weightG];
    case 'longestSide':
      return [a, b, vol];
    case 'area':
      return [a * b, c, vol];
    case 'height':
      return [i.thisSideUp ? i.heightMm : c, vol, a];
    case 'weight':
      return [i.weightG, vol, a];
  }
}

/**
 * Items sorted by a rule, largest first. Items others may not rest on (noStack), then fragile
 * ones, always come after the rest so they end up on top. Ties keep the input order (stable).
 */
export function sortItems(items: readonly PackItem[], rule: SortRule): PackItem[] {
  const tier = (i: PackItem) => (i.noStack ? 2 : i.fragile ? 1 : 0);
  const decorated = items.map((item, idx) => ({ item, idx, tier: tier(item), k: keys(rule, item) }));
  decorated.sort((p, q) => {
    if (p.tier !== q.tier) return p.tier - q.tier;
    for (let j = 0; j < p.k.length; j++) if (p.k[j] !== q.k[j]) return q.k[j]! - p.k[j]!;
    return p.idx - q.idx;
  });
  return decorated.map((d) => d.item);
}
