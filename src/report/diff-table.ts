/** The terminal table of a diff (cli-table3). */
import Table from 'cli-table3';
import type { Diff } from '../diff/types.js';
import { formatConfidence, formatDelta, formatFailOnChange, formatInterval, formatValue } from './format.js';

function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

export function diffTable(d: Diff): string {
  const side = (s: Diff['base']): string => `${s.names.join(', ')} (${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.sent} requests)`;
  const out = [`base:      ${side(d.base)}`, `candidate: ${side(d.candidate)}`];
  const t = table(['metric', 'base', 'candidate', 'change', `interval (${formatConfidence(1 - d.alphaPerMetric)})`, 'verdict']);
  for (const r of d.rows) {
    t.push([r.metric, formatValue(r.kind, r.base), formatValue(r.kind, r.candidate), formatDelta(r), formatInterval(r), r.note === undefined ? r.verdict : `${r.verdict}: ${r.note}`]);
  }
  out.push(t.toString());
  out.push(`~ = not significant; ${d.tested} metrics tested at ${formatConfidence(d.confidence)} family-wise confidence (seed ${d.seed})`);
  if (d.failOn.length > 0) {
    const f = table(['fail-on' + (d.strict ? ' (strict)' : ''), 'change', 'significant', 'result']);
    for (const v of d.failOn) {
      f.push([v.rule, formatFailOnChange(v), v.significant === null ? 'exact' : !v.tested ? 'not tested (too few samples)' : v.significant ? 'yes' : 'no', v.pass ? 'pass' : 'FAIL']);
    }
    out.push(f.toString());
  }
  for (const w of d.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}
