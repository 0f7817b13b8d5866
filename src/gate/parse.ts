/**
 * Threshold rules: `<metric> <op> <value>`, e.g. `warm.p99 < 250ms`, `cold.rate < 5%`,
 * `throttles.count == 0`, `cost.per1M <= $0.50`. Parsing collects every problem with the
 * index of its entry, so a profile shows them all at once.
 */
import { lookupMetric, METRIC_NAMES_HELP } from './metrics.js';
import type { MetricDef, MetricKind } from './metrics.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdRule {
  /** The rule as written; verdicts carry it. */
  source: string;
  metric: MetricDef;
  op: ThresholdOp;
  /** In the result's units: ms, a fraction for rates, a count, per second, USD. */
  value: number;
  /** Stop the run as soon as this rule fails (see evaluateLive). */
  abortOnFail: boolean;
}

/** A profile's `thresholds` entry: a rule, or a rule with options. */
import type { ThresholdEntry } from '../profile/types.js';

export type { ThresholdEntry };

export interface RuleProblem {
  index: number;
  message: string;
}

const OPS: readonly ThresholdOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const EXAMPLE = 'expected "<metric> <op> <value>", e.g. "warm.p99 < 250ms"';

export function parseThresholds(entries: readonly ThresholdEntry[]): { rules: ThresholdRule[]; problems: RuleProblem[] } {
  const rules: ThresholdRule[] = [];
  const problems: RuleProblem[] = [];
  entries.forEach((entry, index) => {
    const source = typeof entry === 'string' ? entry : entry.rule;
    const parsed = parseThreshold(source);
    if (typeof parsed === 'string') problems.push({ index, message: parsed });
    else rules.push({ ...parsed, abortOnFail: typeof entry !== 'string' && entry.abortOnFail === true });
  });
  return { rules, problems };
}

/** One rule, or the message saying what is wrong with it. */
export function parseThreshold(source: string): Omit<ThresholdRule, 'abortOnFail'> | string {
  const split = splitRule(source, OPS);
  if (typeof split === 'string') return split;
  const metric = lookupMetric(split.metric);
  if (metric === undefined) return `unknown metric "${split.metric}": expected one of ${METRIC_NAMES_HELP}`;
  const value = parseValue(split.value, metric);
  if (typeof value === 'string') return value;
  return { source: source.trim(), metric, op: split.op as ThresholdOp, value };
}

/** Splits `<metric> <op> <rest>`; the operators are tried longest first. */
export function splitRule<Op extends string>(source: string, ops: readonly Op[]): { metric: string; op: Op; value: string } | string {
  const text = source.trim();
  if (text === '') return `empty rule: ${EXAMPLE}`;
  const metricMatch = /^[A-Za-z0-9_.]+/.exec(text);
  if (metricMatch === null) return `"${text}" does not start with a metric name: ${EXAMPLE}`;
  const metric = metricMatch[0];
  const rest = text.slice(metric.length).trimStart();
  const op = ops.find((o) => rest.startsWith(o));
  if (op === undefined) {
    const hint = rest.startsWith('=') ? ' (use == to compare for equality)' : '';
    return `missing operator after "${metric}": expected one of ${ops.join(' ')}${hint}`;
  }
  const value = rest.slice(op.length).trim();
  if (value === '') return `missing value after "${metric} ${op}": ${EXAMPLE}`;
  return { metric, op, value };
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** A threshold value in the metric's unit, converted to the result's unit. */
function parseValue(text: string, metric: MetricDef): number | string {
  const m = new RegExp(`^(\\$?)\\s*${NUMBER}\\s*([A-Za-z%/$]*)$`).exec(text.replace(/\s+/g, ' '));
  if (m === null) return `"${text}" is not a number with a unit: ${unitHelp(metric)}`;
  const [, dollar = '', digits = '', unit = ''] = m;
  const n = Number(digits);
  return convert(n, dollar + unit, text, metric);
}

function convert(n: number, unit: string, text: string, metric: MetricDef): number | string {
  const wrong = `"${text}" has the wrong unit for ${metric.id}: ${unitHelp(metric)}`;
  switch (metric.kind) {
    case 'time':
      if (unit === 'ms') return n;
      if (unit === 's') return n * 1000;
      return unit === '' ? `"${text}" needs a unit: ${n}ms or ${n / 1000}s` : wrong;
    case 'rate':
      if (unit === '%') return n / 100;
      return unit === '' ? `"${text}" needs a %: rates are percentages, e.g. ${metric.id} < 5%` : wrong;
    case 'count':
      if (unit !== '') return wrong;
      return Number.isInteger(n) ? n : `"${text}" must be a whole number: ${metric.id} counts requests`;
    case 'perSec':
      return unit === '' || unit === '/s' ? n : wrong;
    case 'usd':
      return unit === '' || unit === '$' ? n : wrong;
    case 'mb':
      if (unit === 'MB') return n;
      return unit === '' ? `"${text}" needs a unit: ${n}MB` : wrong;
  }
}

export function unitHelp(metric: MetricDef): string {
  const help: Record<MetricKind, string> = {
    time: 'a time in ms or s, e.g. 250ms or 1.5s',
    rate: 'a percentage, e.g. 5%',
    count: 'a whole number, e.g. 0',
    perSec: 'requests per second, e.g. 100 or 100/s',
    usd: metric.id === 'cost.total' ? 'US dollars for the whole run, e.g. $5' : 'US dollars per million invocations, e.g. $0.50',
    mb: 'a memory size in MB, e.g. 256MB',
  };
  return `${metric.id} takes ${help[metric.kind]}`;
}

export function compare(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==': return actual === value;
    case '!=': return actual !== value;
  }
}
