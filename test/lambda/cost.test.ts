import { describe, expect, it } from 'vitest';
import { CostAccumulator, DEFAULT_PRICES, gbSeconds, invocationCostUsd, resolvePrices } from '../../src/lambda/cost.js';

/**
 * AWS's published pricing examples, https://aws.amazon.com/lambda/pricing/ (US East, N. Virginia),
 * with the figures as the page prints them. The current page prices compute at $0.0000166667 per
 * GB-s, coldbench's default; the page before the 1 ms billing change used $0.00001667 (a profile
 * override here). Each example subtracts the free tier (400,000 GB-s and 1M requests a month)
 * unless it says otherwise; coldbench does not model the free tier, so the tests take the
 * free part off coldbench's own figures in proportion, and compare the rest with AWS's numbers.
 */
const FREE_GB_S = 400_000;
const FREE_REQUESTS = 1_000_000;
const cents = (usd: number): number => Math.round(usd * 100) / 100;

interface PublishedExample {
  name: string;
  memoryMB: number;
  billedMs: number;
  invocations: number;
  prices?: Parameters<typeof resolvePrices>[0];
  freeTier: boolean;
  /** As printed on the page. */
  gbSeconds: number;
  compute: number;
  requests: number;
  total: number;
}

const PUBLISHED: PublishedExample[] = [
  // "Example 1: Mobile application backend": 3M requests, 120 ms, 1536 MB, x86.
  { name: 'mobile backend', memoryMB: 1536, billedMs: 120, invocations: 3_000_000, freeTier: true, gbSeconds: 540_000, compute: 2.33, requests: 0.4, total: 2.73 },
  // "Example 2: Enriching streaming telemetry": 7.44M messages, 2 s, 1024 MB; no free tier taken off.
  { name: 'streaming telemetry', memoryMB: 1024, billedMs: 2000, invocations: 7_440_000, freeTier: false, gbSeconds: 14_880_000, compute: 248.0, requests: 1.49, total: 249.49 },
  // "Example 3: ... customer support tickets": 6M requests, 280 ms, 4096 MB (its $0.08 of ephemeral storage is not modelled).
  { name: 'ML on support tickets', memoryMB: 4096, billedMs: 280, invocations: 6_000_000, freeTier: true, gbSeconds: 6_720_000, compute: 105.33, requests: 1, total: 106.33 },
  // The page's examples before 1 ms billing, at $0.00001667 per GB-s.
  { name: 'earlier page, example 1', memoryMB: 512, billedMs: 1000, invocations: 3_000_000, prices: { x86_64PerGBSecond: 0.00001667 }, freeTier: true, gbSeconds: 1_500_000, compute: 18.34, requests: 0.4, total: 18.74 },
  { name: 'earlier page, example 2', memoryMB: 128, billedMs: 200, invocations: 30_000_000, prices: { x86_64PerGBSecond: 0.00001667 }, freeTier: true, gbSeconds: 750_000, compute: 5.83, requests: 5.8, total: 11.63 },
];

describe("AWS's published pricing examples", () => {
  it.each(PUBLISHED)('$name', (example) => {
    const acc = new CostAccumulator('x86_64', resolvePrices(example.prices));
    for (let i = 0; i < example.invocations; i++) acc.add(example.billedMs, example.memoryMB);
    const s = acc.summary();
    expect(s.invocations).toBe(example.invocations);
    expect(s.gbSeconds).toBeCloseTo(example.gbSeconds, 2);
    const compute = example.freeTier ? (s.computeCost * (s.gbSeconds - FREE_GB_S)) / s.gbSeconds : s.computeCost;
    const requests = example.freeTier ? (s.requestCost * (s.invocations - FREE_REQUESTS)) / s.invocations : s.requestCost;
    expect(cents(compute)).toBe(example.compute);
    expect(cents(requests)).toBe(example.requests);
    expect(cents(compute) + cents(requests)).toBeCloseTo(example.total, 9);
  });
});

describe('hand computations', () => {
  it.each([
    // billedMs, MB, arch, expected USD (compute + request)
    [100, 128, 'x86_64', (0.1 * 0.125) * 0.0000166667 + 0.0000002],
    [1, 128, 'arm64', (0.001 * 0.125) * 0.0000133334 + 0.0000002],
    [1000, 1024, 'x86_64', 0.0000166667 + 0.0000002],
    [1000, 1024, 'arm64', 0.0000133334 + 0.0000002],
    [60_000, 10_240, 'x86_64', 60 * 10 * 0.0000166667 + 0.0000002],
    [0, 128, 'x86_64', 0.0000002],
  ] as const)('%d ms at %d MB on %s', (billedMs, memoryMB, arch, want) => {
    expect(invocationCostUsd(billedMs, memoryMB, arch, DEFAULT_PRICES)).toBeCloseTo(want, 15);
  });

  it('GB is MB/1024, not MB/1000', () => {
    expect(gbSeconds(1000, 1000)).toBeCloseTo(1000 / 1024, 12);
  });
});

describe('CostAccumulator', () => {
  it('counts invocations without a REPORT for the request price only', () => {
    const acc = new CostAccumulator('arm64');
    acc.add(10, 256);
    acc.addUnreported();
    acc.add(Number.NaN, 256);
    const s = acc.summary();
    expect(s.invocations).toBe(3);
    expect(s.unreported).toBe(2);
    expect(s.requestCost).toBeCloseTo(3 * 0.0000002, 15);
    expect(s.computeCost).toBeCloseTo(0.01 * 0.25 * 0.0000133334, 15);
    expect(s.total).toBeCloseTo(s.requestCost + s.computeCost, 15);
    expect(s.architecture).toBe('arm64');
    // Per million: the one reported invocation's compute stands for the others', not $0.
    expect(s.per1M).toBeCloseTo((s.computeCost / 1 + 0.0000002) * 1e6, 9);
  });

  it('prices a million invocations the same whether some REPORTs were read or all of them', () => {
    const all = new CostAccumulator();
    const some = new CostAccumulator();
    for (let i = 0; i < 100; i++) {
      all.add(120, 1024);
      if (i % 4 === 0) some.add(120, 1024);
      else some.addUnreported();
    }
    expect(all.summary().per1M).toBeCloseTo(all.summary().total * 1e4, 9);
    expect(some.summary().per1M).toBeCloseTo(all.summary().per1M, 9);
    expect(some.summary().total).toBeLessThan(all.summary().total);
  });

  it('empty run costs nothing', () => {
    expect(new CostAccumulator().summary()).toMatchObject({ total: 0, per1M: 0, invocations: 0, gbSeconds: 0 });
  });

  it('uses profile overrides and ignores invalid ones', () => {
    const prices = resolvePrices({ perRequest: 0.0000004, arm64PerGBSecond: -1 });
    expect(prices).toEqual({ ...DEFAULT_PRICES, perRequest: 0.0000004 });
    const acc = new CostAccumulator('x86_64', prices);
    acc.addUnreported();
    expect(acc.summary().total).toBeCloseTo(0.0000004, 15);
  });

  it('summing 1M small invocations does not drift', () => {
    const acc = new CostAccumulator('x86_64');
    for (let i = 0; i < 1_000_000; i++) acc.add(3, 128);
    // 1M x 0.003 s x 0.125 GB = 375 GB-s
    expect(acc.summary().gbSeconds).toBeCloseTo(375, 6);
    expect(acc.summary().per1M).toBeCloseTo(375 * 0.0000166667 + 0.2, 9);
  });
});
