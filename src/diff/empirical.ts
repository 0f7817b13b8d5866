/**
 * The empirical distribution of one latency histogram per run, on one side of a diff, and
 * bootstrap draws of its statistics computed from bucket counts alone (no expanded samples).
 *
 * A quantile of a bootstrap resample needs no resample. Drawing n values with replacement from
 * the empirical CDF F is drawing n uniforms U and mapping them through F^-1; the k-th smallest
 * of n uniforms is Beta(k, n - k + 1) distributed. So the resample's p-quantile (its k-th order
 * statistic, k = ceil(p n)) is exactly F^-1(B) with B ~ Beta(k, n - k + 1): one beta draw and a
 * binary search over the buckets, whatever n is. This is the multinomial-over-buckets bootstrap,
 * drawn directly at the statistic.
 *
 * Several runs per side are resampled in two stages (a hierarchical bootstrap): first the runs,
 * with replacement, then the requests within the pooled runs. Run-to-run variation then widens
 * the interval, as it should.
 */
import { JsHistogram } from 'hdr-histogram-js';
import type { Histogram } from '../result/histogram.js';
import { beta, normal } from './random.js';
import type { Random } from './random.js';

/** One run's histogram as cumulative counts over the side's bucket values. */
interface RunCdf {
  cumulative: Float64Array;
  total: number;
  /** Observations this run stands for in the bootstrap: its count, capped (see below). */
  n: number;
  meanUs: number;
  varianceUs2: number;
}

export interface EmpiricalSide {
  /** Sorted bucket values in microseconds (HDR highest-equivalent values), the union over runs. */
  valuesUs: Float64Array;
  runs: RunCdf[];
}

/**
 * Requests within a run are not independent (bursts, pauses, noisy neighbours), so treating a
 * million of them as a million observations would claim a precision the run does not have.
 * Each run counts as at most this many observations.
 */
export const DEFAULT_MAX_SAMPLES_PER_RUN = 20_000;

/** The side's distribution, or null when no run recorded anything. */
export function empiricalSide(histograms: readonly Histogram[], maxSamplesPerRun = DEFAULT_MAX_SAMPLES_PER_RUN): EmpiricalSide | null {
  const perRun = histograms.filter((h) => h.totalCount > 0).map(bucketsOf);
  if (perRun.length === 0) return null;
  const valuesUs = Float64Array.from(new Set(perRun.flatMap((b) => [...b.keys()]))).sort();
  const runs = perRun.map((buckets) => runCdf(buckets, valuesUs, maxSamplesPerRun));
  return { valuesUs, runs };
}

function bucketsOf(h: Histogram): Map<number, number> {
  if (!(h instanceof JsHistogram)) throw new TypeError('expected a decoded JavaScript histogram');
  const buckets = new Map<number, number>();
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    buckets.set(v.valueIteratedTo, (buckets.get(v.valueIteratedTo) ?? 0) + v.countAtValueIteratedTo);
  }
  return buckets;
}

function runCdf(buckets: Map<number, number>, valuesUs: Float64Array, maxSamples: number): RunCdf {
  let total = 0;
  let sum = 0;
  let sumSq = 0;
  for (const [v, c] of buckets) {
    total += c;
    sum += v * c;
    sumSq += v * v * c;
  }
  const cumulative = new Float64Array(valuesUs.length);
  let running = 0;
  valuesUs.forEach((v, i) => {
    running += buckets.get(v) ?? 0;
    cumulative[i] = running;
  });
  const meanUs = sum / total;
  return { cumulative, total, n: Math.min(total, maxSamples), meanUs, varianceUs2: Math.max(0, sumSq / total - meanUs * meanUs) };
}

/**
 * The point estimate of the p-quantile over all the side's requests, by HDR's rule: the
 * smallest bucket holding at least ceil(p N) of the N values. In ms, as summarize() rounds.
 */
