/** Results built for the HTML report's tests: hostile strings, an hour at 1,000/s, nothing sent. */
import { MAX_COLD_START_EVENTS } from '../../src/result/result.js';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/result/histogram.js';
import type { TimelineEntry } from '../../src/result/result.js';
import type { Result } from '../../src/result/result.js';
import { mulberry32 } from '../../src/schedule/prng.js';
import { buildFixture, logNormal } from '../diff/fixtures.js';

export const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';

/** Every string a page shows from the result or its profile carries markup. */
export function hostileResult(): Result {
  const r = buildFixture({ seed: 7, requests: 500, coldRate: 0.05, errorRate: 0.02, throttleRate: 0.02, name: HOSTILE });
  return {
    ...r,
    profile: { name: HOSTILE, target: { kind: 'lambda', function: HOSTILE }, note: '"><svg onload=alert(3)>' },
    target: { kind: 'lambda', function: HOSTILE, architecture: HOSTILE },
    errors: { [`function-error:${HOSTILE}`]: r.counts.errors },
    throttles: { [HOSTILE]: r.counts.throttles },
    thresholds: [{ rule: `warm.p99 < 1ms ${HOSTILE}`, actual: 50, pass: false }],
    warnings: [HOSTILE],
    coldStarts: [{ t: 1, requestId: HOSTILE, initMs: 300, latencyMs: 350, class: 'cold' }],
    timeline: [0, 1, 2, 3, 4].map((t) => ({ t, sent: 100, ok: 96, errors: 2, throttles: 2, dropped: 0, cold: 5, p50: 50, p90: 80, p99: 400 })),
    timelineBucketMs: 1000,
  };
}

/**
 * An hour at 1,000 requests/s, as the recorder would leave it: real histograms of 3.6 million
 * latencies, 3,600 one-second buckets, and the most cold-start events a result keeps.
 */
export function hourLongResult(): Result {
  const random = mulberry32(11);
  const h = { all: newHistogram(), ok: newHistogram(), warm: newHistogram(), cold: newHistogram(), init: newHistogram() };
  const timeline: TimelineEntry[] = [];
  const coldStarts: Result['coldStarts'] = [];
  let cold = 0;
  for (let s = 0; s < 3600; s++) {
    const second = newHistogram();
    let coldHere = 0;
    for (let i = 0; i < 1000; i++) {
      const isCold = random() < 0.003;
      const init = isCold ? logNormal(random, 250, 0.3) : 0;
      const latency = logNormal(random, 40, 0.5) + init;
      recordMs(h.all, latency);
      recordMs(h.ok, latency);
      recordMs(second, latency);
      if (isCold) {
        cold++;
        coldHere++;
        recordMs(h.cold, latency);
        recordMs(h.init, init);
        if (coldStarts.length < MAX_COLD_START_EVENTS) {
          coldStarts.push({ t: Math.round((s + i / 1000) * 1000) / 1000, requestId: crypto.randomUUID(), initMs: Math.round(init * 100) / 100, latencyMs: Math.round(latency * 1000) / 1000, class: 'cold' });
        }
      } else {
        recordMs(h.warm, latency);
      }
    }
    const q = (p: number): number => Math.round(second.getValueAtPercentile(p)) / 1000;
    timeline.push({ t: s, sent: 1000, ok: 1000, errors: 0, throttles: 0, dropped: 0, cold: coldHere, p50: q(50), p90: q(90), p99: q(99) });
  }
  const base = buildFixture({ seed: 1, requests: 10 });
  const n = 3_600_000;
  return {
    ...base,
    name: 'hour',
    durationMs: 3_600_000,
    counts: { planned: n, sent: n, ok: n, errors: 0, throttles: 0, dropped: 0, warm: n - cold, cold, proactive: 0, unknown: 0, abandoned: 0 },
    rate: { target: 1000, achieved: 1000 },
    latency: { all: summarize(h.all), ok: summarize(h.ok), warm: summarize(h.warm), cold: summarize(h.cold) },
    init: summarize(h.init),
    coldStartRate: cold / n,
    coldStarts,
    timeline,
    timelineBucketMs: 1000,
    histograms: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, encodeHistogram(v)])),
  };
}

export function noRequestsResult(): Result {
  const r = buildFixture({ seed: 1, requests: 0 });
  return { ...r, name: 'empty', counts: { ...r.counts, planned: 0, sent: 0 }, timeline: [], coldStarts: [] };
}
