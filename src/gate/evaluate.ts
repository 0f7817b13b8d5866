/**
 * Threshold verdicts: at the end of a run over the result, and during the run over the
 * recorder for rules marked abortOnFail.
 *
 * A rule on a metric with no data (cold.p99 when nothing was a cold start, errors.rate when
 * nothing was sent, cost.per1M for an HTTP target) fails with actual null: a gate that cannot
 * see its metric must not pass silently. Count metrics always have data (zero is a count).
 */
import type { Counts, Result, ThresholdVerdict } from '../result/result.js';
import type { Recorder } from '../run/recorder.js';
import type { Histogram } from '../result/histogram.js';
import { latencyParts, metricValue, rateCounts, requestParts, summaryOf } from './metrics.js';
import type { HistogramKey, LatencyGroup, MetricId, RequestGroup, Stat } from './metrics.js';
import { compare } from './parse.js';
import type { ThresholdRule } from './parse.js';

/**
 * Rules on starts (cold.*, init.*) judge the requests whose start is known: when some are
 * `unknown` (a join with the logs left incomplete), a warning says on how many they were judged.
 */
export function unknownStartsWarning(rules: readonly ThresholdRule[], result: Result): string | undefined {
  const c = result.counts;
  const onStarts = rules.filter((r) => /^(cold|init)\./.test(r.metric.id)).map((r) => r.source);
  if (onStarts.length === 0 || c.unknown === 0) return undefined;
  const known = c.warm + c.cold + c.proactive;
  return `${c.unknown} request${c.unknown === 1 ? ' has' : 's have'} an unknown start: ${onStarts.join(', ')} ${onStarts.length === 1 ? 'was' : 'were'} judged on the ${known} whose start is known`;
}

export function evaluateThresholds(rules: readonly ThresholdRule[], result: Result): ThresholdVerdict[] {
  return rules.map((rule) => {
    const actual = metricValue(rule.metric.id, result);
    return { rule: rule.source, actual, pass: actual !== null && compare(actual, rule.op, rule.value) };
  });
}

export interface LiveOptions {
  /**
   * A latency, rate or cost rule may abort only once its metric has this many observations:
   * percentiles and rates of the first few requests are noise. Default 100.
   */
  minSamples?: number;
}

/**
 * The abortOnFail rules that have failed for good, judged on the run so far.
 *
 * Counts only grow, so `errors.count < 10` (or `<=`, `==`) has failed for good once the count
 * is past the limit; a count rule with `>`, `>=` or `!=` can still come true and never aborts.
 * cost.total only grows too, and is judged the same way: a budget. Latency, rate and
 * cost.per1M rules abort when they fail with at least `minSamples` observations.
 * rate.achieved is known only at the end and never aborts.
 */
export function evaluateLive(rules: readonly ThresholdRule[], recorder: Recorder, options: LiveOptions = {}): ThresholdVerdict[] {
  return judgeLive(rules, (rule) => liveValue(rule.metric.id, recorder), options);
}

/**
 * The same judgement over a result of the run so far: the merged checkpoints of `--workers`,
 * whose recorders are in other processes.
 */
export function evaluateLiveResult(rules: readonly ThresholdRule[], result: Result, options: LiveOptions = {}): ThresholdVerdict[] {
  return judgeLive(rules, (rule) => resultLiveValue(rule, result), options);
}

function judgeLive(rules: readonly ThresholdRule[], valueOf: (rule: ThresholdRule) => LiveValue | null, options: LiveOptions): ThresholdVerdict[] {
  const minSamples = options.minSamples ?? 100;
  const failed: ThresholdVerdict[] = [];
  for (const rule of rules) {
    if (!rule.abortOnFail) continue;
    const live = valueOf(rule);
    if (live === null) continue;
    if (onlyGrows(rule)) {
      if (failedForGood(live.value, rule)) failed.push({ rule: rule.source, actual: live.value, pass: false });
    } else if (live.samples >= minSamples && !compare(live.value, rule.op, rule.value)) {
      failed.push({ rule: rule.source, actual: live.value, pass: false });
    }
  }
  return failed;
}

/**
 * A checker the runner calls after every completed request and every dropped arrival. Count
 * and cost.total rules are checked every time (a counter read; the cost's sums), so
 * `errors.count < 10` stops the run at the 10th error and a budget at the request that passes
 * it; the others at most once per `intervalMs` (a percentile walks the whole histogram).
 * Returns the first failure.
 */
export function liveGate(
  rules: readonly ThresholdRule[],
  options: LiveOptions & { intervalMs?: number; now?: () => number } = {},
): (recorder: Recorder) => ThresholdVerdict | undefined {
  const abortRules = rules.filter((r) => r.abortOnFail);
  const growingRules = abortRules.filter(onlyGrows);
  const otherRules = abortRules.filter((r) => !onlyGrows(r));
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  let lastMs = -Infinity;
  return (recorder) => {
    const grown = growingRules.length > 0 ? evaluateLive(growingRules, recorder, options)[0] : undefined;
    if (grown !== undefined || otherRules.length === 0 || now() - lastMs < intervalMs) return grown;
    lastMs = now();
    return evaluateLive(otherRules, recorder, options)[0];
  };
}

/** Counts and cost.total: values that only grow during a run. */
function onlyGrows(rule: ThresholdRule): boolean {
  return rule.metric.kind === 'count' || rule.metric.id === 'cost.total';
}

