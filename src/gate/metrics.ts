/**
 * The metrics that thresholds and diff rules name, what kind of quantity each is, and how to
 * read it from a result. Values are in the result's units: times in ms, rates as fractions
 * (0.05 = 5%), counts, requests per second, USD.
 */
import type { Summary } from '../result/histogram.js';
import type { Result } from '../result/result.js';

export type MetricKind = 'time' | 'rate' | 'count' | 'perSec' | 'usd' | 'mb';
export type Stat = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean';
/**
 * Summaries of a distribution: latencies, Init and billed durations (times), the REPORTs' Max Memory
 * Used (MB); queueDelay and endToEnd are async invokes' (result.async).
 */
export type LatencyGroup = 'all' | 'warm' | 'cold' | 'init' | 'billed' | 'memoryUsed' | 'queueDelay' | 'endToEnd';
/** unknown.*: requests whose start could not be decided (a join with the logs left incomplete). */
export type RateMetric = 'cold.rate' | 'errors.rate' | 'throttles.rate' | 'unknown.rate';
export type CountMetric = 'cold.count' | 'errors.count' | 'throttles.count' | 'dropped.count' | 'unknown.count';
/** Run-level only: a request name of a mix has no dropped or unknown metric. */
type RunOnly = 'dropped.count' | 'unknown.rate' | 'unknown.count';
/** Latency groups a request of a mix has (result.requests.<name>.latency). */
export type RequestGroup = 'all' | 'warm' | 'cold';
/** The histogram a latency metric reads: a run-level group, or `requests.<name>.<group>`. */
export type HistogramKey = LatencyGroup | `requests.${string}.latency.${RequestGroup}`;
/** Per request name of a mix: `requests.checkout.warm.p99`, `requests.checkout.errors.rate`. */
export type RequestMetric = `requests.${string}.${RequestGroup}.${Stat}` | `requests.${string}.${Exclude<RateMetric | CountMetric, RunOnly>}`;
/** cost.per1M: USD per million invocations at the run's mix; cost.total: USD for the whole run (a budget). */
export type CostMetric = 'cost.per1M' | 'cost.total';
export type MetricId = `${LatencyGroup}.${Stat}` | RateMetric | CountMetric | 'rate.achieved' | CostMetric | RequestMetric;

