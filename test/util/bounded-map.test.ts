import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/util/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the oldest entries past its size, and says which', () => {
    const evicted: [string, number][] = [];
    const m = new BoundedMap<string, number>(3, (k, v) => evicted.push([k, v]));
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) m.set(k, i);
    expect([...m.entries()]).toEqual([['c', 2], ['d', 3], ['e', 4]]);
    expect(evicted).toEqual([['a', 0], ['b', 1]]);
  });

  it('skips entries deleted since, and keeps the place of a key set again', () => {
    const evicted: string[] = [];
    const m = new BoundedMap<string, number>(2, (k) => evicted.push(k));
    m.set('a', 1);
    m.set('b', 2);
    m.delete('a');
    m.set('b', 3);
    m.set('c', 4);
    expect(evicted).toEqual([]);
    m.set('d', 5);
    expect(evicted).toEqual(['b']);
    expect(m.get('b')).toBeUndefined();
    expect([...m.entries()]).toEqual([['c', 4], ['d', 5]]);
  });

  it('keeps its order array bounded under churn, with or without evictions', () => {
    const m = new BoundedMap<number, number>(1_000);
    for (let i = 0; i < 200_000; i++) {
      m.set(i, i);
      if (i % 2 === 0) m.delete(i);
    }
    expect(m.size).toBe(1_000);
    const order = (m as unknown as { order: number[]; head: number }).order;
    expect(order.length).toBeLessThanOrEqual(2 * m.size + 1_025 + 1);
    const small = new BoundedMap<number, number>(1_000_000);
    for (let i = 0; i < 100_000; i++) {
      small.set(i, i);
      small.delete(i);
    }
    expect(small.size).toBe(0);
    expect((small as unknown as { order: number[] }).order.length).toBeLessThanOrEqual(1_025);
  });

  it('evicts in insertion order across a rebuild of its order', () => {
    const m = new BoundedMap<number, number>(10);
    for (let i = 0; i < 5_000; i++) m.set(i, i);
    expect([...m.entries()].map(([k]) => k)).toEqual(Array.from({ length: 10 }, (_, i) => 4_990 + i));
  });
});