/** A value that only grows has failed its rule for good once past the limit of `<`, `<=` or `==`. */
function failedForGood(value: number, rule: ThresholdRule): boolean {
  switch (rule.op) {
    case '<':
    case '<=':
      return !compare(value, rule.op, rule.value);
    case '==':
      return value > rule.value;
    default:
      return false;
  }
}

interface LiveValue {
  value: number;
  samples: number;
}

/** A rule's metric in a result so far, with its observations: as liveValue reads a recorder. */
function resultLiveValue(rule: ThresholdRule, result: Result): LiveValue | null {
  const id = rule.metric.id;
  const value = metricValue(id, result);
  if (value === null) return null;
  switch (rule.metric.kind) {
    case 'count':
      return { value, samples: value };
    case 'rate':
      return { value, samples: rateCounts(id, result)?.trials ?? 0 };
    case 'time':
    case 'mb': {
      const parts = latencyParts(id);
      return parts === undefined ? null : { value, samples: summaryOf(result, parts[0])?.count ?? 0 };
    }
    case 'usd':
      return { value, samples: result.cost?.invocations ?? 0 };
    case 'perSec':
      // rate.achieved is known only at the end.
      return null;
  }
}

function liveValue(id: MetricId, recorder: Recorder): LiveValue | null {
  const parts = latencyParts(id);
  if (parts !== undefined) {
    const h = histogramOf(recorder, parts[0]);
    return h === undefined ? null : liveStat(h, parts[1]);
  }
  const ratio = (part: number, whole: number): LiveValue | null => (whole > 0 ? { value: part / whole, samples: whole } : null);
  const count = (n: number): LiveValue => ({ value: n, samples: n });
  const request = requestParts(id);
  if (request !== undefined) {
    const r = recorder.requests.find((s) => s.name === request[0])?.counts;
    if (r === undefined) return null;
    switch (request[1]) {
      case 'cold.rate': return ratio(r.cold, r.warm + r.cold + r.proactive);
      case 'errors.rate': return ratio(r.errors, r.completed);
      case 'throttles.rate': return ratio(r.throttles, r.completed);
      case 'cold.count': return count(r.cold);
      case 'errors.count': return count(r.errors);
      case 'throttles.count': return count(r.throttles);
      default: return null;
    }
  }
  if (id === 'cost.per1M' || id === 'cost.total') {
    const cost = recorder.cost;
    if (cost === undefined || cost.invocations === 0) return null;
    // cost.total is read after every request (a spend cap): no summary built for it.
    return { value: id === 'cost.total' ? cost.total : cost.summary().per1M, samples: cost.invocations };
  }
  return countsValue(id, recorder.counts);
}

/** The run's count and rate metrics, from its counts alone; null for any other metric. */
function countsValue(id: MetricId, c: Counts): LiveValue | null {
  const ratio = (part: number, whole: number): LiveValue | null => (whole > 0 ? { value: part / whole, samples: whole } : null);
  const count = (n: number): LiveValue => ({ value: n, samples: n });
  switch (id) {
    case 'cold.rate': return ratio(c.cold, c.warm + c.cold + c.proactive);
    case 'errors.rate': return ratio(c.errors, c.sent);
    case 'throttles.rate': return ratio(c.throttles, c.sent);
    case 'unknown.rate': return ratio(c.unknown, c.warm + c.cold + c.proactive + c.unknown);
    case 'cold.count': return count(c.cold);
    case 'errors.count': return count(c.errors);
    case 'throttles.count': return count(c.throttles);
    case 'dropped.count': return count(c.dropped);
    case 'unknown.count': return count(c.unknown);
    default:
      return null;
  }
}

/** Whether a rule's metric is one of the run's own counts or rates, which countsValue reads (not a request name's). */
export function readFromCounts(rule: ThresholdRule): boolean {
  return (rule.metric.kind === 'count' || rule.metric.kind === 'rate') && requestParts(rule.metric.id) === undefined;
}

/**
 * evaluateLive over the run's counts alone, for the count and rate rules: `--workers` sums the
 * counts its workers report a few times a second.
 */
export function evaluateLiveCounts(rules: readonly ThresholdRule[], counts: Counts, options: LiveOptions = {}): ThresholdVerdict[] {
  return judgeLive(rules, (rule) => countsValue(rule.metric.id, counts), options);
}

/** The live histogram of a group; undefined for async times, known only once the logs are read. */
function histogramOf(recorder: Recorder, key: HistogramKey): Histogram | undefined {
  const request = requestParts(key);
  if (request !== undefined) return recorder.requests.find((s) => s.name === request[0])?.histograms[request[1].slice('latency.'.length) as RequestGroup];
  const group = key as LatencyGroup;
  const h = recorder.histograms;
  switch (group) {
    case 'queueDelay':
    case 'endToEnd': return undefined;
    case 'init': return h.init;
    case 'billed': return h.billed;
    case 'memoryUsed': return h.memoryUsed;
    default: return h[group];
  }
}

/** The same numbers summarize() gives (microseconds in the histogram, ms out). */
function liveStat(h: Histogram, stat: Stat): LiveValue | null {
  if (h.totalCount === 0) return null;
  const us = stat === 'mean' ? h.mean : stat === 'max' ? h.maxValue : h.getValueAtPercentile(stat === 'p999' ? 99.9 : Number(stat.slice(1)));
  return { value: Math.round(us) / 1000, samples: h.totalCount };
}
