/**
 * Two properties of the diff's bootstrap that keep it honest about repeated runs:
 * - the per-run sample cap: a run of 200,000 requests counts as 20,000 observations, so its
 *   interval is no narrower than a run of 20,000 (requests within a run are not independent);
 * - the two-stage bootstrap: runs that differ from one another widen the interval against runs
 *   that agree, the requests being the same in number.
 */
import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { DEFAULT_MAX_SAMPLES_PER_RUN } from '../../src/diff/empirical.js';
import { buildFixture } from './fixtures.js';
import type { FixtureSpec } from './fixtures.js';

const HTTP: Omit<FixtureSpec, 'seed' | 'requests'> = { kind: 'http', summaries: false };

/** Width of the interval of the change of `all.p50` (ms). */
function width(base: ReturnType<typeof buildFixture>[], candidate: ReturnType<typeof buildFixture>[], maxSamplesPerRun?: number): number {
  const d = diffResults(base, candidate, { metrics: ['all.p50'], seed: 7, ...(maxSamplesPerRun !== undefined && { maxSamplesPerRun }) });
  const ci = d.rows[0]!.ci!;
  return ci.hi - ci.lo;
}

describe('the per-run sample cap', () => {
  it('is 20,000 observations per run', () => {
    expect(DEFAULT_MAX_SAMPLES_PER_RUN).toBe(20_000);
  });

  it('gives a run of 200,000 requests the interval of a run of 20,000, not one sqrt(10) narrower', () => {
    const big = width([buildFixture({ ...HTTP, seed: 1, requests: 200_000 })], [buildFixture({ ...HTTP, seed: 2, requests: 200_000 })]);
    const capped = width([buildFixture({ ...HTTP, seed: 3, requests: 20_000 })], [buildFixture({ ...HTTP, seed: 4, requests: 20_000 })]);
    const uncapped = width([buildFixture({ ...HTTP, seed: 1, requests: 200_000 })], [buildFixture({ ...HTTP, seed: 2, requests: 200_000 })], 1e9);
    expect(big / capped).toBeGreaterThan(0.8);
    expect(big / capped).toBeLessThan(1.25);
    // Without the cap the same runs would claim about sqrt(10) = 3.2 times the precision.
    expect(big / uncapped).toBeGreaterThan(2.5);
  });
});

describe('the two-stage bootstrap over repeated runs', () => {
  it('widens the interval when the runs of a side disagree with one another', () => {
    const runs = (seed: number, medians: number[]) => medians.map((m, i) => buildFixture({ ...HTTP, seed: seed + i, requests: 5000, warmMedianMs: m }));
    // Same number of runs and requests; only the run-to-run spread differs (medians 45, 50, 55 ms).
    const agree = width(runs(10, [50, 50, 50]), runs(20, [50, 50, 50]));
    const disagree = width(runs(30, [45, 50, 55]), runs(40, [45, 50, 55]));
    expect(disagree / agree).toBeGreaterThan(3);
  });
});