export const STATS: readonly Stat[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'];
export const GROUPS: readonly LatencyGroup[] = ['all', 'warm', 'cold', 'init', 'billed', 'memoryUsed', 'queueDelay', 'endToEnd'];
const RATES: readonly RateMetric[] = ['cold.rate', 'errors.rate', 'throttles.rate', 'unknown.rate'];
const COUNTS: readonly CountMetric[] = ['cold.count', 'errors.count', 'throttles.count', 'dropped.count', 'unknown.count'];
const RUN_ONLY: readonly string[] = ['dropped.count', 'unknown.rate', 'unknown.count'] satisfies readonly RunOnly[];

export interface MetricDef {
  id: MetricId;
  kind: MetricKind;
  /** True for every metric but rate.achieved: a larger value is a regression. */
  higherIsWorse: boolean;
}

export const METRIC_NAMES_HELP =
  'all|warm|cold|init|billed|memoryUsed|queueDelay|endToEnd.{p50,p90,p95,p99,p999,max,mean}, cold.rate, cold.count, errors.rate, errors.count, ' +
  'throttles.rate, throttles.count, dropped.count, unknown.rate, unknown.count, rate.achieved, cost.per1M, cost.total, and per request of a mix ' +
  'requests.<name>.{all,warm,cold}.<stat> or requests.<name>.{errors,throttles,cold}.{rate,count}';

const REQUEST_GROUPS: readonly RequestGroup[] = ['all', 'warm', 'cold'];
// A request name as the profile allows it, or as a saved result shows a redacted one (`***`, `***-2`).
const REQUEST_METRIC = /^requests\.([A-Za-z0-9_*-]+)\.(.+)$/;

/** `requests.checkout.warm.p99` -> ['checkout', 'warm.p99']; undefined for a run-level metric. */
export function requestParts(id: string): [string, string] | undefined {
  const m = REQUEST_METRIC.exec(id);
  return m === null ? undefined : [m[1]!, m[2]!];
}

/** The definition of a metric name, or undefined. `p99.9` is accepted for `p999`. */
export function lookupMetric(name: string): MetricDef | undefined {
  const request = requestParts(name);
  if (request !== undefined) {
    const inner = lookupMetric(request[1]);
    if (inner === undefined || RUN_ONLY.includes(inner.id) || inner.kind === 'perSec' || inner.kind === 'usd') return undefined;
    const group = latencyParts(inner.id)?.[0];
    if (group !== undefined && !(REQUEST_GROUPS as string[]).includes(group)) return undefined;
    return { ...inner, id: `requests.${request[0]}.${inner.id}` as MetricId };
  }
  const id = name.replace(/\.p99\.9$/, '.p999');
  const [group, stat] = id.split('.') as [string, string | undefined];
  if (id.split('.').length === 2 && (GROUPS as string[]).includes(group) && (STATS as string[]).includes(stat ?? '')) {
    return { id: id as MetricId, kind: group === 'memoryUsed' ? 'mb' : 'time', higherIsWorse: true };
  }
  if ((RATES as string[]).includes(id)) return { id: id as MetricId, kind: 'rate', higherIsWorse: true };
  if ((COUNTS as string[]).includes(id)) return { id: id as MetricId, kind: 'count', higherIsWorse: true };
  if (id === 'rate.achieved') return { id, kind: 'perSec', higherIsWorse: false };
  if (id === 'cost.per1M' || id === 'cost.total') return { id, kind: 'usd', higherIsWorse: true };
  return undefined;
}

/**
 * `warm.p99` -> ['warm', 'p99'], `requests.checkout.warm.p99` -> ['requests.checkout.latency.warm',
 * 'p99']: the histogram (its name in result.histograms, which is also the path of its summary)
 * and the statistic; undefined for metrics that are not latency statistics.
 */
export function latencyParts(id: MetricId): [HistogramKey, Stat] | undefined {
  const request = requestParts(id);
  if (request !== undefined) {
    const inner = latencyParts(request[1] as MetricId);
    return inner === undefined ? undefined : [`requests.${request[0]}.latency.${inner[0] as RequestGroup}`, inner[1]];
  }
  const [group, stat, more] = id.split('.') as [string, string, string | undefined];
  return more === undefined && (GROUPS as string[]).includes(group) && (STATS as string[]).includes(stat)
    ? [group as LatencyGroup, stat as Stat]
    : undefined;
}

export function summaryOf(result: Result, key: HistogramKey): Summary | null {
  const request = requestParts(key);
  if (request !== undefined) return result.requests?.[request[0]]?.latency[request[1].slice('latency.'.length) as RequestGroup] ?? null;
  const group = key as LatencyGroup;
  switch (group) {
    case 'init': return result.init;
    case 'billed': return result.billed;
    case 'memoryUsed': return result.memoryUsedMB;
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
  const request = requestParts(id);
  if (request !== undefined) return requestValue(result, request[0], request[1] as RateMetric | CountMetric);
  const c = result.counts;
  const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
  switch (id as RateMetric | CountMetric | 'rate.achieved' | CostMetric) {
    case 'cold.rate': return result.coldStartRate;
    case 'errors.rate': return ratio(c.errors, c.sent);
    case 'throttles.rate': return ratio(c.throttles, c.sent);
    case 'unknown.rate': return ratio(c.unknown, c.warm + c.cold + c.proactive + c.unknown);
    case 'cold.count': return c.cold;
    case 'errors.count': return c.errors;
    case 'throttles.count': return c.throttles;
    case 'dropped.count': return c.dropped;
    case 'unknown.count': return c.unknown;
    case 'rate.achieved': return result.rate.achieved;
    case 'cost.per1M': return result.cost?.per1M ?? null;
    case 'cost.total': return result.cost?.total ?? null;
  }
}

/**
 * Events and trials of a rate metric: cold starts of the classified starts, errors and throttles
 * of the requests sent (of the completed ones, per request name). Undefined when the result has no
 * such counts (a request name it does not know).
 */
export function rateCounts(id: MetricId, result: Result): { events: number; trials: number } | undefined {
  const request = requestParts(id);
  const kind = (request?.[1] ?? id) as RateMetric;
  if (request !== undefined) {
    const c = result.requests?.[request[0]]?.counts;
    if (c === undefined) return undefined;
    if (kind === 'cold.rate') return { events: c.cold, trials: c.warm + c.cold + c.proactive };
    return { events: kind === 'errors.rate' ? c.errors : c.throttles, trials: c.completed };
  }
  const c = result.counts;
  if (kind === 'cold.rate') return { events: c.cold, trials: c.warm + c.cold + c.proactive };
  if (kind === 'unknown.rate') return { events: c.unknown, trials: c.warm + c.cold + c.proactive + c.unknown };
  return { events: kind === 'errors.rate' ? c.errors : c.throttles, trials: c.sent };
}

function requestValue(result: Result, name: string, metric: RateMetric | CountMetric): number | null {
  const section = result.requests?.[name];
  if (section === undefined) return null;
  const c = section.counts;
  switch (metric) {
    case 'cold.rate':
    case 'errors.rate':
    case 'throttles.rate': {
      const r = rateCounts(`requests.${name}.${metric}`, result)!;
      return r.trials > 0 ? r.events / r.trials : null;
    }
    case 'cold.count': return c.cold;
    case 'errors.count': return c.errors;
    case 'throttles.count': return c.throttles;
    case 'dropped.count':
    case 'unknown.rate':
    case 'unknown.count': return null; // run-level only (lookupMetric refuses them per request name)
  }
}

/** A value for people: `231.4 ms`, `3.10%`, `12`, `48.9/s`, `$0.4213`, `$0.0000281` (under a cent: three significant digits). */
export function formatValue(kind: MetricKind, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return value === null ? '-' : String(value);
  switch (kind) {
    case 'time': return Math.abs(value) >= 1000 ? `${(value / 1000).toFixed(3)} s` : `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ms`;
    case 'rate': return `${(value * 100).toFixed(2)}%`;
    case 'count': return String(value);
    case 'perSec': return `${value.toFixed(1)}/s`;
    case 'usd': return value !== 0 && Math.abs(value) < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`;
    case 'mb': return `${value.toFixed(1)} MB`;
  }
}
