/**
 * The comparison as a terminal table (cli-table3), Markdown and JSON. Each cell shows the value,
 * and for all but the column's best, the difference from the best with its verdict:
 * `*` significantly worse, `~` not significant (the statistics of `diff`).
 */
import Table from 'cli-table3';
import { formatValue } from '../gate/metrics.js';
import { formatActual } from '../report/format.js';
import { junit } from '../report/junit.js';
import type { JunitCase } from '../report/junit.js';
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

/** `pass`, or the rules the configuration failed; undefined when the profile has no thresholds. */
function thresholdCell(row: ComparisonRow): string | undefined {
  if (row.thresholds.length === 0) return undefined;
  const failed = row.thresholds.filter((t) => !t.pass).map((t) => t.rule);
  return failed.length === 0 ? 'pass' : `failed: ${failed.join('; ')}`;
}

const hasThresholds = (c: Comparison): boolean => c.rows.some((r) => r.thresholds.length > 0);

export function renderComparisonTable(c: Comparison): string {
  const gates = hasThresholds(c);
  const table = new Table({ head: ['configuration', ...c.metrics.map((m) => HEADERS[m]), ...(gates ? ['thresholds'] : [])], style: { head: [], border: [] } });
  for (const row of c.rows) {
    table.push([label(row), ...c.metrics.map((m) => formatCell(m, row.cells[m])), ...(gates ? [thresholdCell(row) ?? '-'] : [])]);
  }
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
  const gates = hasThresholds(c);
  out.push(line(['configuration', ...c.metrics.map((x) => HEADERS[x]), ...(gates ? ['thresholds'] : [])]));
  out.push(`|:---|${c.metrics.map(() => '---:').join('|')}${gates ? '|:---' : ''}|`);
  for (const row of c.rows) {
    const name = row.marks.length === 0 ? row.id : `**${row.id}** (${row.marks.join(', ')})`;
    const cells = c.metrics.map((x) => (row.cells[x].best ? `**${formatValue(kindOf(x), row.cells[x].value!)}**` : formatCell(x, row.cells[x])));
    const gate = thresholdCell(row);
    out.push(line([name, ...cells, ...(gates ? [gate === undefined ? '-' : gate === 'pass' ? '✅ pass' : `❌ ${gate}`] : [])]));
  }
  out.push('', legend(c), '');
  for (const choice of choices(c)) out.push(`- ${choice}`);
  if (!m.restore.ok) out.push('', ...restoreLines(m).map((l) => `> ${l}`));
  return out.join('\n').trimEnd() + '\n';
}

export function comparisonJson(m: MatrixResult): string {
  return JSON.stringify(m, null, 2);
}

/** JUnit XML: one test case per threshold of every configuration (and round), named after it. */
export function comparisonJunit(m: MatrixResult): string {
  const rounds = Math.max(1, ...m.configurations.map((c) => c.runs.length));
  const cases: JunitCase[] = m.configurations.flatMap((c) =>
    c.runs.flatMap((r) =>
      r.thresholds.map((t) => ({
        name: `${rounds > 1 ? `round ${r.round}: ` : ''}${t.rule}`,
        classname: `coldbench.${m.name}.${c.id}`,
        output: `actual: ${formatActual(t)}`,
        ...(!t.pass && { failure: `${c.id}${rounds > 1 ? ` round ${r.round}` : ''}: ${t.rule} failed: actual ${formatActual(t)}` }),
      })),
    ),
  );
  return junit(`coldbench matrix thresholds: ${m.name}`, `coldbench.${m.name}`, cases);
}
