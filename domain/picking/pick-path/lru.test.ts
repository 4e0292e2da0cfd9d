import { describe, expect, it } from 'vitest';
import { DistanceCache } from './distance-cache.js';
import { pickPoint } from './layout.js';
import { LruCache } from './lru.js';

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // refreshes a
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});

describe('DistanceCache', () => {
  it('keys matrices by layout and point list, and forgets layouts past its capacity', () => {
    const cache = new DistanceCache(1, 4);
    const l1 = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    const l2 = { aislesXMm: [0, 2500], crossAislesYMm: [0, 10000] };
    const pts1 = [pickPoint(l1, { aisle: 0, yMm: 0 }), pickPoint(l1, { aisle: 1, yMm: 5000 })];
    const m = cache.matrix(l1, pts1);
    expect(Array.from(m)).toEqual([0, 8000, 8000, 0]);
    expect(cache.matrix(l1, pts1)).toBe(m);
    const pts2 = [pickPoint(l2, { aisle: 0, yMm: 0 }), pickPoint(l2, { aisle: 1, yMm: 5000 })];
    expect(Array.from(cache.matrix(l2, pts2))).toEqual([0, 7500, 7500, 0]);
    expect(cache.matrix(l1, pts1)).not.toBe(m); // l1 was evicted by l2
    expect(cache.hits).toBe(1);
    expect(cache.misses).toBe(3);
  });
});
