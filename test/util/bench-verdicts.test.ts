/**
 * The benchmarks' verdicts on ratios (bench/lib/report.mjs): the median's interval from order
 * statistics with its exact coverage, and a target called met only when that interval clears it.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error the benchmark library is plain JavaScript, without declarations
import { medianInterval, ratioVerdict } from '../../bench/lib/report.mjs';

interface Interval {
  low: number;
  high: number;
  coverage: number;
}
const intervalOf = medianInterval as (xs: number[], level?: number) => Interval | null;
const verdictOf = ratioVerdict as (label: string, ratios: number[], floor: number) => string;

describe('medianInterval', () => {
  it('gives the order statistics of the textbook table with their exact coverage', () => {
    // n = 9: the 2nd and 8th values, 1 - 2 (1 + 9) / 512.
    expect(intervalOf([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ low: 2, high: 8, coverage: 1 - 20 / 512 });
    // n = 20: the 6th and 15th values, 95.86%.
    const twenty = intervalOf(Array.from({ length: 20 }, (_, i) => 20 - i))!;
    expect([twenty.low, twenty.high]).toEqual([6, 15]);
    expect(twenty.coverage).toBeCloseTo(0.9586, 4);
  });

  it('with too few values for the level, the whole range and the coverage it really has', () => {
    expect(intervalOf([5, 1, 3, 2, 4])).toEqual({ low: 1, high: 5, coverage: 1 - 2 / 32 });
    expect(intervalOf([3])).toEqual({ low: 3, high: 3, coverage: 0 });
    expect(intervalOf([Number.NaN])).toBeNull();
  });
});

describe('ratioVerdict', () => {
  const floor = 0.95;
  it('met only when the interval clears the floor', () => {
    expect(verdictOf('x', [0.96, 0.97, 0.98, 0.99, 1.0, 0.97, 0.98, 0.96, 0.99], floor)).toMatch(/^MET /);
  });
  it('not met when the median is below the floor, whatever the spread', () => {
    expect(verdictOf('x', [1.048, 0.827, 0.717, 0.644, 0.894, 0.925, 1.024, 0.94, 0.984], floor)).toMatch(/^NOT MET /);
  });
  it('not shown when the median reaches the floor but the interval does not, or there are no rounds', () => {
    expect(verdictOf('x', [1.047, 0.681, 0.849, 0.714, 1.016, 0.904, 0.951, 0.986, 0.972], floor)).toMatch(/^NOT SHOWN /);
    expect(verdictOf('x', [], floor)).toMatch(/^NOT SHOWN /);
  });
  it('never called met on fewer than 5 rounds, however far above the floor they lie', () => {
    expect(verdictOf('x', [0.98], floor)).toMatch(/^NOT SHOWN /);
    expect(verdictOf('x', [0.98, 0.99, 0.97, 1.0], floor)).toMatch(/^NOT SHOWN /);
    expect(verdictOf('x', [0.98, 0.99, 0.97, 1.0, 0.96], floor)).toMatch(/^MET /);
    expect(verdictOf('x', [0.9], floor)).toMatch(/^NOT MET /);
  });
});
