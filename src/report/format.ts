/**
 * Number formatting shared by the report formats: values, signed changes and intervals in the
 * unit of each metric.
 */
import { formatValue, lookupMetric } from '../gate/metrics.js';
import type { MetricKind } from '../gate/metrics.js';
import { parseThreshold } from '../gate/parse.js';
import type { DiffRow, FailOnVerdict } from '../diff/types.js';
import type { ThresholdVerdict } from '../result/result.js';

export type Format = 'table' | 'md' | 'json' | 'junit' | 'html';
export const FORMATS: readonly Format[] = ['table', 'md', 'json', 'junit', 'html'];

export { formatValue };

const sign = (x: number): string => (x > 0 ? '+' : x < 0 ? '-' : '±');

/** A change in the metric's unit: `+12.3 ms`, `+1.20pp`, `-$0.0100`, `+3`. */
export function formatChange(kind: MetricKind, delta: number | null): string {
  if (delta === null) return '-';
  if (!Number.isFinite(delta)) return `${sign(delta)}inf`;
  const abs = Math.abs(delta);
  switch (kind) {
    case 'time': return `${sign(delta)}${formatValue('time', abs)}`;
    case 'rate': return `${sign(delta)}${(abs * 100).toFixed(2)}pp`;
    case 'usd': return `${sign(delta)}$${abs.toFixed(4)}`;
    case 'perSec': return `${sign(delta)}${abs.toFixed(1)}/s`;
    case 'count': return `${sign(delta)}${Number.isInteger(abs) ? abs : abs.toFixed(1)}`;
    case 'mb': return `${sign(delta)}${formatValue('mb', abs)}`;
  }
}

export function formatPct(pct: number | null): string {
  if (pct === null) return '';
  if (!Number.isFinite(pct)) return `${sign(pct)}inf%`;
  return `${sign(pct)}${Math.abs(pct).toFixed(1)}%`;
}

/** `+12.3 ms (+5.1%)`. */
export function formatDelta(row: DiffRow): string {
  const pct = formatPct(row.deltaPct);
  return `${formatChange(row.kind, row.delta)}${pct === '' ? '' : ` (${pct})`}`;
}

export function formatInterval(row: DiffRow): string {
  if (row.ci === null) return '-';
  return `${formatChange(row.kind, row.ci.lo)} .. ${formatChange(row.kind, row.ci.hi)}`;
}

/** A threshold verdict's actual value in its metric's unit (`-` for no data). */
export function formatActual(verdict: ThresholdVerdict): string {
  const rule = parseThreshold(verdict.rule);
  const kind = typeof rule === 'string' ? 'count' : rule.metric.kind;
  return verdict.actual === null ? 'no data' : formatValue(kind, verdict.actual);
}

export function formatFailOnChange(v: FailOnVerdict): string {
  if (v.change === null) return '-';
  const kind = lookupMetric(v.metric)!.kind;
  return v.relative ? formatPct(Number.isFinite(v.change) ? v.change * 100 : v.change) : formatChange(kind, v.change);
}

/** Confidence with enough digits to tell 99.5% from 99.6%. */
export function formatConfidence(level: number): string {
  const pct = level * 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(pct > 99 ? 2 : 1)}%`;
}
