/**
 * One side of a diff: one or more result files of the same profile, pooled. HDR histograms add
 * exactly, so pooled quantiles are those of all the requests of all the runs; rates pool their
 * counts; counts and the achieved rate are averaged per run, so three base runs compare fairly
 * with one candidate run.
 */
import { UsageError } from '../errors.js';
import { latencyParts, lookupMetric, metricValue, rateCounts, requestParts } from '../gate/metrics.js';
import type { HistogramKey, MetricId, Stat } from '../gate/metrics.js';
import { decodeHistogram, newHistogram } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';
import type { Result } from '../result/result.js';
import { empiricalSide, pointMeanMs, pointQuantileMs } from './empirical.js';
import type { EmpiricalSide } from './empirical.js';

export type HistogramName = HistogramKey | 'billed';

export class PooledSide {
  private readonly decoded = new Map<HistogramName, Histogram[]>();
  private readonly empirical = new Map<HistogramName, EmpiricalSide | null>();

  constructor(readonly label: 'base' | 'candidate', readonly results: readonly Result[], private readonly maxSamplesPerRun: number) {}

  histograms(name: HistogramName): Histogram[] {
    let hs = this.decoded.get(name);
    if (hs === undefined) {
      hs = this.results.map((r) => (r.histograms[name] === undefined ? newHistogram() : decodeHistogram(r.histograms[name])));
      this.decoded.set(name, hs);
    }
    return hs;
  }

  distribution(name: HistogramName): EmpiricalSide | null {
    if (!this.empirical.has(name)) this.empirical.set(name, empiricalSide(this.histograms(name), this.maxSamplesPerRun));
    return this.empirical.get(name) ?? null;
  }

  /** The metric's pooled value, or null when no run has data for it. */
  value(id: MetricId): number | null {
    const parts = latencyParts(id);
    if (parts !== undefined) {
      const side = this.distribution(parts[0]);
      if (side === null) return null;
      const stat = parts[1];
      return stat === 'mean' ? pointMeanMs(side) : pointQuantileMs(side, quantileOf(stat));
    }
    if (lookupMetric(id)?.kind === 'rate') {
      const { x, n } = this.proportion(id, Infinity);
      return n > 0 ? x / n : null;
    }
    if (id === 'cost.per1M') return this.cost()?.per1M ?? null;
    const values = this.results.map((r) => metricValue(id, r));
    if (values.some((v) => v === null)) return null;
    return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
  }

  /**
   * Events x out of n trials, pooled over runs; each run's n capped at `cap` (its x scaled to
   * match) for the same reason latency samples are capped.
   */
  proportion(id: MetricId, cap = this.maxSamplesPerRun): { x: number; n: number } {
    let x = 0;
    let n = 0;
    for (const r of this.results) {
      const counts = rateCounts(id, r);
      if (counts === undefined || counts.trials === 0) continue;
      const { events, trials } = counts;
      const kept = Math.min(trials, cap);
      x += (events * kept) / trials;
      n += kept;
    }
    return { x, n };
  }

  /** Pooled cost per million invocations, split into the request part and the compute part. */
  cost(): { per1M: number; requestPer1M: number | null; computePer1M: number | null } | null {
    if (this.results.some((r) => r.cost === null)) return null;
    const costs = this.results.map((r) => r.cost!);
    const invocations = costs.reduce((a, c) => a + (c.invocations ?? 0), 0);
    if (invocations === 0) return null;
    const sum = (f: (c: (typeof costs)[number]) => number | undefined): number | null =>
      costs.every((c) => typeof f(c) === 'number') ? costs.reduce((a, c) => a + f(c)!, 0) : null;
    const total = sum((c) => c.total) ?? 0;
    const request = sum((c) => c.requestCost);
    const compute = sum((c) => c.computeCost);
    // As a run's own per1M (lambda/cost.ts): the compute of the invocations with a REPORT, per
    // invocation; one whose REPORT was never read has an unknown compute, not a free one.
    const reported = invocations - costs.reduce((a, c) => a + (c.unreported ?? 0), 0);
    const computePer1M = compute === null ? null : reported === 0 ? 0 : (compute / reported) * 1e6;
    const requestPer1M = request === null ? null : (request / invocations) * 1e6;
    return {
      per1M: computePer1M === null || requestPer1M === null ? (total / invocations) * 1e6 : computePer1M + requestPer1M,
      requestPer1M,
      computePer1M,
    };
  }

  sent(): number {
    return this.results.reduce((a, r) => a + r.counts.sent, 0);
  }
}

/** Results that cannot be compared or pooled: exit 2 with the reason. */
export function checkComparable(base: readonly Result[], candidate: readonly Result[]): void {
  if (base.length === 0 || candidate.length === 0) throw new UsageError('diff needs at least one result file on each side');
  for (const [label, side] of [['base', base], ['candidate', candidate]] as const) {
    const names = [...new Set(side.map((r) => r.name))];
    if (names.length > 1) {
      throw new UsageError(`cannot pool the ${label} runs: they come from different profiles (${names.join(', ')})`, 'pool only repeated runs of one profile on each side');
    }
  }
  const kinds = [...new Set([...base, ...candidate].map((r) => r.target.kind))];
  if (kinds.length > 1) {
    throw new UsageError(`cannot compare results of different target kinds (${kinds.join(' and ')}): their metrics differ`, 'compare runs of the same kind of target');
  }
}

/** Why a side has no value for a metric, for error messages. */
export function noDataReason(id: MetricId): string {
  const request = requestParts(id);
  if (request !== undefined) return `no requests named ${request[0]}, or none with data for ${request[1]}`;
  const parts = latencyParts(id);
  const group = parts?.[0];
  if (group === 'all') return 'no completed requests';
  if (group === 'warm') return 'no requests classified warm';
  if (group === 'cold' || id === 'cold.rate') return id === 'cold.rate' ? 'no requests classified warm or cold' : 'no cold starts';
  if (group === 'init') return 'no Init Duration reports';
  if (group === 'memoryUsed') return 'no Max Memory Used reports (REPORT lines: a Lambda target, or coldStart.logs)';
  if (group === 'billed') return 'no billed durations (REPORT lines: a Lambda target, or coldStart.logs)';
  if (id === 'cost.per1M' || id === 'cost.total') return 'no cost (a Lambda target, or an HTTP target with coldStart.logs)';
  if (id === 'unknown.rate') return 'no request whose start was to be decided';
  if (group === 'queueDelay' || group === 'endToEnd') return 'no async invokes read from the logs (invocationType: Event with coldStart.logs)';
  return 'no requests sent';
}

/** The quantile a statistic names: p99 -> 0.99, p999 -> 0.999, max -> 1. */
export function quantileOf(stat: Exclude<Stat, 'mean'>): number {
  return stat === 'max' ? 1 : stat === 'p999' ? 0.999 : Number(stat.slice(1)) / 100;
}
