/**
 * Markdown for pull-request comments and the GitHub step summary: a result (counts, latency,
 * cold starts, threshold verdicts) or a diff (per-metric verdicts, fail-on rules).
 */
import type { Diff, DiffRow } from '../diff/types.js';
import type { Summary } from '../result/histogram.js';
import type { Result } from '../result/result.js';
import {
  formatActual, formatConfidence, formatDelta, formatFailOnChange, formatInterval, formatValue,
} from './format.js';
import { asyncLine, asyncRows, logsLine } from './starts.js';

const PASS = '✅';
const FAIL = '❌';

function table(head: string[], rows: string[][], align?: string[]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${(align ?? head.map(() => '---')).join('|')}|`, ...rows.map(line)].join('\n');
}

const right = (n: number, left = 1): string[] => [...Array<string>(left).fill(':---'), ...Array<string>(n - left).fill('---:')];
const ms = (x: number): string => formatValue('time', x);
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : '-');

export function resultMarkdown(r: Result): string {
  const failed = r.thresholds.filter((t) => !t.pass).length;
  const gate = r.thresholds.length === 0 ? '' : failed === 0 ? ` ${PASS} all ${r.thresholds.length} thresholds pass` : ` ${FAIL} ${failed} of ${r.thresholds.length} thresholds failed`;
  const out = [`### coldbench: ${r.name} (${r.status})${gate}`, ''];
  const c = r.counts;
  out.push(table(
    ['sent', 'ok', 'errors', 'throttled', 'dropped', 'rate achieved'],
    [[String(c.sent), String(c.ok), `${c.errors} (${pct(c.errors, c.sent)})`, `${c.throttles} (${pct(c.throttles, c.sent)})`, String(c.dropped), `${r.rate.achieved.toFixed(1)}/s`]],
    right(6, 0),
  ), '');
  const latency: [string, Summary | null][] = [['all', r.latency.all], ['warm', r.latency.warm], ['cold', r.latency.cold], ['init', r.init]];
  const rows = latency.filter(([, s]) => s !== null && s.count > 0).map(([label, s]) => [label, String(s!.count), ...[s!.p50, s!.p90, s!.p99, s!.max].map(ms)]);
  out.push(table(['latency', 'count', 'p50', 'p90', 'p99', 'max'], rows, right(6)), '');
  if (r.coldStartRate !== null || r.cost !== null) {
    out.push(`Cold starts: ${c.cold} (${r.coldStartRate === null ? '-' : formatValue('rate', r.coldStartRate)})` +
      (r.cost === null ? '' : ` · cost per 1M invocations: ${formatValue('usd', r.cost.per1M)}`), '');
  }
  const asyncTimes = asyncRows(r);
  if (asyncTimes.length > 0) out.push(table(['async', 'p50', 'p99', 'max'], asyncTimes, right(4)), '');
  for (const line of [logsLine(r), asyncLine(r)]) if (line !== undefined) out.push(`${line[0]!.toUpperCase()}${line.slice(1)}.`, '');
  if (r.thresholds.length > 0) {
    out.push(table(['', 'threshold', 'actual'], r.thresholds.map((t) => [t.pass ? PASS : FAIL, `\`${t.rule}\``, formatActual(t)]), [':---:', ':---', '---:']), '');
  }
  for (const w of r.warnings) out.push(`> warning: ${w}`);
  return out.join('\n').trimEnd() + '\n';
}

const VERDICT: Record<DiffRow['verdict'], string> = { better: '**better**', worse: '**worse**', '~': '~', 'n/a': 'n/a' };

export function diffMarkdown(d: Diff): string {
  const failed = d.failOn.filter((v) => !v.pass).length;
  const gate = d.failOn.length === 0 ? '' : failed === 0 ? ` ${PASS} no regression` : ` ${FAIL} ${failed} regression${failed === 1 ? '' : 's'}`;
  const side = (s: Diff['base']): string => `${s.names.join(', ')} (${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.sent} requests)`;
  const out = [`### coldbench diff: ${side(d.base)} → ${side(d.candidate)}${gate}`, ''];
  out.push(table(
    ['metric', 'base', 'candidate', 'change', `interval (${formatConfidence(1 - d.alphaPerMetric)})`, 'verdict'],
    d.rows.map((r) => [r.metric, formatValue(r.kind, r.base), formatValue(r.kind, r.candidate), formatDelta(r), formatInterval(r), r.note === undefined ? VERDICT[r.verdict] : `${VERDICT[r.verdict]}: ${r.note}`]),
    right(6),
  ), '');
  out.push(`~ = not significant. ${d.tested} metrics tested at ${formatConfidence(d.confidence)} family-wise confidence (Bonferroni: each at ${formatConfidence(1 - d.alphaPerMetric)}); seed ${d.seed}.`, '');
  if (d.failOn.length > 0) {
    const sig = (v: { significant: boolean | null; tested: boolean }): string => (v.significant === null ? 'exact' : !v.tested ? 'not tested (too few samples)' : v.significant ? 'yes' : 'no');
    out.push(table(
      ['', `fail-on${d.strict ? ' (strict)' : ''}`, 'change', 'significant'],
      d.failOn.map((v) => [v.pass ? PASS : FAIL, `\`${v.rule}\``, formatFailOnChange(v), sig(v)]),
      [':---:', ':---', '---:', ':---'],
    ), '');
  }
  for (const w of d.warnings) out.push(`> warning: ${w}`);
  return out.join('\n').trimEnd() + '\n';
}
