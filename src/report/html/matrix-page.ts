/**
 * The HTML report of a configuration matrix, from the matrix result file alone: Power Tuning's
 * view (memory on x; warm p50 / p99 and cold p50 on the left axis, cost per 1M on the right; one
 * set of lines per architecture, function and environment), a cost-vs-p99 scatter with the
 * Pareto front and the fastest / cheapest / balanced marks, and the comparison table.
 */
import type { ComparisonRow } from '../../matrix/compare.js';
import type { MatrixResult } from '../../matrix/matrix-result.js';
import { HEADERS, formatCell, restoreLines } from '../../matrix/render.js';
import { figure, section, statusBadge, table } from './blocks.js';
import type { FigureInput } from './blocks.js';
import type { ChartSpec, SeriesSpec } from './chart-spec.js';
import { html } from './escape.js';
import { renderPage } from './page.js';

const PALETTE = ['c-s1', 'c-s2', 'c-s3', 'c-s4', 'c-s5', 'c-s6'];
const value = (row: ComparisonRow, m: keyof ComparisonRow['cells']): number | null => row.cells[m].value;

export function renderMatrixHtml(m: MatrixResult): string {
  const figures = [memoryFigure(m.comparison.rows), paretoFigure(m.comparison.rows)];
  const c = m.comparison;
  const choices = [
    c.fastest !== null ? `fastest: ${c.fastest}` : '', c.cheapest !== null ? `cheapest: ${c.cheapest}` : '', c.balanced !== null ? `balanced: ${c.balanced}` : '',
  ].filter((s) => s !== '');
  const restore = restoreLines(m);
  const body = [
    `<header>\n<h1>coldbench matrix: ${html(m.name)} ${statusBadge(m.status)}</h1>`,
    `<p class="meta">${html(`${m.configurations.length} configurations · started ${m.startedAt} · coldbench ${m.tool.version}, Node ${m.tool.node}`)}</p>\n</header>`,
    choices.length === 0 ? '' : `<p><strong>${choices.map(html).join(' · ')}</strong></p>`,
    restore.length === 0 ? '' : `<pre class="${m.restore.ok ? 'pass' : 'fail'}">${html(restore.join('\n'))}</pre>`,
    section('Charts', figures.map(figure).join('\n')),
    section('Comparison', comparisonTable(m)),
  ].filter((s) => s !== '').join('\n');
  const charts = figures.map((f) => f.chart).filter((x): x is ChartSpec => x !== null);
  return renderPage({ title: `coldbench matrix: ${m.name}`, body, charts });
}

/** Everything but the memory: the rows that one set of lines joins. */
function lineKey(row: ComparisonRow, rows: readonly ComparisonRow[]): string {
  const varies = (f: (r: ComparisonRow) => string | undefined): boolean => new Set(rows.map(f)).size > 1;
  const parts = [
    varies((r) => r.function) ? row.function : '',
    row.architecture ?? '',
    varies((r) => r.environment) ? `env ${row.environment ?? ''}` : '',
  ].filter((s) => s !== '');
  return parts.length === 0 ? row.function : parts.join(' ');
}

function memoryFigure(rows: readonly ComparisonRow[]): FigureInput {
  const sized = rows.filter((r) => r.memoryMB !== undefined);
  const memories = [...new Set(sized.map((r) => r.memoryMB!))].sort((a, b) => a - b);
  const keys = [...new Set(sized.map((r) => lineKey(r, sized)))];
  const series: SeriesSpec[] = [];
  const data: (number | null)[][] = [memories];
  keys.forEach((key, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const at = (mb: number): ComparisonRow | undefined => sized.find((r) => r.memoryMB === mb && lineKey(r, sized) === key);
    const metric = (label: string, style: SeriesSpec['style'], m: keyof ComparisonRow['cells'], right = false): void => {
      series.push({ label: `${key} ${label}`, color, style, spanGaps: true, ...(right && { right }) });
      data.push(memories.map((mb) => { const r = at(mb); return r === undefined ? null : value(r, m); }));
    };
    metric('warm p50', 'line', 'warm.p50');
    metric('warm p99', 'dash', 'warm.p99');
    metric('cold p50', 'dot', 'cold.p50');
    metric('$ / 1M', 'dashdot', 'cost.per1M', true);
  });
  const chart: ChartSpec = {
    id: 'chart-matrix-memory', height: 300,
    x: { label: 'memory (MB)', unit: 'mb', log: true, splits: memories },
    y: { label: 'latency', unit: 'ms', log: true },
    y2: { label: 'cost per 1M invocations', unit: 'usd', min: 0 },
    series, data,
  };
  return {
    id: chart.id,
    title: 'Latency and cost by memory',
    caption: ` For each memory size: warm p50 (solid), warm p99 (dashed) and cold p50 (dotted) on the left, log-scaled axis; cost per 1M invocations (dash-dot) on the right. One colour per ${keys.length > 1 ? 'architecture, function or environment' : 'configuration line'}.`,
    chart: memories.length < 2 ? null : chart,
    emptyText: 'The matrix does not vary memory: see the scatter and the table.',
    columns: [{ head: 'configuration', text: true }, { head: 'memory (MB)' }, { head: 'line', text: true }, { head: 'warm p50 (ms)' }, { head: 'warm p99 (ms)' }, { head: 'cold p50 (ms)' }, { head: '$ / 1M' }],
    rows: sized.map((r) => [r.id, r.memoryMB!, lineKey(r, sized), value(r, 'warm.p50'), value(r, 'warm.p99'), value(r, 'cold.p50'), value(r, 'cost.per1M')]),
  };
}

