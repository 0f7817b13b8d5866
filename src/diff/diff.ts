/**
 * `diff`: compare base and candidate result files metric by metric, with a verdict per metric
 * and a pass/fail per `--fail-on` rule. The statistics are in docs/statistics.md.
 *
 * Many metrics are tested at once, so the family-wise level (default 95%) is split among them
 * (Bonferroni): two runs of the same code show `~` on every metric at least 95% of the time.
 */
import { UsageError } from '../errors.js';
import { latencyParts } from '../gate/metrics.js';
import type { MetricDef, MetricId } from '../gate/metrics.js';
import { lookupMetric } from '../gate/metrics.js';
import { compare } from '../gate/parse.js';
import type { Result } from '../result/result.js';
import { DEFAULT_MAX_SAMPLES_PER_RUN, drawMeanMs, drawQuantileMs, effectiveCount, pooledMeanMs } from './empirical.js';
import type { FailOnRule } from './fail-on.js';
import { streamFor } from './random.js';
import { checkComparable, noDataReason, PooledSide, quantileOf } from './side.js';
import { bootstrapDifference, twoProportion } from './stats.js';
import type { TestResult } from './stats.js';
import type { Diff, DiffRow, DiffTest, FailOnVerdict } from './types.js';

/** Rows shown when no metric list is given (rows with no data on either side are left out). */
export const DEFAULT_DIFF_METRICS: readonly MetricId[] = [
  'all.p50', 'all.p90', 'all.p99', 'warm.p50', 'warm.p99', 'cold.p50', 'cold.p99',
  'init.p50', 'init.p99', 'cold.rate', 'errors.rate', 'throttles.rate', 'cost.per1M',
];

/** Rows shown for each request name of a mix (in either side), after the run's own. */
export const DEFAULT_REQUEST_METRICS = ['all.p50', 'all.p99', 'errors.rate'] as const;

function requestMetrics(results: readonly Result[]): MetricId[] {
  const names = unique(results.flatMap((r) => Object.keys(r.requests ?? {})));
  return names.flatMap((name) => DEFAULT_REQUEST_METRICS.map((m) => `requests.${name}.${m}` as MetricId));
}

export interface DiffOptions {
  failOn?: readonly FailOnRule[];
  /** Fail-on rules fail on the change alone, significant or not. */
  strict?: boolean;
  /** Family-wise confidence level, default 0.95. */
  confidence?: number;
  seed?: number;
  maxSamplesPerRun?: number;
  metrics?: readonly MetricId[];
  files?: { base: string[]; candidate: string[] };
}

export function diffResults(base: readonly Result[], candidate: readonly Result[], options: DiffOptions = {}): Diff {
  checkComparable(base, candidate);
  const maxSamplesPerRun = options.maxSamplesPerRun ?? DEFAULT_MAX_SAMPLES_PER_RUN;
  const sides = { base: new PooledSide('base', base, maxSamplesPerRun), candidate: new PooledSide('candidate', candidate, maxSamplesPerRun) };
  const failOn = options.failOn ?? [];
  const metrics = unique([...(options.metrics ?? [...DEFAULT_DIFF_METRICS, ...requestMetrics([...base, ...candidate])]), ...failOn.map((r) => r.metric.id)]);
  const gated = new Set(failOn.map((r) => r.metric.id));
  const pending = metrics
    .map((id) => pointRow(lookupMetric(id)!, sides.base, sides.candidate))
    .filter((row) => row.base !== null || row.candidate !== null || gated.has(row.metric));
  for (const row of pending) if (gated.has(row.metric)) requireBoth(row);
  for (const row of pending) markTooFew(row, sides.base, sides.candidate);
  const testable = pending.filter((row) => row.test !== 'none' && row.base !== null && row.candidate !== null && row.note === undefined);
  const confidence = options.confidence ?? 0.95;
  const alphaPerMetric = (1 - confidence) / Math.max(1, testable.length);
  const seed = options.seed ?? 1;
  const rows = pending.map((row) => (testable.includes(row) ? judge(row, sides.base, sides.candidate, alphaPerMetric, seed) : row));
  const strict = options.strict === true;
  const verdicts = failOn.map((rule) => failOnVerdict(rule, rows.find((r) => r.metric === rule.metric.id)!, strict));
  const untested = verdicts.filter((v) => !v.tested && v.pass && v.change !== null);
  const warnings = warningsFor(base, candidate);
  if (untested.length > 0) {
    warnings.push(`${untested.map((v) => v.rule).join(', ')}: too few samples to test, so ${untested.length === 1 ? 'it passes' : 'they pass'} whatever the change; --strict fails a change past the limit without a test`);
  }
  return {
    base: sideInfo(sides.base, options.files?.base),
    candidate: sideInfo(sides.candidate, options.files?.candidate),
    confidence, alphaPerMetric, tested: testable.length, seed, maxSamplesPerRun, strict,
    rows,
    failOn: verdicts,
    warnings,
  };
}

