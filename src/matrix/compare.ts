/**
 * The comparison of a matrix: one row per configuration, the best value of each column, every
 * other value's difference from it tagged with its significance (the statistics of `diff`), and
 * the fastest, cheapest and balanced configurations marked.
 *
 * Sources: the cold columns (cold p50/p99, init p50) come from the forced cold starts when the
 * matrix forced any, else from the cold starts the load met; the cold-start rate and cost come
 * from the load; errors and throttles count both.
 */
import { diffResults } from '../diff/diff.js';
import { DEFAULT_MAX_SAMPLES_PER_RUN } from '../diff/empirical.js';
import { PooledSide } from '../diff/side.js';
import type { DiffVerdict } from '../diff/types.js';
import type { MetricId } from '../gate/metrics.js';
import type { Result } from '../result/result.js';
import type { Configuration } from './configurations.js';

export const COMPARED_METRICS = [
  'warm.p50', 'warm.p99', 'cold.p50', 'cold.p99', 'init.p50', 'cold.rate', 'errors.rate', 'throttles.rate', 'cost.per1M',
] as const satisfies readonly MetricId[];
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

const FROM_FORCED_COLD: ReadonlySet<ComparedMetric> = new Set(['cold.p50', 'cold.p99', 'init.p50']);
const FROM_BOTH: ReadonlySet<ComparedMetric> = new Set(['errors.rate', 'throttles.rate']);

/** A configuration's measured runs: one load result per round, and the forced cold starts. */
export interface ConfigurationRuns {
  config: Configuration;
  load: Result[];
  cold: Result[];
}

export interface Cell {
  value: number | null;
  best: boolean;
  /** value - best, and as a percentage of best; absent on the best cell. */
  delta?: number;
  deltaPct?: number | null;
  /** Against the best: 'worse' = significantly worse, '~' = not significant, 'n/a' = not tested. */
  verdict?: DiffVerdict;
  note?: string;
}

export type Mark = 'fastest' | 'cheapest' | 'balanced';

export interface ComparisonRow {
  id: string;
  function: string;
  memoryMB?: number;
  architecture?: string;
  environment?: string;
  sent: number;
  errors: number;
  throttles: number;
  forcedColdStarts: number;
  cells: Record<ComparedMetric, Cell>;
  /** The profile's thresholds on this configuration's load: a rule passes only if it passed in every round. */
  thresholds: { rule: string; pass: boolean }[];
  marks: Mark[];
}

export interface Comparison {
  metrics: readonly ComparedMetric[];
  rows: ComparisonRow[];
  fastest: string | null;
  cheapest: string | null;
  balanced: string | null;
  /** Family-wise confidence over every difference tested in the table. */
  confidence: number;
  tested: number;
  notes: string[];
}

export interface CompareOptions {
  /** Test differences for significance (default true). */
  significance?: boolean;
  confidence?: number;
}

/**
 * Configurations with a higher error rate, or that failed one of the profile's thresholds, are
 * never marked fastest, cheapest or balanced: a choice must meet what the profile asks for.
 */
export const MAX_ERROR_RATE_FOR_MARKS = 0.01;

export function compareConfigurations(runs: readonly ConfigurationRuns[], opts: CompareOptions = {}): Comparison {
  const confidence = opts.confidence ?? 0.95;
  const rows = runs.map(rowOf);
  const sidesOf = (r: ConfigurationRuns, m: ComparedMetric): Result[] => sourceOf(r, m).map((res) => ({ ...res, name: r.config.id }));
  const comparisons = COMPARED_METRICS.flatMap((m) => {
    const best = bestIndex(rows.map((row) => row.cells[m].value));
    return best === undefined ? [] : rows.flatMap((row, i) => (i !== best && row.cells[m].value !== null ? [{ m, best, i }] : []));
  });
  // Bonferroni over the whole table: every tested difference at (1 - confidence) / count.
  const perTest = 1 - (1 - confidence) / Math.max(1, comparisons.length);
  let tested = 0;
  for (const m of COMPARED_METRICS) {
    const best = bestIndex(rows.map((row) => row.cells[m].value));
    if (best === undefined) continue;
    rows[best]!.cells[m].best = true;
    const bestValue = rows[best]!.cells[m].value!;
    rows.forEach((row, i) => {
      const cell = row.cells[m];
      if (i === best || cell.value === null) return;
      cell.delta = cell.value - bestValue;
      cell.deltaPct = bestValue === 0 ? null : (100 * cell.delta) / bestValue;
      if (opts.significance === false) return;
      const diff = diffResults(sidesOf(runs[best]!, m), sidesOf(runs[i]!, m), { metrics: [m], confidence: perTest });
      const row0 = diff.rows[0];
      cell.verdict = row0?.verdict ?? 'n/a';
      if (row0?.note !== undefined) cell.note = row0.note;
      if (row0 !== undefined && row0.ci !== null) tested++;
    });
  }
  const marks = markChoices(rows);
  const notes = [
    'fastest: lowest warm p50; cheapest: lowest cost per 1M invocations; balanced: lowest 0.5 x p50 / max p50 + 0.5 x cost / max cost',
  ];
  if (rows.some((r) => r.cells['errors.rate'].value !== null && r.cells['errors.rate'].value > MAX_ERROR_RATE_FOR_MARKS)) {
    notes.push(`configurations with more than ${MAX_ERROR_RATE_FOR_MARKS * 100}% errors are not marked`);
  }
  if (rows.some(failedThreshold)) notes.push('configurations that failed a threshold are not marked');
  return { metrics: COMPARED_METRICS, rows, ...marks, confidence, tested, notes };
}

