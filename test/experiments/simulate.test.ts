import { describe, expect, it } from 'vitest';
import { functionTiming, planCost, simulate } from '../../src/experiments/replay/index.js';
import type { PlatformModel } from '../../src/experiments/replay/index.js';
import { DEFAULT_PRICES } from '../../src/lambda/cost.js';
import type { Result } from '../../src/result/result.js';
import { mulberry32 } from '../../src/schedule/prng.js';
import { sampler } from '../../src/util/quantiles.js';

const model = (over: Partial<PlatformModel> = {}): PlatformModel => ({ idle: { kind: 'fixed', ms: 1000 }, durationMs: 10, initMs: 100, provisioned: 0, ...over });

describe('the platform model', () => {
  it.each([
    ['one arrival', [0], {}, 1],
    ['a burst starts one environment per concurrent invocation', [0, 0, 0], {}, 3],
    ['a second burst inside the keep-alive reuses them', [0, 0, 0, 500, 500, 500], {}, 3],
    ['the idle timeout counts from the end of the invocation, init included', [0, 1105], {}, 1],
    ['...and evicts once it has passed', [0, 1115], {}, 2],
    ['an invocation busy past the next arrival needs another environment', [0, 50], {}, 2],
    ['a warm invocation ends after its duration', [0, 200, 215], {}, 1],
  ] as const)('%s', (_name, arrivals, over, cold) => {
    expect(simulate(arrivals, model(over)).requests.cold).toBe(cold);
  });

  it('takes the most recently used idle environment, so the others can expire', () => {
    // Two environments; the second is used again at 600, the first stays idle and expires at 1110.
    const sim = simulate([0, 0, 600, 1500, 1500], model());
    expect(sim.requests.cold).toBe(3);
    expect(sim.environmentsStarted).toBe(3);
  });

  it('serves from provisioned environments first, which never expire', () => {
    const sim = simulate([0, 0, 0, 60_000], model({ provisioned: 2 }));
    expect(sim.requests).toMatchObject({ invocations: 4, cold: 1, warm: 3, provisionedBilledMs: 30, onDemandBilledMs: 110 });
  });

  it('throttles past the concurrency limit', () => {
    expect(simulate([0, 0, 0, 0, 0], model({ concurrencyLimit: 3 })).requests).toMatchObject({ invocations: 3, cold: 3, throttled: 2 });
  });

  it('keeps an environment warm with a ping, counted apart', () => {
    const arrivals = [5000, 10_000, 15_000];
    expect(simulate(arrivals, model()).requests.cold).toBe(3);
    const sim = simulate(arrivals, model({ pingEveryMs: 800 }), 16_000);
    expect(sim.requests.cold).toBe(0);
    expect(sim.pings.invocations).toBe(20);
    expect(sim.pings.cold).toBe(1);
  });

  it('retires an environment past its maximum lifetime', () => {
    expect(simulate([0, 500, 900], model({ maxLifetimeMs: 600 })).requests.cold).toBe(2);
  });

  it('draws each new environment\'s idle timeout from a distribution, in order from its seed', () => {
    // The second arrival comes 1,490 ms after the first one's end: warm exactly when the first
    // environment drew a longer timeout.
    const outcomes = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const first = sampler([1000, 2000], mulberry32(seed))();
      const cold = simulate([0, 1600], model({ idle: { kind: 'distribution', quantilesMs: [1000, 2000], seed } })).requests.cold;
      expect(cold).toBe(first < 1490 ? 2 : 1);
      return cold;
    });
    expect(new Set(outcomes).size).toBe(2);
  });
});

describe('the cost of a simulated replay', () => {
  it('bills requests and GB-seconds on demand, init included on a cold start', () => {
    const sim = simulate([0, 500], model({ durationMs: 100, initMs: 400 }));
    const cost = planCost(sim, 0, 1024, 'x86_64', DEFAULT_PRICES);
    expect(cost.onDemandGbSeconds).toBeCloseTo(0.6, 9);
    expect(cost.total).toBeCloseTo(2 * 0.0000002 + 0.6 * 0.0000166667, 15);
  });

  it('adds provisioned concurrency for the span rounded up to five minutes, and its own duration price', () => {
    const sim = simulate([0, 1000], model({ durationMs: 100, provisioned: 1 }));
    const cost = planCost(sim, 1, 2048, 'x86_64', DEFAULT_PRICES);
    expect(cost.provisionedGbSeconds).toBe(600);
    expect(cost.provisionedRunGbSeconds).toBeCloseTo(0.4, 9);
    expect(cost.total).toBeCloseTo(2 * 0.0000002 + 600 * 0.0000041667 + 0.4 * 0.0000097222, 15);
    expect(planCost(sim, 1, 2048, 'arm64', DEFAULT_PRICES).total).toBeNull();
  });
});

describe('the function timing', () => {
  const summary = (count: number, mean: number, p50 = mean) => ({ count, min: 0, mean, stdev: 0, p50, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });

  it('takes the mean Duration and the init p50 from a measured run', () => {
    // 10 invocations billed 20 ms each, 2 of them also 300 ms of init.
    const result = { billed: summary(10, 80), init: summary(2, 300, 290) } as unknown as Result;
    const timing = functionTiming({}, { file: 'r.json', result });
    expect(timing.durationMs).toBeCloseTo(20, 9);
    expect(timing.initMs).toBe(290);
    expect(timing.source).toBe('duration: the mean REPORT Duration of 10 invocations in r.json; init: the Init Duration p50 of 2 cold starts in r.json');
  });

  it('prefers the flags, and says what is missing', () => {
    expect(functionTiming({ durationMs: 5, initMs: 50 }).source).toBe('duration from --duration; init from --init');
    expect(() => functionTiming({ initMs: 50 })).toThrow('the simulator needs the function\'s duration');
    expect(() => functionTiming({ durationMs: 5 })).toThrow('the simulator needs the function\'s init duration');
  });
});
