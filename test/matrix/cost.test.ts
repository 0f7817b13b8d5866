/**
 * The matrix's cost column (the load's cost per million invocations, from CostAccumulator)
 * against AWS's published prices. https://aws.amazon.com/lambda/pricing/ lists, for US East
 * (N. Virginia), the price per 1 ms for a few memory sizes (the GB-second price x GB / 1000,
 * shown to 10 decimals), and $0.20 per 1M requests.
 */
import { describe, expect, it } from 'vitest';
import { CostAccumulator } from '../../src/lambda/cost.js';

/** [memory MB, x86 price per ms, Arm price per ms], as the pricing page shows them. */
const PAGE_PRICE_PER_MS: [number, number, number][] = [
  [128, 0.0000000021, 0.0000000017],
  [512, 0.0000000083, 0.0000000067],
  [1024, 0.0000000167, 0.0000000133],
  [1536, 0.000000025, 0.00000002],
  [2048, 0.0000000333, 0.0000000267],
  [10240, 0.0000001667, 0.0000001333],
];
const PAGE_REQUEST_PER_1M = 0.2;

function per1M(billedMs: number, memoryMB: number, arch: 'x86_64' | 'arm64'): number {
  const acc = new CostAccumulator(arch);
  // 1,000 invocations stand for a million: the per-million figure does not depend on the count.
  for (let i = 0; i < 1000; i++) acc.add(billedMs, memoryMB);
  return acc.summary().per1M;
}

describe('cost per 1M invocations against the published prices', () => {
  it.each(PAGE_PRICE_PER_MS.flatMap(([memoryMB, x86, arm]) => [1, 100, 1000].flatMap((billedMs) => [
    [memoryMB, 'x86_64', billedMs, x86] as const,
    [memoryMB, 'arm64', billedMs, arm] as const,
  ])))('%i MB %s, %i ms billed', (memoryMB, arch, billedMs, pagePerMs) => {
    const expected = billedMs * pagePerMs * 1e6 + PAGE_REQUEST_PER_1M;
    // The page rounds the per-ms price to 10 decimals: allow half a unit of that per ms billed.
    const tolerance = billedMs * 0.5e-10 * 1e6 + 1e-9;
    expect(Math.abs(per1M(billedMs, memoryMB, arch) - expected)).toBeLessThanOrEqual(tolerance);
  });

  it('the request price is part of it: a 1 ms invocation at 128 MB costs mostly the request', () => {
    // 1 ms x 0.125 GB x $0.0000166667 = $0.0000000020833 -> $0.0020833 per 1M, plus $0.20.
    expect(per1M(1, 128, 'x86_64')).toBeCloseTo(0.2020833, 6);
  });

  it('Arm is 20% cheaper per GB-second, the request price is the same', () => {
    const x86 = per1M(500, 1024, 'x86_64') - PAGE_REQUEST_PER_1M;
    const arm = per1M(500, 1024, 'arm64') - PAGE_REQUEST_PER_1M;
    expect(arm / x86).toBeCloseTo(0.8, 4);
  });
});
