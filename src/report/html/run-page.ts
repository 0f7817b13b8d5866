/**
 * The HTML report of one run: the headline strip, the charts (requests per second, latency over
 * time, the percentile spectrum, the warm/cold histogram, the cold-start strip), the tables
 * (thresholds, latency, errors and throttles) and the profile that ran.
 */
import { stringify } from 'yaml';
import { formatValue } from '../../gate/metrics.js';
import type { Summary } from '../../result/histogram.js';
import type { Result } from '../../result/result.js';
import { formatActual } from '../format.js';
import { figure, headline, section, statusBadge, table, warnings } from './blocks.js';
import type { FigureInput, HeadlineItem } from './blocks.js';
import type { ChartSpec } from './chart-spec.js';
import { html } from './escape.js';
import { renderPage } from './page.js';
import { asyncLine, decisionRows, logsLine } from '../starts.js';
import {
  coldStripFigure, histogramFigure, latencyOverTimeFigure, runHistograms, spectrumFigure, throughputFigure, timelineView,
} from './run-charts.js';

const ms = (x: number): string => formatValue('time', x);
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : '-');
const int = (n: number): string => n.toLocaleString('en-US');
const p50p99 = (s: Summary | null): string => (s === null || s.count === 0 ? '-' : `${ms(s.p50)} / ${ms(s.p99)}`);

export function renderRunHtml(r: Result): string {
  const figures = hasRequests(r) ? runFigures(r) : [];
  const body = [
    header(r),
    headline(headlineItems(r)),
    warnings(r.warnings),
    hasRequests(r)
      ? section('Charts', figures.map(figure).join('\n'))
      : section('Charts', `<p class="empty">No requests: ${r.counts.planned === 0 ? 'the profile planned none' : 'none was sent or completed'}, so there is nothing to draw.</p>`),
    thresholdsSection(r),
    section('Latency', latencyTable(r)),
    startsSection(r),
    outcomesSection(r),
    section('Profile', `<pre><code>${html(stringify(r.profile ?? {}))}</code></pre>`),
  ].filter((s) => s !== '').join('\n');
  return renderPage({ title: `coldbench: ${r.name}`, body, charts: figures.map((f) => f.chart).filter((c): c is ChartSpec => c !== null) });
}

/** How each start was decided, and how complete the join with the function's logs got: as the terminal summary says it. */
function startsSection(r: Result): string {
  const rows = decisionRows(r).map(([start, rule, n]) => [start, rule, int(n)]);
  const lines = [logsLine(r), asyncLine(r)].filter((l): l is string => l !== undefined).map((l) => `<p>${html(`${l[0]!.toUpperCase()}${l.slice(1)}.`)}</p>`);
  if (rows.length === 0 && lines.length === 0) return '';
  const decided = rows.length === 0 ? '' : table([{ head: 'start', text: true }, { head: 'decided by', text: true }, { head: 'count' }], rows);
  return section('Starts', [decided, ...lines].join('\n'));
}

/** A run with nothing sent, completed or dropped has no charts, only a note saying so. */
function hasRequests(r: Result): boolean {
  return r.counts.sent + r.counts.dropped > 0 && r.timeline.length > 0;
}

function runFigures(r: Result): FigureInput[] {
  const view = timelineView(r);
  const hs = runHistograms(r);
  return [
    throughputFigure(r, view),
    latencyOverTimeFigure(view),
    spectrumFigure('chart-spectrum', 'Percentile spectrum', hs,
      ' Latency at each percentile, HdrHistogram style: the x axis is 1/(1-p) on a log scale, so p99 and p99.9 get as much room as p50; each curve ends at the highest percentile its request count can tell. Latency is from the planned instant; init is the REPORT line\'s Init Duration.'),
    histogramFigure(r, hs),
    coldStripFigure(r),
  ];
}

function header(r: Result): string {
  const target = r.target.kind === 'lambda' ? `Lambda ${r.target.function ?? ''}` : `HTTP ${r.target.url ?? ''}`;
  const config = [r.target.memorySizeMB !== undefined ? `${r.target.memorySizeMB} MB` : '', r.target.architecture ?? ''].filter((s) => s !== '').join(', ');
  const meta = [
    `${target}${config === '' ? '' : ` (${config})`}`,
    `started ${r.startedAt}`,
    `ran ${ms(r.durationMs)}`,
    `coldbench ${r.tool.version}, Node ${r.tool.node}`,
  ];
  return `<header>\n<h1>coldbench: ${html(r.name)} ${statusBadge(r.status)}</h1>\n<p class="meta">${meta.map(html).join(' · ')}</p>\n</header>`;
}

