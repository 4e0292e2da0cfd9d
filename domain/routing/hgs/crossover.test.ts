import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.js';
import { orderedCrossover, randomOrderedCrossover } from './crossover.js';

describe('ordered crossover (OX)', () => {
  it("keeps parent A's segment in place and fills the rest in B's order from after the segment", () => {
    const a = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const b = Int32Array.from([7, 6, 5, 4, 3, 2, 1, 0]);
    const child = new Int32Array(8);
    orderedCrossover(a, b, 2, 4, child, new Uint8Array(8));
    // Segment 2,3,4 from A; B read from position 5 on (2,1,0,7,6,5,4,3) minus {2,3,4}: 1,0,7,6,5.
    expect(Array.from(child)).toEqual([6, 5, 2, 3, 4, 1, 0, 7]);
  });

  it('wraps a segment that runs past the end', () => {
    const a = Int32Array.from([0, 1, 2, 3, 4]);
    const b = Int32Array.from([4, 2, 0, 3, 1]);
    const child = new Int32Array(5);
    orderedCrossover(a, b, 3, 0, child, new Uint8Array(5));
    // Segment positions 3,4,0 (= 3,4,0); B from position 1 on: 2,0,3,1,4 minus → 2,1 at positions 1,2.
    expect(Array.from(child)).toEqual([0, 2, 1, 3, 4]);
  });

  it('always gives a permutation', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 200; t++) {
      const n = 2 + rng.int(40);
      const a = Int32Array.from({ length: n }, (_, k) => k);
      const b = Int32Array.from({ length: n }, (_, k) => k);
      rng.shuffle(a);
      rng.shuffle(b);
      const child = new Int32Array(n);
      randomOrderedCrossover(a, b, rng, child, new Uint8Array(n));
      expect(Array.from(child).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, k) => k));
    }
  });
});
