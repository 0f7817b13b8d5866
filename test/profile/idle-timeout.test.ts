import { describe, expect, it } from 'vitest';
import type { LambdaTargetConfig } from '../../src/profile/types.js';
import { inverseCdf, medianOf } from '../../src/util/quantiles.js';
import { parse, problemsOf } from './helpers.js';

const withIdle = (idle: string): string => `name: l
target:
  kind: lambda
  function: f
  local:
    functions:
      f:
        handler: a.handler
        idleTimeout: ${idle}
load: { phases: [ burst: { count: 1 } ] }
`;

const fnOf = (idle: string) => (parse(withIdle(idle)).profile.target as LambdaTargetConfig).local!.functions['f']!;

describe('idleTimeout of a local function', () => {
  it('takes a fixed duration, as before', () => {
    const f = fnOf('90s');
    expect(f.idleTimeoutMs).toBe(90_000);
    expect(f.idleTimeoutDistribution).toBeUndefined();
  });

  it('takes { min, max } as a uniform distribution, its median as the nominal timeout', () => {
    const f = fnOf('{ min: 5m, max: 7m, seed: 3 }');
    expect(f.idleTimeoutDistribution).toEqual({ quantilesMs: [300_000, 420_000], seed: 3 });
    expect(f.idleTimeoutMs).toBe(360_000);
  });

  it('takes a list of quantiles, seeded 1 by default', () => {
    const f = fnOf('{ quantiles: [1m, 2m, 10m] }');
    expect(f.idleTimeoutDistribution).toEqual({ quantilesMs: [60_000, 120_000, 600_000], seed: 1 });
    expect(f.idleTimeoutMs).toBe(120_000);
  });

  it.each([
    ['{ min: 7m, max: 5m }', 'target.local.functions.f.idleTimeout: max: expected at least min (420000 ms)'],
    ['{ quantiles: [5m] }', 'target.local.functions.f.idleTimeout: quantiles: expected at least 2 quantiles: the minimum and the maximum'],
    ['{ quantiles: [5m, 4m] }', 'target.local.functions.f.idleTimeout: quantiles.1: expected quantiles in increasing order'],
    ['{ mean: 5m }', 'target.local.functions.f.idleTimeout: expected a duration like 10m, or a distribution: { min: 5m, max: 7m } or { quantiles: [5m, 6m, 7m] }'],
  ])('rejects %s', (idle, message) => {
    expect(problemsOf(withIdle(idle)).join('\n')).toContain(message);
  });
});

describe('a distribution from its quantiles', () => {
  it.each([
    [[100, 200], 0, 100],
    [[100, 200], 0.25, 125],
    [[100, 200], 1, 200],
    [[0, 100, 1000], 0.5, 100],
    [[0, 100, 1000], 0.75, 550],
  ])('quantiles %j at p = %d is %d', (quantiles, p, value) => {
    expect(inverseCdf(quantiles, p)).toBeCloseTo(value, 9);
  });

  it('has the middle quantile as its median', () => {
    expect(medianOf([60, 90, 400])).toBe(90);
  });
});

describe('the sweep example profile', () => {
  it('loads, with an idle timeout spread between 1 and 2 s', async () => {
    const { loadProfile } = await import('../../src/profile/index.js');
    const loaded = await loadProfile(new URL('../../profiles/examples/sweep-local.yaml', import.meta.url).pathname, { env: {} });
    const f = (loaded.profile.target as LambdaTargetConfig).local!.functions['hello']!;
    expect(f.idleTimeoutDistribution).toEqual({ quantilesMs: [1000, 2000], seed: 1 });
  });
});
