/**
 * The metrics that thresholds and diff rules name, what kind of quantity each is, and how to
 * read it from a result. Values are in the result's units: times in ms, rates as fractions
 * (0.05 = 5%), counts, requests per second, USD.
 */
import type { Summary } from '../result/histogram.js';
import type { Result } from '../result/result.js';

export type MetricKind = 'time' | 'rate' | 'count' | 'perSec' | 'usd';
export type Stat = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean';
/** Latency summaries; queueDelay and endToEnd are async invokes' (result.async). */
export type LatencyGroup = 'all' | 'warm' | 'cold' | 'init' | 'queueDelay' | 'endToEnd';
export type RateMetric = 'cold.rate' | 'errors.rate' | 'throttles.rate';
export type CountMetric = 'cold.count' | 'errors.count' | 'throttles.count' | 'dropped.count';
export type MetricId = `${LatencyGroup}.${Stat}` | RateMetric | CountMetric | 'rate.achieved' | 'cost.per1M';

export const STATS: readonly Stat[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'];
export const GROUPS: readonly LatencyGroup[] = ['all', 'warm', 'cold', 'init', 'queueDelay', 'endToEnd'];
const RATES: readonly RateMetric[] = ['cold.rate', 'errors.rate', 'throttles.rate'];
const COUNTS: readonly CountMetric[] = ['cold.count', 'errors.count', 'throttles.count', 'dropped.count'];

export interface MetricDef {
  id: MetricId;
  kind: MetricKind;
  /** True for every metric but rate.achieved: a larger value is a regression. */
  higherIsWorse: boolean;
}

export const METRIC_NAMES_HELP =
  'all|warm|cold|init|queueDelay|endToEnd.{p50,p90,p95,p99,p999,max,mean}, cold.rate, cold.count, errors.rate, errors.count, ' +
  'throttles.rate, throttles.count, dropped.count, rate.achieved, cost.per1M';

/** The definition of a metric name, or undefined. `p99.9` is accepted for `p999`. */
export function lookupMetric(name: string): MetricDef | undefined {
  const id = name.replace(/\.p99\.9$/, '.p999');
  const [group, stat] = id.split('.') as [string, string | undefined];
  if (id.split('.').length === 2 && (GROUPS as string[]).includes(group) && (STATS as string[]).includes(stat ?? '')) {
    return { id: id as MetricId, kind: 'time', higherIsWorse: true };
  }
  if ((RATES as string[]).includes(id)) return { id: id as MetricId, kind: 'rate', higherIsWorse: true };
  if ((COUNTS as string[]).includes(id)) return { id: id as MetricId, kind: 'count', higherIsWorse: true };
  if (id === 'rate.achieved') return { id, kind: 'perSec', higherIsWorse: false };
  if (id === 'cost.per1M') return { id, kind: 'usd', higherIsWorse: true };
  return undefined;
}

/** `warm.p99` -> ['warm', 'p99']; undefined for metrics that are not latency statistics. */
export function latencyParts(id: MetricId): [LatencyGroup, Stat] | undefined {
  const [group, stat] = id.split('.') as [string, string];
  return (GROUPS as string[]).includes(group) && (STATS as string[]).includes(stat)
    ? [group as LatencyGroup, stat as Stat]
    : undefined;
}

export function summaryOf(result: Result, group: LatencyGroup): Summary | null {
  switch (group) {
    case 'init': return result.init;
    case 'queueDelay':
    case 'endToEnd': return result.async?.[group] ?? null;
    default: return result.latency[group];
  }
}

/**
 * The metric's value in a result, or null when the run has no data for it (no cold starts for
 * cold.p99, nothing sent for errors.rate, no cost for an HTTP target). Counts are never null.
 */
export function metricValue(id: MetricId, result: Result): number | null {
  const parts = latencyParts(id);
  if (parts !== undefined) {
    const s = summaryOf(result, parts[0]);
    return s === null || s.count === 0 ? null : s[parts[1]];
  }
  const c = result.counts;
  const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
  switch (id as RateMetric | CountMetric | 'rate.achieved' | 'cost.per1M') {
    case 'cold.rate': return result.coldStartRate;
    case 'errors.rate': return ratio(c.errors, c.sent);
    case 'throttles.rate': return ratio(c.throttles, c.sent);
    case 'cold.count': return c.cold;
    case 'errors.count': return c.errors;
    case 'throttles.count': return c.throttles;
    case 'dropped.count': return c.dropped;
    case 'rate.achieved': return result.rate.achieved;
    case 'cost.per1M': return result.cost?.per1M ?? null;
  }
}

/** A value for people: `231.4 ms`, `3.10%`, `12`, `48.9/s`, `$0.4213`. */
export function formatValue(kind: MetricKind, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return value === null ? '-' : String(value);
  switch (kind) {
    case 'time': return Math.abs(value) >= 1000 ? `${(value / 1000).toFixed(3)} s` : `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ms`;
    case 'rate': return `${(value * 100).toFixed(2)}%`;
    case 'count': return String(value);
    case 'perSec': return `${value.toFixed(1)}/s`;
    case 'usd': return `$${value.toFixed(4)}`;
  }
}
