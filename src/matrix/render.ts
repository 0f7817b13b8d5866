/**
 * The comparison as a terminal table (cli-table3), Markdown and JSON. Each cell shows the value,
 * and for all but the column's best, the difference from the best with its verdict:
 * `*` significantly worse, `~` not significant (the statistics of `diff`).
 */
import Table from 'cli-table3';
import { formatValue } from '../gate/metrics.js';
import type { MetricKind } from '../gate/metrics.js';
import type { Cell, Comparison, ComparedMetric, ComparisonRow } from './compare.js';
import type { MatrixResult } from './matrix-result.js';

export const HEADERS: Record<ComparedMetric, string> = {
  'warm.p50': 'warm p50', 'warm.p99': 'warm p99', 'cold.p50': 'cold p50', 'cold.p99': 'cold p99',
  'init.p50': 'init p50', 'cold.rate': 'cold rate', 'errors.rate': 'errors', 'throttles.rate': 'throttles',
  'cost.per1M': '$ / 1M',
};

export function kindOf(m: ComparedMetric): MetricKind {
  return m === 'cost.per1M' ? 'usd' : m.endsWith('.rate') ? 'rate' : 'time';
}

/** `12.3 ms`, `14.1 ms +14.6% *` (worse), `13.0 ms +5.7% ~` (not significant). */
export function formatCell(m: ComparedMetric, cell: Cell): string {
  if (cell.value === null) return '-';
  const value = formatValue(kindOf(m), cell.value);
  if (cell.best) return `${value} (best)`;
  const change = cell.deltaPct === null || cell.deltaPct === undefined ? '' : ` +${cell.deltaPct.toFixed(1)}%`;
  const tag = cell.verdict === 'worse' ? ' *' : cell.verdict === '~' ? ' ~' : '';
  return `${value}${change}${tag}`;
}

function label(row: ComparisonRow): string {
  return row.marks.length === 0 ? row.id : `${row.id} [${row.marks.join(', ')}]`;
}

function legend(c: Comparison): string {
  return `* significantly worse than the best, ~ not significant (${c.tested} differences tested, ${(c.confidence * 100).toFixed(0)}% family-wise confidence). ${c.notes.join('. ')}.`;
}

export function renderComparisonTable(c: Comparison): string {
  const table = new Table({ head: ['configuration', ...c.metrics.map((m) => HEADERS[m])], style: { head: [], border: [] } });
  for (const row of c.rows) table.push([label(row), ...c.metrics.map((m) => formatCell(m, row.cells[m]))]);
  return `${table.toString()}\n${legend(c)}`;
}

export function renderMatrixSummary(m: MatrixResult): string {
  const out = [`${m.name}: matrix ${m.status}, ${m.configurations.length} configurations`, renderComparisonTable(m.comparison)];
  out.push(...choices(m.comparison));
  // A failed restore is for the caller to show where it cannot be missed (stderr, even with --quiet).
  if (m.restore.ok) out.push(...restoreLines(m));
  return out.join('\n');
}

function choices(c: Comparison): string[] {
  return [
    c.fastest !== null ? `fastest: ${c.fastest}` : undefined,
    c.cheapest !== null ? `cheapest: ${c.cheapest}` : undefined,
    c.balanced !== null ? `balanced: ${c.balanced}` : undefined,
  ].filter((line): line is string => line !== undefined);
}

/** What the user must do when restoring failed (the exact commands), else one line. */
export function restoreLines(m: MatrixResult): string[] {
  if (m.restore.functions.length === 0) return [];
  if (m.restore.ok) return [`original configuration restored (${m.restore.functions.map((f) => f.function).join(', ')})`];
  return m.restore.functions
    .filter((f) => !f.ok)
    .flatMap((f) => [`error: could not restore ${f.function}: ${f.error ?? 'unknown error'}`, 'restore it by hand:', f.command ?? '']);
}

export function comparisonMarkdown(m: MatrixResult): string {
  const c = m.comparison;
  const line = (cells: string[]): string => `| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  const out = [`### coldbench matrix: ${m.name} (${m.status})`, ''];
  out.push(line(['configuration', ...c.metrics.map((x) => HEADERS[x])]));
  out.push(`|:---|${c.metrics.map(() => '---:').join('|')}|`);
  for (const row of c.rows) {
    const name = row.marks.length === 0 ? row.id : `**${row.id}** (${row.marks.join(', ')})`;
    out.push(line([name, ...c.metrics.map((x) => (row.cells[x].best ? `**${formatValue(kindOf(x), row.cells[x].value!)}**` : formatCell(x, row.cells[x])))]));
  }
  out.push('', legend(c), '');
  for (const choice of choices(c)) out.push(`- ${choice}`);
  if (!m.restore.ok) out.push('', ...restoreLines(m).map((l) => `> ${l}`));
  return out.join('\n').trimEnd() + '\n';
}

export function comparisonJson(m: MatrixResult): string {
  return JSON.stringify(m, null, 2);
}
