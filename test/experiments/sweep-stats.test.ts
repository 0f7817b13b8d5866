import { describe, expect, it } from 'vitest';
import { estimateKeepAlive, firstCrossing, gapsProblem, planSweep, wilson } from '../../src/experiments/sweep/index.js';

describe('Wilson score interval', () => {
  it.each([
    // Published values (e.g. Brown, Cai and DasGupta 2001; any Wilson calculator) at 95%.
    [0, 10, 0, 0.2775],
    [5, 10, 0.2366, 0.7634],
    [8, 10, 0.4902, 0.9433],
    [10, 10, 0.7225, 1],
    [1, 20, 0.0089, 0.2361],
  ])('%i of %i: %d to %d', (k, n, low, high) => {
    const ci = wilson(k, n, 0.95);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });

  it('widens with the confidence and narrows with the samples', () => {
    expect(wilson(3, 10, 0.99).high).toBeGreaterThan(wilson(3, 10, 0.95).high);
    expect(wilson(30, 100, 0.95).high).toBeLessThan(wilson(3, 10, 0.95).high);
  });
});

describe('the keep-alive from the curve', () => {
  it('interpolates P(cold) = 0.5 on a straight line between the two gaps around it', () => {
    expect(firstCrossing([{ gapMs: 100, value: 0 }, { gapMs: 200, value: 0.25 }, { gapMs: 400, value: 0.75 }])).toBe(300);
    expect(firstCrossing([{ gapMs: 100, value: 0.6 }])).toBeNull();
    expect(firstCrossing([{ gapMs: 100, value: 0.4 }])).toBeUndefined();
  });

  it('brackets a fixed timeout between the last all-warm and the first all-cold gap', () => {
    const point = (gapMs: number, k: number) => ({ gapMs, p: k / 6, ...wilson(k, 6, 0.95) });
    const k = estimateKeepAlive([point(600, 0), point(800, 0), point(1200, 6), point(1400, 6)]);
    expect(k.estimateMs).toBe(1000);
    expect(k.lowMs!).toBeGreaterThan(800);
    expect(k.highMs!).toBeLessThan(1200);
    expect(k.lowMs!).toBeLessThan(1000);
    expect(k.highMs!).toBeGreaterThan(1000);
  });

  it('says when the curve does not reach 0.5 within the gaps, or starts above it', () => {
    const all = (p: number) => [{ gapMs: 1000, p, ...wilson(Math.round(p * 10), 10, 0.95) }];
    expect(estimateKeepAlive(all(0))).toMatchObject({ estimateMs: null, lowMs: null, highMs: null, note: expect.stringContaining('even after the longest gap') as unknown });
    expect(estimateKeepAlive(all(1))).toMatchObject({ estimateMs: null, note: expect.stringContaining('already after the shortest gap') as unknown });
  });
});

describe('the sweep plan', () => {
  it('gives each gap its own function when there are as many, so it lasts its longest gap', () => {
    const plan = planSweep([60_000, 300_000, 600_000], 20, ['a', 'b', 'c']);
    expect(plan.lanes).toEqual([{ function: 'a', gapsMs: [600_000] }, { function: 'b', gapsMs: [300_000] }, { function: 'c', gapsMs: [60_000] }]);
    expect(plan.expectedMs).toBe(600_000);
    expect(plan.invocations).toBe(180);
  });

  it('chains gaps on fewer functions, longest first to the least busy', () => {
    const plan = planSweep([1, 5, 10, 15, 30].map((m) => m * 60_000), 20, ['a', 'b']);
    // 30 -> a; 15, 10, 5 -> b (15, 25, 30); 1 -> a (tied at 30, the first).
    expect(plan.lanes).toEqual([{ function: 'a', gapsMs: [60_000, 30 * 60_000] }, { function: 'b', gapsMs: [5 * 60_000, 10 * 60_000, 15 * 60_000] }]);
    expect(plan.expectedMs).toBe(31 * 60_000);
    expect(planSweep([60_000, 120_000], 1, ['only']).expectedMs).toBe(180_000);
  });

  it.each([
    [[], 'expected at least one gap'],
    [[60_000, 60_000], 'gaps must increase: gap 2 (60000 ms) is not longer than gap 1 (60000 ms)'],
    [[120_000, 60_000], 'gaps must increase'],
    [[0, 60_000], 'gap 1 is not a positive duration'],
  ])('refuses gaps %j', (gaps, message) => {
    expect(gapsProblem(gaps)).toContain(message);
  });
});
