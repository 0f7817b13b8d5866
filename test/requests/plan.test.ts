/**
 * The request plan: weights honoured within statistical bounds, the same sequence for the same
 * seed whatever the order requests are built in, and the rows each data order hands out.
 */
import { describe, expect, it } from 'vitest';
import { createPlan, picker } from '../../src/requests/plan.js';
import type { DataFile } from '../../src/requests/data/data-file.js';

function rowsFile(rows: number): DataFile {
  return { file: 'rows', format: 'csv', fields: ['i'], rows, inMemory: true, indexBytes: 0, row: (i) => ({ i }), close: () => {} };
}

describe('choosing a request of the mix', () => {
  it('honours the weights within statistical bounds', () => {
    const weights = [8, 2, 1, 0.5];
    const pick = picker(weights, 7);
    const n = 200_000;
    const counts = [0, 0, 0, 0];
    for (let seq = 0; seq < n; seq++) counts[pick(seq)]!++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      const p = w / total;
      const sd = Math.sqrt(n * p * (1 - p));
      // Five standard deviations: a correct picker fails this about once in 1.7 million runs.
      expect(Math.abs(counts[i]! - n * p)).toBeLessThan(5 * sd);
    });
  });

  it('gives the same sequence for the same seed, in any order, and another for another seed', () => {
    const a = picker([1, 1, 1], 1);
    const b = picker([1, 1, 1], 1);
    const forward = Array.from({ length: 1000 }, (_, seq) => a(seq));
    const backward = Array.from({ length: 1000 }, (_, i) => b(999 - i)).reverse();
    expect(backward).toEqual(forward);
    expect(Array.from({ length: 1000 }, (_, seq) => picker([1, 1, 1], 2)(seq))).not.toEqual(forward);
  });

  it('a single request is always request 0', () => {
    expect(picker([3], 1)(12)).toBe(0);
  });
});

describe('data orders', () => {
  const rowIndex = (plan: ReturnType<typeof createPlan>, seq: number) => (plan.scope(seq).row as { i: number }).i;

  it('sequential hands out rows in order and starts over after the last', () => {
    const plan = createPlan({ names: [], weights: [], seed: 1, data: rowsFile(3), order: 'sequential' });
    expect([0, 1, 2, 3, 4, 5, 6].map((seq) => rowIndex(plan, seq))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(plan.limit).toBeUndefined();
  });

  it('once hands out each row once and limits the run to the rows', () => {
    const plan = createPlan({ names: [], weights: [], seed: 1, data: rowsFile(4), order: 'once' });
    expect([0, 1, 2, 3].map((seq) => rowIndex(plan, seq))).toEqual([0, 1, 2, 3]);
    expect(plan.limit).toBe(4);
  });

  it('random draws rows uniformly, reproducibly from the seed', () => {
    const plan = createPlan({ names: [], weights: [], seed: 9, data: rowsFile(10), order: 'random' });
    const again = createPlan({ names: [], weights: [], seed: 9, data: rowsFile(10), order: 'random' });
    const n = 50_000;
    const seen = Array.from({ length: n }, (_, seq) => rowIndex(plan, seq));
    expect(Array.from({ length: n }, (_, seq) => rowIndex(again, seq))).toEqual(seen);
    const counts = Array.from({ length: 10 }, (_, row) => seen.filter((i) => i === row).length);
    // 5,000 expected per row; 5 standard deviations is about 335.
    for (const count of counts) expect(Math.abs(count - 5000)).toBeLessThan(335);
    // Not the sequential order.
    expect(seen.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
