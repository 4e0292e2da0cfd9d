import { describe, expect, it } from 'vitest';
import { brokenPairsDistance, linksOf } from './distance.js';

const d = (a: number[][], b: number[][], n: number): number => brokenPairsDistance(linksOf(a, n), linksOf(b, n));

describe('broken-pairs distance', () => {
  it('is 0 for the same routes, in any route order and direction', () => {
    const a = [
      [0, 1, 2],
      [3, 4, 5],
    ];
    expect(d(a, a, 6)).toBe(0);
    expect(
      d(
        a,
        [
          [5, 4, 3],
          [2, 1, 0],
        ],
        6,
      ),
    ).toBe(0);
  });

  it('counts each job whose successor is no neighbour in the other solution', () => {
    // 0-1-2 | 3-4-5 against 0-1-5 | 3-4-2: job 1's successor 2 is not next to 1 in b (1-5),
    // job 4's successor 5 is not next to 4 in b (4-2): 2 broken pairs of 6.
    expect(
      d(
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        [
          [0, 1, 5],
          [3, 4, 2],
        ],
        6,
      ),
    ).toBeCloseTo(2 / 6, 12);
  });

  it('counts a job that starts a route in one solution and sits inside a route in the other', () => {
    // a: 0 | 1-2 ; b: 1-0-2. Successors: 0→depot (b: 0→2, pred 1) broken; 1→2 (b: 1→0) broken;
    // 2→depot (b: 2→depot) same. Route starts in a: 0 and 1; 0 is inside a route in b: +1.
    expect(d([[0], [1, 2]], [[1, 0, 2]], 3)).toBeCloseTo(3 / 3, 12);
  });

  it('is symmetric on these examples and grows with the changes', () => {
    const a = [[0, 1, 2, 3, 4, 5, 6, 7]];
    const small = [[0, 1, 2, 3, 4, 5, 7, 6]];
    const big = [[0, 4, 2, 6, 1, 5, 3, 7]];
    expect(d(a, small, 8)).toBeLessThan(d(a, big, 8));
    expect(d(a, big, 8)).toBeCloseTo(d(big, a, 8), 12);
  });
});
