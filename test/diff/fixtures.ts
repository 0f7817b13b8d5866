/**
 * Result files from known distributions: requests drawn from seeded log-normal latencies, with
 * a given share of cold starts, errors and throttles, recorded into real HDR histograms and
 * summarized the way a run is.
 */
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/result/histogram.js';
import { SCHEMA_VERSION } from '../../src/result/result.js';
import type { Result } from '../../src/result/result.js';
import { mulberry32 } from '../../src/schedule/prng.js';
import type { Random } from '../../src/schedule/prng.js';

export interface FixtureSpec {
  seed: number;
  requests: number;
  name?: string;
  kind?: 'http' | 'lambda';
  /** Warm latency: log-normal with this median and log-sd (default 50 ms, 0.4). */
  warmMedianMs?: number;
  warmSigma?: number;
  /** Multiplies latencies above the p95 (a tail shift): 1.2 moves p99 by 20%, p50 and p90 not at all. */
  tailFactor?: number;
  coldRate?: number;
  initMedianMs?: number;
  errorRate?: number;
  throttleRate?: number;
  /** Max Memory Used of the REPORTs: this many MB, plus 0-6 by invocation (none when absent). */
  memoryMB?: number;
  /**
   * Summaries cost ~15 ms each to compute; diff reads only the histograms, so many-trial tests
   * may skip them (every summary is then zero).
   */
  summaries?: boolean;
}

export function logNormal(random: Random, medianMs: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * z);
}

export function buildFixture(spec: FixtureSpec): Result {
  const random = mulberry32(spec.seed);
  const h = { all: newHistogram(), ok: newHistogram(), warm: newHistogram(), cold: newHistogram(), init: newHistogram(), billed: newHistogram(), memoryUsed: newHistogram() };
  const counts = { planned: spec.requests, sent: spec.requests, ok: 0, errors: 0, throttles: 0, dropped: 0, warm: 0, cold: 0, proactive: 0, unknown: 0, abandoned: 0 };
  const median = spec.warmMedianMs ?? 50;
  const sigma = spec.warmSigma ?? 0.4;
  const p95 = median * Math.exp(sigma * 1.6449);
  let billedMsTotal = 0;
  for (let i = 0; i < spec.requests; i++) {
    if (random() < (spec.throttleRate ?? 0)) {
      counts.throttles++;
      recordMs(h.all, 2 + random());
      continue;
    }
    let latency = logNormal(random, median, sigma);
    if (latency > p95) latency *= spec.tailFactor ?? 1;
    const cold = random() < (spec.coldRate ?? 0);
    if (cold) {
      const init = logNormal(random, spec.initMedianMs ?? 300, 0.2);
      recordMs(h.init, init);
      latency += init;
      counts.cold++;
      recordMs(h.cold, latency);
    } else {
      counts.warm++;
      recordMs(h.warm, latency);
    }
    const billed = Math.ceil(latency * 0.8);
    billedMsTotal += billed;
    recordMs(h.billed, billed);
    // Not drawn from `random`: the other figures of a seed stay as they were.
    if (spec.memoryMB !== undefined) recordMs(h.memoryUsed, spec.memoryMB + (i % 7));
    recordMs(h.all, latency);
    if (random() < (spec.errorRate ?? 0)) counts.errors++;
    else {
      counts.ok++;
      recordMs(h.ok, latency);
    }
  }
  return resultFrom(spec, h, counts, billedMsTotal);
}

function resultFrom(spec: FixtureSpec, h: Record<'all' | 'ok' | 'warm' | 'cold' | 'init' | 'billed' | 'memoryUsed', ReturnType<typeof newHistogram>>, counts: Result['counts'], billedMsTotal: number): Result {
  const kind = spec.kind ?? 'lambda';
  const lambda = kind === 'lambda';
  const invocations = counts.sent - counts.throttles;
  const requestCost = invocations * 0.0000002;
  const computeCost = (billedMsTotal / 1000) * (256 / 1024) * 0.0000166667;
  const classified = counts.warm + counts.cold;
  const empty = summarize(newHistogram());
  const summarize_ = spec.summaries === false ? (): typeof empty => empty : summarize;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: '0.0.0-test', node: 'v20.0.0' },
    name: spec.name ?? 'fixture',
    status: 'completed',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    durationMs: 60_000,
    profile: {},
    target: lambda ? { kind: 'lambda', function: 'fixture' } : { kind: 'http', url: 'http://127.0.0.1/' },
    counts,
    rate: { target: spec.requests / 60, achieved: spec.requests / 60 },
    latency: { all: summarize_(h.all), ok: summarize_(h.ok), warm: lambda ? summarize_(h.warm) : empty, cold: lambda ? summarize_(h.cold) : empty },
    serviceTime: summarize_(h.all),
    scheduleLag: empty,
    eventLoopDelay: empty,
    init: lambda ? summarize_(h.init) : null,
    billed: lambda ? summarize_(h.billed) : null,
    memoryUsedMB: spec.memoryMB === undefined ? null : summarize_(h.memoryUsed),
    overhead: null,
    coldStartRate: lambda && classified > 0 ? counts.cold / classified : null,
    errors: counts.errors > 0 ? { 'function-error:Error': counts.errors } : {},
    throttles: counts.throttles > 0 ? { ReservedFunctionConcurrentInvocationLimitExceeded: counts.throttles } : {},
    cost: lambda
      ? { total: requestCost + computeCost, per1M: ((requestCost + computeCost) / invocations) * 1e6, invocations, unreported: 0, gbSeconds: 0, requestCost, computeCost, architecture: 'x86_64', prices: { x86_64PerGBSecond: 0.0000166667, arm64PerGBSecond: 0.0000133334, perRequest: 0.0000002 } }
      : null,
    coldStarts: [],
    timeline: [],
    histograms: {
      all: encodeHistogram(h.all),
      ok: encodeHistogram(h.ok),
      warm: encodeHistogram(lambda ? h.warm : newHistogram()),
      cold: encodeHistogram(lambda ? h.cold : newHistogram()),
      init: encodeHistogram(lambda ? h.init : newHistogram()),
      billed: encodeHistogram(h.billed),
      ...(spec.memoryMB !== undefined && { memoryUsed: encodeHistogram(h.memoryUsed) }),
    },
    thresholds: [],
    warnings: [],
  };
}