export function pointQuantileMs(side: EmpiricalSide, p: number): number {
  const total = side.runs.reduce((a, r) => a + r.total, 0);
  const rank = Math.max(1, Math.ceil(p * total - 1e-9));
  const i = lowerBound(side.valuesUs.length, (j) => side.runs.reduce((a, r) => a + r.cumulative[j]!, 0) >= rank);
  return Math.round(side.valuesUs[i]!) / 1000;
}

/** Smallest index in [0, length) where the monotone predicate holds (length - 1 if none). */
function lowerBound(length: number, reached: (i: number) => boolean): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reached(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const ONE = Float64Array.of(1);

/** Run weights for one bootstrap draw: runs resampled with replacement, weighted by their n. */
function drawRuns(side: EmpiricalSide, random: Random): { weights: Float64Array; n: number } {
  if (side.runs.length === 1) return { weights: ONE, n: side.runs[0]!.n };
  const weights = new Float64Array(side.runs.length);
  let n = 0;
  for (let i = 0; i < side.runs.length; i++) {
    const j = Math.min(side.runs.length - 1, Math.floor(random() * side.runs.length));
    weights[j]! += side.runs[j]!.n;
    n += side.runs[j]!.n;
  }
  for (let j = 0; j < weights.length; j++) weights[j]! /= n;
  return { weights, n };
}

/** Smallest bucket whose pooled CDF (runs weighted by `weights`, summing to 1) reaches u. */
function inverseCdf(side: EmpiricalSide, weights: Float64Array, u: number): number {
  const runs = side.runs;
  if (runs.length === 1) {
    const run = runs[0]!;
    const rank = u * run.total;
    return side.valuesUs[lowerBound(side.valuesUs.length, (i) => run.cumulative[i]! >= rank)]!;
  }
  const pooled = (i: number): number => {
    let f = 0;
    for (let j = 0; j < weights.length; j++) if (weights[j]! > 0) f += (weights[j]! * runs[j]!.cumulative[i]!) / runs[j]!.total;
    return f;
  };
  return side.valuesUs[lowerBound(side.valuesUs.length, (i) => pooled(i) >= u)]!;
}

/** One bootstrap draw of the p-quantile (0 < p <= 1), in ms. */
export function drawQuantileMs(side: EmpiricalSide, p: number, random: Random): number {
  const { weights, n } = drawRuns(side, random);
  const k = Math.min(n, Math.max(1, Math.ceil(p * n)));
  return inverseCdf(side, weights, beta(random, k, n - k + 1)) / 1000;
}

/** Observations the side stands for in the bootstrap (capped per run). */
export function effectiveCount(side: EmpiricalSide): number {
  return side.runs.reduce((a, r) => a + r.n, 0);
}

/**
 * One bootstrap draw of the mean, in ms: the pooled mean of the drawn runs plus the resampling
 * noise of a mean of n values, normal by the central limit theorem (sd / sqrt n).
 */
export function drawMeanMs(side: EmpiricalSide, random: Random): number {
  const { weights, n } = drawRuns(side, random);
  let mean = 0;
  let second = 0;
  side.runs.forEach((run, j) => {
    mean += weights[j]! * run.meanUs;
    second += weights[j]! * (run.varianceUs2 + run.meanUs * run.meanUs);
  });
  const variance = Math.max(0, second - mean * mean);
  return (mean + normal(random) * Math.sqrt(variance / n)) / 1000;
}

/** The mean the mean draws centre on: runs weighted by their (capped) n, in ms. */
export function pooledMeanMs(side: EmpiricalSide): number {
  const n = side.runs.reduce((a, r) => a + r.n, 0);
  return side.runs.reduce((a, r) => a + (r.n / n) * r.meanUs, 0) / 1000;
}

/** The mean over all the side's requests, in ms, as summarize() rounds it. */
export function pointMeanMs(side: EmpiricalSide): number {
  const total = side.runs.reduce((a, r) => a + r.total, 0);
  return Math.round(side.runs.reduce((a, r) => a + r.total * r.meanUs, 0) / total) / 1000;
}
