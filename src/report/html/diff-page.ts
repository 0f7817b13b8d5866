/**
 * The HTML report of a diff: the --fail-on outcome on top, both sides' percentile spectra
 * overlaid (from their pooled histograms), and the verdict table with its intervals and `~`.
 */
import type { Diff } from '../../diff/types.js';
import type { Result } from '../../result/result.js';
import { pooledHistogram } from '../distribution.js';
import { formatConfidence, formatDelta, formatFailOnChange, formatInterval, formatValue } from '../format.js';
import { figure, section, table, warnings } from './blocks.js';
import type { ChartSpec } from './chart-spec.js';
import { html } from './escape.js';
import { renderPage } from './page.js';
import { spectrumFigure } from './run-charts.js';
import type { NamedHistogram } from './run-charts.js';

export interface DiffHtmlSides {
  base: readonly Result[];
  candidate: readonly Result[];
}

const GROUPS = [
  { name: 'all', color: 'c-all' },
  { name: 'warm', color: 'c-warm' },
  { name: 'cold', color: 'c-cold' },
  { name: 'init', color: 'c-init' },
] as const;

export function renderDiffHtml(d: Diff, sides: DiffHtmlSides): string {
  const spectra = spectrumFigure('chart-diff-spectrum', 'Percentile spectra, base and candidate', spectrumSeries(sides),
    ' Latency at each percentile for both sides (each side\'s runs pooled), on HdrHistogram\'s axis: x is 1/(1-p) on a log scale. Base is dashed, candidate solid; colours tell all, warm, cold and init apart.');
  const side = (s: Diff['base']): string => `${s.names.join(', ')} (${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.sent.toLocaleString('en-US')} requests)`;
  const body = [
    `<header>\n<h1>coldbench diff: ${html(d.base.names.join(', '))} → ${html(d.candidate.names.join(', '))}</h1>`,
    `<p class="meta">base: ${html(side(d.base))} · candidate: ${html(side(d.candidate))}</p>\n</header>`,
    failOnSection(d),
    warnings(d.warnings),
    section('Verdicts', verdictTable(d)),
    section('Distributions', figure(spectra)),
    section('Files', table([{ head: 'side', text: true }, { head: 'file', text: true }], [
      ...d.base.files.map((f) => ['base', f]), ...d.candidate.files.map((f) => ['candidate', f]),
    ])),
  ].filter((s) => s !== '').join('\n');
  const charts = [spectra.chart].filter((c): c is ChartSpec => c !== null);
  return renderPage({ title: `coldbench diff: ${d.base.names.join(', ')} vs ${d.candidate.names.join(', ')}`, body, charts });
}

function spectrumSeries(sides: DiffHtmlSides): NamedHistogram[] {
  const out: NamedHistogram[] = [];
  for (const g of GROUPS) {
    const base = pooledHistogram(sides.base.map((r) => r.histograms[g.name]));
    const candidate = pooledHistogram(sides.candidate.map((r) => r.histograms[g.name]));
    if (base === null && candidate === null) continue;
    out.push({ label: `base ${g.name}`, color: g.color, style: 'dash', h: base });
    out.push({ label: `candidate ${g.name}`, color: g.color, style: 'line', h: candidate });
  }
  return out;
}

function failOnSection(d: Diff): string {
  if (d.failOn.length === 0) return section('Gate', '<p>No <code>--fail-on</code> rules were given: this diff gates nothing.</p>');
  const failed = d.failOn.filter((v) => !v.pass).length;
  const verdict = failed === 0
    ? `<p class="pass"><strong>No regression</strong>: all ${d.failOn.length} --fail-on rules pass${d.strict ? ' (strict)' : ''}.</p>`
    : `<p class="fail"><strong>${failed} regression${failed === 1 ? '' : 's'}</strong>: ${failed} of ${d.failOn.length} --fail-on rules failed${d.strict ? ' (strict)' : ''}.</p>`;
  const sig = (s: boolean | null): string => (s === null ? 'exact' : s ? 'yes' : 'no');
  const rows = d.failOn.map((v) => [v.pass ? 'pass' : 'FAIL', v.rule, formatFailOnChange(v), sig(v.significant)]);
  return section('Gate', verdict + table([{ head: 'result', text: true }, { head: 'rule', text: true }, { head: 'change' }, { head: 'significant', text: true }], rows));
}

function verdictTable(d: Diff): string {
  const rows = d.rows.map((r) => [
    r.metric, formatValue(r.kind, r.base), formatValue(r.kind, r.candidate), formatDelta(r), formatInterval(r),
    r.note === undefined ? r.verdict : `${r.verdict}: ${r.note}`,
  ]);
  const legend = `<p>~ = not significant. ${d.tested} metrics tested at ${formatConfidence(d.confidence)} family-wise confidence (Bonferroni: each at ${formatConfidence(1 - d.alphaPerMetric)}); seed ${d.seed}.</p>`;
  return table([
    { head: 'metric', text: true }, { head: 'base' }, { head: 'candidate' }, { head: 'change' },
    { head: `interval (${formatConfidence(1 - d.alphaPerMetric)})` }, { head: 'verdict', text: true },
  ], rows) + legend;
}
