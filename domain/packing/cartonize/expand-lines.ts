import type { PackItem } from './types.js';

/** An order line as the catalogue and the order give it: one SKU, a quantity. */
export interface OrderLine extends Omit<PackItem, 'itemId'> {
  sku: string;
  qty: number;
}

/** One PackItem per unit; ids are `<sku>#<n>` with n counting from 1 per SKU across lines, so they stay unique. */
export function expandLines(lines: readonly OrderLine[]): PackItem[] {
  const next = new Map<string, number>();
  const out: PackItem[] = [];
  for (const { sku, qty, ...rest } of lines) {
    for (let k = 0; k < qty; k++) {
      const n = (next.get(sku) ?? 0) + 1;
      next.set(sku, n);
      out.push({ ...rest, itemId: `${sku}#${n}` });
    }
  }
  return out;
}
