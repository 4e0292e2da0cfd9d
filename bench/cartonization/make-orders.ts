/**
 * Writes bench/data/cartonization/orders.synthetic.json: the in-repo default order set of the
 * cartonization benchmark. The shared Olist-derived set carries a non-commercial licence, so it
 * stays outside the repository (pass it with --instances); these orders are seeded draws from
 * product families whose sizes were chosen here, so they can ship with the code.
 *   tsx bench/cartonization/make-orders.ts [--seed 1] [--orders 300]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../domain/shared/rng.js';

/** Size ranges in mm and weight range in g per family; an order draws mostly from one family. */
const FAMILIES: { name: string; l: [number, number]; w: [number, number]; h: [number, number]; g: [number, number] }[] = [
  { name: 'book', l: [180, 260], w: [120, 190], h: [15, 60], g: [200, 1200] },
  { name: 'apparel', l: [250, 380], w: [180, 300], h: [20, 80], g: [150, 900] },
  { name: 'shoes', l: [280, 360], w: [170, 220], h: [100, 140], g: [700, 1600] },
  { name: 'electronics', l: [60, 250], w: [40, 180], h: [20, 120], g: [80, 2000] },
  { name: 'kitchen', l: [100, 400], w: [100, 300], h: [60, 300], g: [250, 4000] },
  { name: 'cosmetics', l: [30, 120], w: [30, 80], h: [30, 200], g: [40, 500] },
];

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const seed = opt('--seed', 1);
  const count = opt('--orders', 300);
  const rand = mulberry32(seed);
  const int = ([lo, hi]: [number, number]) => lo + Math.floor(rand() * (hi - lo + 1));
  const orders = Array.from({ length: count }, (_, o) => {
    const home = FAMILIES[Math.floor(rand() * FAMILIES.length)];
    const lines = 1 + Math.floor(rand() * 4);
    const items = Array.from({ length: lines }, (_, k) => {
      // One line in five comes from another family, as real baskets mix.
      const f = rand() < 0.2 ? FAMILIES[Math.floor(rand() * FAMILIES.length)] : home;
      return {
        sku: `${f.name}-${o}-${k}`,
        lengthMm: int(f.l),
        widthMm: int(f.w),
        heightMm: int(f.h),
        weightG: int(f.g),
        qty: 1 + Math.floor(rand() * 3),
      };
    });
    return { id: `SYN-${String(o + 1).padStart(4, '0')}`, items };
  });
  const out = fileURLToPath(new URL('../data/cartonization/orders.synthetic.json', import.meta.url));
  const body = { source: 'seeded synthetic orders written for this project (bench/cartonization/make-orders.ts)', seed, orders };
  writeFileSync(out, JSON.stringify(body) + '\n');
  console.log(`wrote ${orders.length} orders to ${out}`);
}

main();
