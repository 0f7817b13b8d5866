/** A sweep as a terminal table, with the keep-alive line under it. */
import Table from 'cli-table3';
import { formatValue } from '../../gate/metrics.js';
import { formatDuration } from '../../util/duration.js';
import type { SweepResult } from './types.js';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : formatValue('time', x));

export function renderSweep(r: SweepResult): string {
  const level = `${Math.round(r.confidence * 100)}%`;
  const table = new Table({
    head: ['gap', 'function', 'measured gap', 'cold / classified', 'P(cold)', `${level} interval`, 'init p50', 'init max', 'warm-up spread'],
    style: { head: [], border: [] },
  });
  for (const g of r.gaps) {
    table.push([
      formatDuration(g.gapMs),
      g.function,
      ms(g.measuredGapMs),
      g.probe === null ? g.status : `${g.newEnvironments} / ${g.classified}${g.probe.proactive > 0 ? ` (${g.probe.proactive} proactive)` : ''}`,
      pct(g.pCold),
      g.interval === null ? '-' : `${pct(g.interval.low)} - ${pct(g.interval.high)}`,
      ms(g.init?.p50),
      ms(g.init?.max),
      ms(g.warmup.spreadMs),
    ]);
  }
  const lines = [`${r.name}: keep-alive sweep ${r.status}, ${r.gaps.length} gaps x ${r.samples} samples on ${r.target.local ? 'the built-in emulator' : r.target.functions.join(', ')}`, table.toString(), keepAliveLine(r)];
  lines.push(`${r.cost.invocations} invocations, ${r.cost.gbSeconds.toFixed(3)} GB-s, $${r.cost.total.toFixed(6)}${r.target.local ? ' at Lambda prices (the emulator bills nothing)' : ''}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function keepAliveLine(r: SweepResult): string {
  const k = r.keepAlive;
  const level = `${Math.round(r.confidence * 100)}%`;
  const bound = (x: number | null, side: 'low' | 'high'): string => (x !== null ? formatDuration(Math.round(x)) : side === 'low' ? 'the shortest gap or less' : 'beyond the longest gap');
  if (k.estimateMs === null) return `keep-alive: not within the gaps measured (${k.note}); ${level} interval ${bound(k.lowMs, 'low')} to ${bound(k.highMs, 'high')}`;
  return `keep-alive (P(cold) = 50%): ${formatDuration(Math.round(k.estimateMs))}, ${level} interval ${bound(k.lowMs, 'low')} to ${bound(k.highMs, 'high')}`;
}

/** The gaps as a Markdown table (a pull-request comment, a step summary). */
export function sweepMarkdown(r: SweepResult): string {
  const level = `${Math.round(r.confidence * 100)}%`;
  const out = [`### coldbench keep-alive sweep: ${r.name} (${r.status})`, '', `| gap | function | cold / classified | P(cold) | ${level} interval | init p50 |`, '|---:|:---|---:|---:|---:|---:|'];
  for (const g of r.gaps) {
    out.push(`| ${formatDuration(g.gapMs)} | ${g.function} | ${g.newEnvironments} / ${g.classified} | ${pct(g.pCold)} | ${g.interval === null ? '-' : `${pct(g.interval.low)} - ${pct(g.interval.high)}`} | ${ms(g.init?.p50)} |`);
  }
  out.push('', keepAliveLine(r));
  for (const w of r.warnings) out.push(`> warning: ${w}`);
  return out.join('\n') + '\n';
}