function pointRow(metric: MetricDef, base: PooledSide, candidate: PooledSide): DiffRow {
  const b = base.value(metric.id);
  const c = candidate.value(metric.id);
  const delta = b !== null && c !== null ? c - b : null;
  const note = b === null ? `base: ${noDataReason(metric.id)}` : c === null ? `candidate: ${noDataReason(metric.id)}` : undefined;
  return {
    metric: metric.id, kind: metric.kind, base: b, candidate: c, delta,
    deltaPct: delta !== null && b !== null && b !== 0 ? (100 * delta) / b : null,
    test: testFor(metric, base, candidate), ci: null, verdict: 'n/a',
    ...(note !== undefined && { note }),
  };
}

function testFor(metric: MetricDef, base: PooledSide, candidate: PooledSide): DiffTest {
  if (metric.kind === 'time' || metric.kind === 'mb') return 'bootstrap';
  if (metric.kind === 'rate') return 'two-proportion';
  // cost.total is a sum over a run: compared as a point value, as counts are.
  if (metric.id === 'cost.per1M') return costModel(base) && costModel(candidate) ? 'bootstrap' : 'none';
  return 'none';
}

function requireBoth(row: DiffRow): void {
  if (row.base !== null && row.candidate !== null) return;
  throw new UsageError(`cannot compare ${row.metric}: the ${row.note}`, 'gate only on metrics that both sides measured');
}

/**
 * A bootstrap cannot tell how far a quantile with almost nothing above it could move (the
 * p99 of 90 values is their maximum, and a resample's maximum is never above it). A quantile is
 * tested only when each side has at least MIN_TAIL_SAMPLES observations above it:
 * p50 needs 20 requests, p90 100, p99 1,000, p99.9 10,000; max is never tested.
 */
export const MIN_TAIL_SAMPLES = 10;

function markTooFew(row: DiffRow, base: PooledSide, candidate: PooledSide): void {
  const parts = latencyParts(row.metric);
  if (parts === undefined || parts[1] === 'mean' || row.base === null || row.candidate === null) return;
  const p = quantileOf(parts[1]);
  const n = Math.min(effectiveCount(base.distribution(parts[0])!), effectiveCount(candidate.distribution(parts[0])!));
  if (n * (1 - p) < MIN_TAIL_SAMPLES - 1e-9) {
    const needed = p === 1 ? 'the maximum is never tested' : `needs ${Math.ceil(MIN_TAIL_SAMPLES / (1 - p) - 1e-9).toLocaleString('en-US')}`;
    row.note = `too few samples to test (${n.toLocaleString('en-US')}; ${parts[1]} ${needed})`;
  }
}

function judge(row: DiffRow, base: PooledSide, candidate: PooledSide, alpha: number, seed: number): DiffRow {
  const result = testRow(row.metric, base, candidate, alpha, seed);
  const higherIsWorse = lookupMetric(row.metric)!.higherIsWorse;
  const up = result.ci.lo > 0;
  const verdict = !result.significant ? '~' : up === higherIsWorse ? 'worse' : 'better';
  return { ...row, ci: result.ci, verdict };
}

function testRow(id: MetricId, base: PooledSide, candidate: PooledSide, alpha: number, seed: number): TestResult {
  if (lookupMetric(id)?.kind === 'rate') {
    const b = base.proportion(id);
    const c = candidate.proportion(id);
    return twoProportion(b.x, b.n, c.x, c.n, alpha);
  }
  const rb = streamFor(seed, `${id}:base`);
  const rc = streamFor(seed, `${id}:candidate`);
  if (id === 'cost.per1M') return bootstrapDifference(costDraw(base, rb), costDraw(candidate, rc), alpha);
  const [group, stat] = latencyParts(id)!;
  const db = base.distribution(group)!;
  const dc = candidate.distribution(group)!;
  if (stat === 'mean') return bootstrapDifference(() => drawMeanMs(db, rb), () => drawMeanMs(dc, rc), alpha);
  const p = quantileOf(stat);
  return bootstrapDifference(() => drawQuantileMs(db, p, rb), () => drawQuantileMs(dc, p, rc), alpha);
}

