/**
 * `--fail-on` rules: `<metric> <op> <change>`, where the change is candidate - base:
 *   warm.p99 > +10%      relative change
 *   init.p50 > +50ms     absolute change of a time (ms or s)
 *   cold.rate > +2pp     absolute change of a rate, in percentage points
 *   cost.per1M > +$0.05  absolute change in USD;  errors.count > +5, rate.achieved < -10/s
 */
import { lookupMetric, METRIC_NAMES_HELP } from '../gate/metrics.js';
import type { MetricDef } from '../gate/metrics.js';
import { splitRule } from '../gate/parse.js';
import type { RuleProblem } from '../gate/parse.js';

export type FailOnOp = '>' | '>=' | '<' | '<=';

export interface FailOnRule {
  source: string;
  metric: MetricDef;
  op: FailOnOp;
  /** A fraction of the base value when relative (0.1 = +10%), else in the result's unit. */
  limit: number;
  relative: boolean;
}

const OPS: readonly FailOnOp[] = ['>=', '<=', '>', '<'];

export function parseFailOn(entries: readonly string[]): { rules: FailOnRule[]; problems: RuleProblem[] } {
  const rules: FailOnRule[] = [];
  const problems: RuleProblem[] = [];
  entries.forEach((source, index) => {
    const rule = parseFailOnRule(source);
    if (typeof rule === 'string') problems.push({ index, message: rule });
    else rules.push(rule);
  });
  return { rules, problems };
}

export function parseFailOnRule(source: string): FailOnRule | string {
  const split = splitRule(source, OPS);
  if (typeof split === 'string') return split.replace('"warm.p99 < 250ms"', '"warm.p99 > +10%"');
  const metric = lookupMetric(split.metric);
  if (metric === undefined) return `unknown metric "${split.metric}": expected one of ${METRIC_NAMES_HELP}`;
  const m = /^([+-]?)\s*(\$?)\s*(\d+(?:\.\d+)?|\.\d+)\s*(%|pp|ms|s|\$|\/s|MB)?$/.exec(split.value);
  if (m === null) return `"${split.value}" is not a change such as +10%, +50ms, +2pp, +$0.05 or +16MB`;
  const [, sign = '', dollar = '', digits = '', unit = ''] = m;
  const n = (sign === '-' ? -1 : 1) * Number(digits);
  const base = { source: source.trim(), metric, op: split.op };
  if (unit === '%' && dollar === '') return { ...base, limit: n / 100, relative: true };
  const limit = absoluteLimit(n, dollar + unit, metric);
  return typeof limit === 'string' ? limit : { ...base, limit, relative: false };
}

function absoluteLimit(n: number, unit: string, metric: MetricDef): number | string {
  const id = metric.id;
  switch (metric.kind) {
    case 'time':
      if (unit === 'ms') return n;
      if (unit === 's') return n * 1000;
      return `${id} changes in ms or s (e.g. +50ms), or relatively (e.g. +10%)`;
    case 'rate':
      if (unit === 'pp') return n / 100;
      return `${id} changes in percentage points (e.g. +2pp), or relatively (e.g. +10%)`;
    case 'count':
      return unit === '' ? n : `${id} changes by a number of requests (e.g. +5), or relatively (e.g. +10%)`;
    case 'perSec':
      return unit === '' || unit === '/s' ? n : `${id} changes in requests per second (e.g. -10/s), or relatively (e.g. -10%)`;
    case 'usd':
      return unit === '$' ? n : `${id} changes in US dollars (e.g. +$0.05), or relatively (e.g. +10%)`;
    case 'mb':
      return unit === 'MB' ? n : `${id} changes in MB (e.g. +16MB), or relatively (e.g. +10%)`;
  }
}
