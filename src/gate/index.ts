/** Gates: threshold rules over a result (and over a run in progress). */
export { parseThresholds, parseThreshold, compare } from './parse.js';
export type { ThresholdRule, ThresholdEntry, ThresholdOp, RuleProblem } from './parse.js';
export { evaluateThresholds, unknownStartsWarning, evaluateLive, evaluateLiveCounts, evaluateLiveResult, liveGate, readFromCounts } from './evaluate.js';
export type { LiveOptions } from './evaluate.js';
export { lookupMetric, metricValue, formatValue, METRIC_NAMES_HELP } from './metrics.js';
export type { MetricDef, MetricId, MetricKind, Stat, LatencyGroup } from './metrics.js';