function headlineItems(r: Result): HeadlineItem[] {
  const c = r.counts;
  const failed = r.thresholds.filter((t) => !t.pass).length;
  const classified = c.warm + c.cold + c.proactive + c.unknown > 0;
  const items: HeadlineItem[] = [
    { label: 'status', value: r.status, tone: r.status === 'completed' ? 'pass' : r.status === 'interrupted' ? 'warn' : 'fail' },
    { label: 'requests sent', value: c.planned === c.sent ? int(c.sent) : `${int(c.sent)} of ${int(c.planned)}` },
    { label: 'success', value: `${pct(c.ok, c.sent)} (${int(c.ok)})` },
    { label: 'errors', value: `${int(c.errors)} (${pct(c.errors, c.sent)})`, ...(c.errors > 0 && { tone: 'fail' as const }) },
    { label: 'throttled', value: `${int(c.throttles)} (${pct(c.throttles, c.sent)})`, ...(c.throttles > 0 && { tone: 'warn' as const }) },
    { label: 'dropped', value: int(c.dropped), ...(c.dropped > 0 && { tone: 'warn' as const }) },
    {
      label: 'cold starts',
      value: classified ? `${int(c.cold)} (${r.coldStartRate === null ? '-' : formatValue('rate', r.coldStartRate)})` : 'no data',
    },
    { label: 'warm p50 / p99', value: p50p99(r.latency.warm) },
    { label: 'cold p50 / p99', value: p50p99(r.latency.cold) },
    { label: 'init p50 / p99', value: p50p99(r.init) },
    { label: 'cost per 1M', value: r.cost === null ? '-' : formatValue('usd', r.cost.per1M) },
    {
      label: 'thresholds',
      value: r.thresholds.length === 0 ? 'none' : failed === 0 ? `all ${r.thresholds.length} pass` : `${failed} of ${r.thresholds.length} fail`,
      ...(r.thresholds.length > 0 && { tone: failed === 0 ? 'pass' as const : 'fail' as const }),
    },
  ];
  if (!classified) items.splice(7, 3, { label: 'all p50 / p99', value: p50p99(r.latency.all) });
  return items;
}

function thresholdsSection(r: Result): string {
  if (r.thresholds.length === 0) return '';
  const rows = r.thresholds.map((t) => [t.pass ? 'pass' : 'FAIL', t.rule, formatActual(t)]);
  return section('Thresholds', table([{ head: 'result', text: true }, { head: 'rule', text: true }, { head: 'actual' }], rows));
}

function latencyTable(r: Result): string {
  const groups: [string, Summary | null | undefined][] = [
    ['all', r.latency.all], ['ok', r.latency.ok], ['warm', r.latency.warm], ['cold', r.latency.cold], ['init', r.init],
    ['billed', r.billed], ['service time', r.serviceTime], ['schedule lag', r.scheduleLag],
  ];
  const rows = groups
    .filter((g): g is [string, Summary] => g[1] !== null && g[1] !== undefined && g[1].count > 0)
    .map(([label, s]) => [label, s.count, s.min, s.mean, s.p50, s.p90, s.p95, s.p99, s.p999, s.max]);
  if (rows.length === 0) return '<p class="empty">No request completed.</p>';
  const cols = ['count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'].map((h, i) => ({ head: i === 0 ? h : `${h} (ms)` }));
  return table([{ head: 'latency', text: true }, ...cols], rows, 'Latency from the planned instant (service time from the actual send), in ms.');
}

function outcomesSection(r: Result): string {
  const rows = [
    ...Object.entries(r.errors).map(([k, n]) => ['error', k, n] as const),
    ...Object.entries(r.throttles).map(([k, n]) => ['throttle', k, n] as const),
  ].sort((a, b) => b[2] - a[2]);
  const content = rows.length === 0
    ? '<p>No errors and no throttles.</p>'
    : table([{ head: 'outcome', text: true }, { head: 'class or reason', text: true }, { head: 'count' }, { head: 'share of sent' }], rows.map(([o, k, n]) => [o, k, n, pct(n, r.counts.sent)]));
  return section('Errors and throttles', content);
}
