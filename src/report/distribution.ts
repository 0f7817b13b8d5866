/**
 * Shapes of a latency distribution, computed from the stored HDR histograms (never from
 * samples): the percentile spectrum in HdrHistogram's style and counts per log-width bucket.
 * The HTML report and the terminal summary both draw from these.
 */
import { JsHistogram } from 'hdr-histogram-js';
import { decodeHistogram } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';

/** The histograms of one or more runs added up (they add exactly); null when none has a count. */
export function pooledHistogram(encoded: readonly (string | undefined)[]): Histogram | null {
  let pooled: Histogram | null = null;
  for (const e of encoded) {
    if (e === undefined) continue;
    const h = decodeHistogram(e);
    if (h.totalCount === 0) continue;
    if (pooled === null) pooled = h;
    else pooled.add(h);
  }
  return pooled;
}

/**
 * The spectrum's x axis: 1/(1-p) at Renard's 10 round numbers a decade (1, 1.25, 1.6, 2, 2.5 ...),
 * from 1 (p = 0) to the largest count (p = 1 - 1/n, the highest percentile n requests can tell
 * apart). On a log axis p50 sits at 2, p90 at 10, p99 at 100, p99.9 at 1000.
 */
export function spectrumGrid(maxCount: number): number[] {
  const grid: number[] = [];
  for (let j = 0; bound(j, 10) <= maxCount + 1e-9; j++) grid.push(bound(j, 10));
  return grid;
}

/** Latency (ms) of `h` at each grid point; null past what its count can tell (1/(1-p) > n). */
export function spectrumValues(h: Histogram | null, grid: readonly number[]): (number | null)[] {
  if (h === null) return grid.map(() => null);
  const n = h.totalCount;
  return grid.map((x) => (x > n + 1e-9 ? null : quantileMs(h, 1 - 1 / x)));
}

/** The value at quantile q (0..1) in ms, never above the largest recorded value. */
export function quantileMs(h: Histogram, q: number): number {
  const us = q <= 0 ? h.minNonZeroValue : Math.min(h.getValueAtPercentile(q * 100), h.maxValue);
  return Math.round(us) / 1000;
}

/** `1/(1-p)` back to a percentile label: 2 -> "50%", 1000 -> "99.9%". */
export function percentileLabel(inv: number): string {
  const p = 100 * (1 - 1 / inv);
  if (p <= 0) return '0%';
  const digits = Math.max(0, Math.ceil(-Math.log10(100 - p) + 1e-9) + 1);
  return `${Number(p.toFixed(Math.min(digits, 6)))}%`;
}

export interface LogBucket {
  /** Bucket bounds in ms: [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** One count per histogram given, in order. */
  counts: number[];
}

/**
 * Renard's preferred numbers: 5 or 10 bounds a decade, each about 10^(1/5) or 10^(1/10) times
 * the one before, and round enough to read (1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8).
 */
const RENARD: Record<5 | 10, readonly number[]> = {
  5: [1, 1.6, 2.5, 4, 6.3],
  10: [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8],
};

/**
 * Counts per log-width bucket, over the range any of the histograms covers; empty buckets in
 * between are kept. Each recorded value is counted at the top of its HDR bucket (3 significant
 * digits), so a value within 0.1% of a bound may land in the bucket above.
 */
export function logBuckets(hs: readonly (Histogram | null)[], perDecade: 5 | 10 = 10): LogBucket[] {
  const perIndex = new Map<number, number[]>();
  let lo = Infinity;
  let hi = -Infinity;
  hs.forEach((h, which) => {
    if (h === null) return;
    if (!(h instanceof JsHistogram)) throw new TypeError('expected a decoded JavaScript histogram');
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      const j = bucketIndex(Math.max(v.valueIteratedTo, 1) / 1000, perDecade);
      const counts = perIndex.get(j) ?? hs.map(() => 0);
      counts[which]! += v.countAddedInThisIterationStep;
      perIndex.set(j, counts);
      lo = Math.min(lo, j);
      hi = Math.max(hi, j);
    }
  });
  const buckets: LogBucket[] = [];
  for (let j = lo; j <= hi; j++) {
    buckets.push({ fromMs: bound(j, perDecade), toMs: bound(j + 1, perDecade), counts: perIndex.get(j) ?? hs.map(() => 0) });
  }
  return buckets;
}

/** The bucket of `ms`: decade * perDecade + the index of the largest bound at or below it. */
function bucketIndex(ms: number, perDecade: 5 | 10): number {
  let decade = Math.floor(Math.log10(ms));
  if (bound(decade * perDecade, perDecade) > ms) decade--;
  const bounds = RENARD[perDecade];
  let i = bounds.length - 1;
  while (i > 0 && bound(decade * perDecade + i, perDecade) > ms) i--;
  if (bound(decade * perDecade + perDecade, perDecade) <= ms) return (decade + 1) * perDecade;
  return decade * perDecade + i;
}

/** Bound j: RENARD[j mod perDecade] x 10^floor(j / perDecade), e.g. j = 13 (R10) is 20 ms. */
function bound(j: number, perDecade: 5 | 10): number {
  const decade = Math.floor(j / perDecade);
  const mantissa = RENARD[perDecade][j - decade * perDecade]!;
  return Number((mantissa * 10 ** decade).toPrecision(6));
}