/**
 * Cost per million = request part (fixed) + compute part, and the compute part is proportional
 * to the mean billed duration at a given memory size. So a draw of the mean billed duration
 * gives a draw of the cost: request + compute * (mean* / mean).
 */
function costModel(side: PooledSide): { request: number; compute: number } | null {
  const cost = side.cost();
  if (cost === null || cost.requestPer1M === null || cost.computePer1M === null) return null;
  return side.distribution('billed') === null ? null : { request: cost.requestPer1M, compute: cost.computePer1M };
}

function costDraw(side: PooledSide, random: () => number): () => number {
  const model = costModel(side)!;
  const billed = side.distribution('billed')!;
  const meanMs = pooledMeanMs(billed);
  return () => model.request + (meanMs > 0 ? model.compute * (drawMeanMs(billed, random) / meanMs) : model.compute);
}

function failOnVerdict(rule: FailOnRule, row: DiffRow, strict: boolean): FailOnVerdict {
  const change = rule.relative ? relativeChange(row) : row.delta;
  const beyond = change !== null && compare(change, rule.op, rule.limit);
  const increaseIsBad = rule.op === '>' || rule.op === '>=';
  // Untested metrics (counts, rate.achieved) are exact: null. A quantile with too few samples
  // was not testable: it is not significant.
  const tested = row.test === 'none' || row.ci !== null;
  const significant = row.test === 'none' ? null : row.ci === null ? false : increaseIsBad ? row.ci.lo > 0 : row.ci.hi < 0;
  const pass = !(beyond && (strict || significant !== false));
  return { rule: rule.source, metric: row.metric, change, relative: rule.relative, significant, tested, pass };
}

/** delta / base as a fraction; a change from 0 to anything is infinite. */
function relativeChange(row: DiffRow): number | null {
  if (row.delta === null || row.base === null) return null;
  if (row.base === 0) return row.delta === 0 ? 0 : Math.sign(row.delta) * Infinity;
  return row.delta / row.base;
}

function sideInfo(side: PooledSide, files: string[] | undefined): Diff['base'] {
  return { files: files ?? [], names: unique(side.results.map((r) => r.name)), runs: side.results.length, sent: side.sent() };
}

function warningsFor(base: readonly Result[], candidate: readonly Result[]): string[] {
  const w: string[] = [];
  for (const [label, side] of [['base', base], ['candidate', candidate]] as const) {
    side.forEach((r, i) => {
      if (r.status === 'partial') {
        w.push(`${label} run ${i + 1} (${r.name}) is a checkpoint of a run that never ended (status partial, saved ${r.endedAt}): it covers only part of its profile`);
      } else if (r.status !== 'completed') {
        w.push(`${label} run ${i + 1} (${r.name}) was ${r.status}: it covers only part of its profile`);
      }
      if (r.logs !== undefined && r.counts.unknown > 0) {
        w.push(`${label} run ${i + 1} (${r.name}): ${r.counts.unknown} requests have an unknown start (its join with the logs was incomplete): its cold.* and init.* figures count only the others`);
      }
    });
  }
  const target = (r: Result): string => r.target.function ?? r.target.url ?? '';
  const targets = unique([...base, ...candidate].map(target));
  if (targets.length > 1) w.push(`the runs target different endpoints: ${targets.join(', ')}`);
  const invocation = unique([...base, ...candidate].map(invokedAsync));
  if (invocation.length > 1 && base.concat(candidate).every((r) => r.target.kind === 'lambda')) {
    w.push('one side invoked asynchronously (Event): its latencies are the 202 answers\', not the invocations\'; compare async.queueDelay and async.endToEnd between async runs');
  }
  return w;
}

/** Whether a Lambda run invoked with invocationType Event (its profile says so, or it read async figures). */
function invokedAsync(r: Result): boolean {
  const target = (r.profile as { target?: { invocationType?: unknown } } | null)?.target;
  return r.async !== undefined || target?.invocationType === 'Event';
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
