/** Threshold verdicts as a terminal table, to print after the run summary. */
import Table from 'cli-table3';
import type { ThresholdVerdict } from '../result/result.js';
import { formatActual } from './format.js';

export function thresholdsTable(verdicts: readonly ThresholdVerdict[]): string | undefined {
  if (verdicts.length === 0) return undefined;
  const t = new Table({ head: ['threshold', 'actual', 'result'], style: { head: [], border: [] } });
  for (const v of verdicts) t.push([v.rule, formatActual(v), v.pass ? 'pass' : 'FAIL']);
  return t.toString();
}
