/** Threshold verdicts as a terminal table, to print after the run summary. */
import type { ThresholdVerdict } from '../result/result.js';
import { formatActual } from './format.js';
import { table } from './summary.js';
import { PLAIN_TEXT } from './terminal.js';
import type { TerminalCaps } from './terminal.js';

export function thresholdsTable(verdicts: readonly ThresholdVerdict[], caps: TerminalCaps = PLAIN_TEXT): string | undefined {
  if (verdicts.length === 0) return undefined;
  const t = table(['threshold', 'actual', 'result'], caps);
  for (const v of verdicts) t.push([v.rule, formatActual(v), v.pass ? 'pass' : 'FAIL']);
  return t.toString();
}