function sourceOf(r: ConfigurationRuns, m: ComparedMetric): Result[] {
  const forced = r.cold.filter((res) => res.counts.sent > 0);
  if (FROM_FORCED_COLD.has(m) && forced.length > 0) return forced;
  if (FROM_BOTH.has(m)) return [...r.load, ...forced];
  return r.load;
}

function rowOf(r: ConfigurationRuns): ComparisonRow {
  const cells = {} as Record<ComparedMetric, Cell>;
  for (const m of COMPARED_METRICS) {
    const results = sourceOf(r, m);
    const value = results.length === 0 ? null : new PooledSide('base', results, DEFAULT_MAX_SAMPLES_PER_RUN).value(m);
    cells[m] = { value, best: false };
  }
  const all = [...r.load, ...r.cold];
  const sum = (f: (res: Result) => number): number => all.reduce((a, res) => a + f(res), 0);
  const row: ComparisonRow = {
    id: r.config.id,
    function: r.config.function,
    sent: sum((res) => res.counts.sent),
    errors: sum((res) => res.counts.errors),
    throttles: sum((res) => res.counts.throttles),
    forcedColdStarts: r.cold.reduce((a, res) => a + res.counts.cold, 0),
    cells,
    thresholds: thresholdsOf(r.load),
    marks: [],
  };
  if (r.config.memoryMB !== undefined) row.memoryMB = r.config.memoryMB;
  const architecture = r.config.architecture ?? r.load[0]?.target.architecture;
  if (architecture !== undefined) row.architecture = architecture;
  if (r.config.environment !== undefined) row.environment = r.config.environment.name;
  return row;
}

/** Index of the smallest non-null value (the first on ties); every compared metric is lower-is-better. */
function bestIndex(values: readonly (number | null)[]): number | undefined {
  let best: number | undefined;
  values.forEach((v, i) => {
    if (v !== null && (best === undefined || v < values[best]!)) best = i;
  });
  return best;
}

/** Each rule once, in the profile's order; it fails the row if it failed in any round. */
function thresholdsOf(load: readonly Result[]): ComparisonRow['thresholds'] {
  const byRule = new Map<string, boolean>();
  for (const verdict of load.flatMap((res) => res.thresholds)) byRule.set(verdict.rule, (byRule.get(verdict.rule) ?? true) && verdict.pass);
  return [...byRule].map(([rule, pass]) => ({ rule, pass }));
}

function failedThreshold(row: ComparisonRow): boolean {
  return row.thresholds.some((t) => !t.pass);
}

function markChoices(rows: ComparisonRow[]): Pick<Comparison, 'fastest' | 'cheapest' | 'balanced'> {
  const eligible = rows.filter((r) => (r.cells['errors.rate'].value ?? 0) <= MAX_ERROR_RATE_FOR_MARKS && !failedThreshold(r));
  const pick = (score: (r: ComparisonRow) => number | null, mark: Mark): string | null => {
    const i = bestIndex(eligible.map(score));
    if (i === undefined) return null;
    eligible[i]!.marks.push(mark);
    return eligible[i]!.id;
  };
  const p50 = (r: ComparisonRow): number | null => r.cells['warm.p50'].value;
  const cost = (r: ComparisonRow): number | null => r.cells['cost.per1M'].value;
  const maxOf = (f: (r: ComparisonRow) => number | null): number => Math.max(0, ...eligible.map((r) => f(r) ?? 0));
  const maxP50 = maxOf(p50);
  const maxCost = maxOf(cost);
  // AWS Lambda Power Tuning's "balanced" strategy with weight 0.5: each term scaled by its maximum.
  const balanced = (r: ComparisonRow): number | null => {
    const t = p50(r);
    const c = cost(r);
    return t === null || c === null || maxP50 === 0 || maxCost === 0 ? null : 0.5 * (t / maxP50) + 0.5 * (c / maxCost);
  };
  return { fastest: pick(p50, 'fastest'), cheapest: pick(cost, 'cheapest'), balanced: pick(balanced, 'balanced') };
}