/** The configurations no other beats on both cost and warm p99 (lower is better for both). */
export function paretoFront(points: readonly { id: string; cost: number; p99: number }[]): Set<string> {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || a.p99 - b.p99);
  const front = new Set<string>();
  let best = Infinity;
  for (const p of sorted) {
    if (p.p99 < best) {
      front.add(p.id);
      best = p.p99;
    }
  }
  return front;
}

function paretoFigure(rows: readonly ComparisonRow[]): FigureInput {
  const points = rows
    .map((r) => ({ id: r.id, cost: value(r, 'cost.per1M'), p99: value(r, 'warm.p99'), marks: r.marks }))
    .filter((p): p is { id: string; cost: number; p99: number; marks: ComparisonRow['marks'] } => p.cost !== null && p.p99 !== null)
    .sort((a, b) => a.cost - b.cost || a.p99 - b.p99);
  const front = paretoFront(points);
  const chart: ChartSpec = {
    id: 'chart-matrix-pareto', height: 300,
    x: { label: 'cost per 1M invocations (log scale)', unit: 'usd', log: true },
    y: { label: 'warm p99 (log scale)', unit: 'ms', log: true },
    series: [
      { label: 'configuration', color: 'c-s1', style: 'points' },
      { label: 'Pareto front', color: 'c-s2', style: 'dash', spanGaps: true },
    ],
    data: [points.map((p) => p.cost), points.map((p) => p.p99), points.map((p) => (front.has(p.id) ? p.p99 : null))],
    labels: points.map((p) => ({ x: p.cost, y: p.p99, text: p.marks.length === 0 ? p.id : `${p.id} (${p.marks.join(', ')})` })),
  };
  return {
    id: chart.id,
    title: 'Cost against warm p99',
    caption: ' Each configuration by its cost per 1M invocations and its warm p99; the dashed line joins the Pareto front, the configurations no other beats on both. Fastest (lowest warm p50), cheapest and balanced are named beside their points.',
    chart: points.length === 0 ? null : chart,
    emptyText: 'No configuration has both a cost and a warm p99 (an HTTP target has no cost).',
    columns: [{ head: 'configuration', text: true }, { head: '$ / 1M' }, { head: 'warm p99 (ms)' }, { head: 'on the front', text: true }, { head: 'marks', text: true }],
    rows: points.map((p) => [p.id, p.cost, p.p99, front.has(p.id) ? 'yes' : 'no', p.marks.join(', ')]),
  };
}

function comparisonTable(m: MatrixResult): string {
  const c = m.comparison;
  const rows = c.rows.map((r) => [r.marks.length === 0 ? r.id : `${r.id} (${r.marks.join(', ')})`, ...c.metrics.map((x) => formatCell(x, r.cells[x]))]);
  const legend = `<p>* significantly worse than the best, ~ not significant (${c.tested} differences tested, ${(c.confidence * 100).toFixed(0)}% family-wise confidence). ${html(c.notes.join('. '))}.</p>`;
  return table([{ head: 'configuration', text: true }, ...c.metrics.map((x) => ({ head: HEADERS[x] }))], rows) + legend;
}
