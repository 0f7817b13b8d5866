/**
 * The HTML report of a keep-alive sweep, from its result file alone: P(cold | gap) with its
 * confidence band and the estimated keep-alive, the init duration after each gap, and the table.
 */
import { stringify } from 'yaml';
import type { SweepResult } from '../../experiments/sweep/types.js';
import { keepAliveLine } from '../../experiments/sweep/render.js';
import { formatValue } from '../../gate/metrics.js';
import { formatDuration } from '../../util/duration.js';
import { figure, headline, round3, section, statusBadge, table, warnings } from './blocks.js';
import type { FigureInput } from './blocks.js';
import type { ChartSpec } from './chart-spec.js';
import { html } from './escape.js';
import { renderPage } from './page.js';

export function renderSweepHtml(r: SweepResult): string {
  const measured = r.gaps.filter((g) => g.pCold !== null && g.interval !== null);
  const figures = [curveFigure(r), initFigure(r)];
  const level = `${Math.round(r.confidence * 100)}%`;
  const k = r.keepAlive;
  const body = [
    `<header>\n<h1>coldbench keep-alive sweep: ${html(r.name)} ${statusBadge(r.status)}</h1>`,
    `<p class="meta">${html(`${r.gaps.length} gaps x ${r.samples} samples on ${r.target.local ? 'the built-in emulator' : r.target.functions.join(', ')} · started ${r.startedAt} · coldbench ${r.tool.version}, Node ${r.tool.node}`)}</p>\n</header>`,
    headline([
      { label: 'keep-alive (P = 50%)', value: k.estimateMs === null ? 'not reached' : formatDuration(Math.round(k.estimateMs)) },
      { label: `${level} interval`, value: `${k.lowMs === null ? '≤ shortest' : formatDuration(Math.round(k.lowMs))} to ${k.highMs === null ? '> longest' : formatDuration(Math.round(k.highMs))}` },
      { label: 'gaps measured', value: `${measured.length} of ${r.gaps.length}`, ...(measured.length < r.gaps.length && { tone: 'warn' as const }) },
      { label: 'invocations', value: String(r.cost.invocations) },
      { label: 'cost', value: formatValue('usd', r.cost.total) },
    ]),
    warnings(r.warnings),
    `<p>${html(keepAliveLine(r))}. ${html(k.note)}.</p>`,
    section('Charts', figures.map(figure).join('\n')),
    section('Gaps', gapsTable(r)),
    section('Method', `<p>${html(k.method)}.</p>`),
    section('Profile', `<pre><code>${html(stringify(r.profile ?? {}))}</code></pre>`),
  ].filter((s) => s !== '').join('\n');
  return renderPage({ title: `coldbench sweep: ${r.name}`, body, charts: figures.map((f) => f.chart).filter((c): c is ChartSpec => c !== null) });
}

function curveFigure(r: SweepResult): FigureInput {
  const points = r.gaps.filter((g) => g.pCold !== null && g.interval !== null);
  const k = r.keepAlive;
  const level = `${Math.round(r.confidence * 100)}%`;
  const chart: ChartSpec = {
    id: 'chart-sweep-curve',
    height: 300,
    x: { label: 'idle gap', unit: 'ms', splits: points.map((g) => g.gapMs) },
    y: { label: 'P(cold | gap)', unit: 'share', min: 0 },
    series: [
      { label: 'P(cold)', color: 'c-cold', style: 'line', spanGaps: true },
      { label: `${level} upper`, color: 'c-p90', style: 'dash', spanGaps: true },
      { label: `${level} lower`, color: 'c-p50', style: 'dot', spanGaps: true },
      { label: 'gap measured', color: 'c-cold', style: 'points' },
    ],
    data: [
      points.map((g) => g.gapMs),
      points.map((g) => round3(g.pCold!)),
      points.map((g) => round3(g.interval!.high)),
      points.map((g) => round3(g.interval!.low)),
      points.map((g) => round3(g.pCold!)),
    ],
    ...(k.estimateMs !== null && { ticks: { xs: [k.estimateMs], color: 'c-cold' } }),
    ...(k.estimateMs !== null && { labels: [{ x: k.estimateMs, y: 0.5, text: `keep-alive ${formatDuration(Math.round(k.estimateMs))}` }] }),
  };
  return {
    id: chart.id,
    title: 'P(cold) after each idle gap',
    caption: ` The share of probe invocations that found their environment gone (cold or proactive) after each gap, with the ${level} Wilson interval (dashed: upper bound, dotted: lower bound). The keep-alive mark is where the curve first reaches 50%, on straight lines between gaps.`,
    chart: points.length === 0 ? null : chart,
    emptyText: 'No gap was measured.',
    columns: [{ head: 'gap (ms)' }, { head: 'P(cold)' }, { head: 'lower' }, { head: 'upper' }, { head: 'cold' }, { head: 'classified' }],
    rows: points.map((g) => [g.gapMs, round3(g.pCold!), round3(g.interval!.low), round3(g.interval!.high), g.newEnvironments, g.classified]),
  };
}

function initFigure(r: SweepResult): FigureInput {
  const points = r.gaps.filter((g) => g.init !== null);
  const chart: ChartSpec = {
    id: 'chart-sweep-init',
    height: 240,
    x: { label: 'idle gap', unit: 'ms', splits: points.map((g) => g.gapMs) },
    y: { label: 'init duration', unit: 'ms', min: 0 },
    series: [
      { label: 'init p50', color: 'c-init', style: 'line', spanGaps: true },
      { label: 'init max', color: 'c-p99', style: 'dash', spanGaps: true },
    ],
    data: [points.map((g) => g.gapMs), points.map((g) => round3(g.init!.p50)), points.map((g) => round3(g.init!.max))],
  };
  return {
    id: chart.id,
    title: 'Init duration after each gap',
    caption: ' The REPORT line\'s Init Duration of the probe invocations that started a new environment: p50 (solid) and max (dashed).',
    chart: points.length === 0 ? null : chart,
    emptyText: 'No probe started a new environment: there is no init duration to draw.',
    columns: [{ head: 'gap (ms)' }, { head: 'inits' }, { head: 'p50 (ms)' }, { head: 'max (ms)' }],
    rows: points.map((g) => [g.gapMs, g.init!.count, round3(g.init!.p50), round3(g.init!.max)]),
  };
}

function gapsTable(r: SweepResult): string {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  return table(
    [
      { head: 'gap' }, { head: 'function', text: true }, { head: 'status', text: true }, { head: 'measured gap (ms)' }, { head: 'cold' }, { head: 'proactive' },
      { head: 'warm' }, { head: 'unknown' }, { head: 'errors' }, { head: 'throttles' }, { head: 'P(cold)' }, { head: 'interval' }, { head: 'warm-up spread (ms)' },
    ],
    r.gaps.map((g) => [
      formatDuration(g.gapMs), g.function, g.status, g.measuredGapMs, g.probe?.cold ?? null, g.probe?.proactive ?? null, g.probe?.warm ?? null,
      g.probe?.unknown ?? null, g.probe?.errors ?? null, g.probe?.throttles ?? null, pct(g.pCold),
      g.interval === null ? null : `${pct(g.interval.low)} - ${pct(g.interval.high)}`, g.warmup.spreadMs,
    ]),
  );
}
