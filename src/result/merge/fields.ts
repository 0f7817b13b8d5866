/**
 * The generic part of a merge: every field that the merge does not treat by name is merged by
 * one of a few rules, so that fields added to the result later merge without new code if they
 * follow them (docs/distributed.md):
 *
 * - A summary (an object with count, min, mean, stdev, p50, p90, p95, p99, p999, max) at path P
 *   is recomputed from the sum of the shards' histograms stored as `histograms[P]` (or under its
 *   older name in HISTOGRAM_OF). No histogram, no summary: it becomes null and a warning says so;
 *   summaries are never averaged.
 * - Fields listed in SUMMED are added up: a number, or every number of an object (a counts map:
 *   errors by class, counts by outcome).
 * - Fields listed in LARGEST are the largest shard's value (a time the longest shard took).
 * - Fields listed in ALL_TRUE are true when they are true in every shard, those in ANY_TRUE when
 *   they are true in one.
 * - An object is merged field by field with these same rules.
 * - Anything else must be the same in every shard, and is kept; a value that differs is left out
 *   with a warning rather than guessed.
 */
import type { Summary } from '../histogram.js';
import { mergedSummary } from './histograms.js';
import type { MergedHistograms } from './histograms.js';

/** Summaries whose histograms are stored under another name than their path. */
export const HISTOGRAM_OF: Readonly<Record<string, string>> = {
  'latency.all': 'all',
  'latency.ok': 'ok',
  'latency.warm': 'warm',
  'latency.cold': 'cold',
  serviceTime: 'serviceTime',
  scheduleLag: 'scheduleLag',
  init: 'init',
  billed: 'billed',
  memoryUsedMB: 'memoryUsed',
  'overhead.warm': 'overheadWarm',
  'overhead.cold': 'overheadCold',
  'logs.lagMs': 'logLag',
  'logs.runLevel.init': 'runLevelInit',
  'async.queueDelay': 'queueDelay',
  'async.endToEnd': 'endToEnd',
};

/** Paths added up across shards; `*` stands for any one name (a request's, say). */
export const SUMMED: readonly string[] = [
  'counts', 'errors', 'throttles', 'startReasons', 'rate.target', 'rate.achieved',
  'requests.*.counts', 'requests.*.errors', 'requests.*.throttles', 'requests.*.startReasons',
  'logs.deferred', 'logs.matched', 'logs.unmatched', 'logs.withoutId', 'logs.notInvoked', 'logs.throttledBehindFront',
  'logs.unclaimedReports', 'logs.claimedReports', 'logs.apiCalls', 'logs.throttledCalls', 'logs.failedCalls', 'logs.events',
  'logs.duplicateEvents', 'logs.runLevel.invocations', 'logs.runLevel.coldStarts',
  'async.attempts', 'async.retries', 'async.neverRan', 'checkpoints.written', 'checkpoints.buildMsTotal',
];

/** Paths whose merge is the largest shard's value. */
export const LARGEST: readonly string[] = ['logs.waitedMs', 'checkpoints.buildMsMax'];

/** Booleans that hold for the merge only when they hold for every shard. */
export const ALL_TRUE: readonly string[] = ['logs.complete', 'data.exhausted'];
/** Booleans that hold for the merge when they hold for one shard. */
export const ANY_TRUE: readonly string[] = ['logs.stoppedEarly'];

const SUMMARY_KEYS = ['count', 'min', 'mean', 'stdev', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

export interface FieldContext {
  histograms: MergedHistograms;
  sources: readonly string[];
  warnings: string[];
}

/** Merges the values one field has in each shard (undefined where a shard lacks it). */
export function mergeField(path: string, values: readonly unknown[], ctx: FieldContext): unknown {
  if (matches(SUMMED, path)) return sum(path, values, ctx);
  if (matches(ALL_TRUE, path)) return values.every((v) => v === true);
  if (matches(ANY_TRUE, path)) return values.some((v) => v === true);
  if (matches(LARGEST, path)) return largest(path, values, ctx);
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return values.includes(null) ? null : undefined;
  if (present.some(isSummary)) return summaryAt(path, values, ctx);
  if (present.every(isPlainObject)) return mergeObject(path, values, ctx);
  return same(path, values, ctx);
}

/** Merges objects key by key, in the order the keys first appear. */
export function mergeObject(path: string, values: readonly unknown[], ctx: FieldContext, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const keys = new Set(values.flatMap((v) => (isPlainObject(v) ? Object.keys(v) : [])));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (skip.has(key)) continue;
    const merged = mergeField(path === '' ? key : `${path}.${key}`, values.map((v) => (isPlainObject(v) ? v[key] : undefined)), ctx);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}

function summaryAt(path: string, values: readonly unknown[], ctx: FieldContext): Summary | null {
  const name = HISTOGRAM_OF[path] ?? path;
  const total = ctx.histograms.sums.get(name);
  const parts = ctx.histograms.perShard.get(name);
  if (total === undefined || parts === undefined) {
    ctx.warnings.push(`${path}: no "${name}" histogram in every shard, so it cannot be merged exactly and is left out (null)`);
    return null;
  }
  return mergedSummary(total, parts, values.map((v) => (isSummary(v) ? v : null)), path, ctx.sources);
}

function sum(path: string, values: readonly unknown[], ctx: FieldContext): unknown {
  const present = values.filter((v) => v !== undefined);
  if (present.length === 0) return undefined;
  if (present.every((v) => v === null)) return null;
  if (present.every((v) => typeof v === 'number')) return round6((present as number[]).reduce((a, b) => a + b, 0));
  if (present.every(isPlainObject)) {
    const keys = new Set(present.flatMap((v) => Object.keys(v as object)));
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = sum(`${path}.${key}`, present.map((v) => (v as Record<string, unknown>)[key]), ctx);
    return out;
  }
  ctx.warnings.push(`${path}: the shards hold values that cannot be added (${present.map((v) => JSON.stringify(v)).join(', ')}); left out`);
  return undefined;
}

function largest(path: string, values: readonly unknown[], ctx: FieldContext): unknown {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return values.includes(null) ? null : undefined;
  if (present.every((v) => typeof v === 'number')) return Math.max(...(present as number[]));
  ctx.warnings.push(`${path}: the shards hold values that are not numbers (${present.map((v) => JSON.stringify(v)).join(', ')}); left out`);
  return undefined;
}

function same(path: string, values: readonly unknown[], ctx: FieldContext): unknown {
  const texts = values.map((v) => JSON.stringify(v));
  if (texts.every((t) => t === texts[0])) return values[0];
  ctx.warnings.push(`${path}: differs between the shards and has no merge rule; left out`);
  return undefined;
}

function matches(patterns: readonly string[], path: string): boolean {
  const parts = path.split('.');
  return patterns.some((pattern) => {
    const want = pattern.split('.');
    return want.length === parts.length && want.every((w, i) => w === '*' || w === parts[i]);
  });
}

export function isSummary(v: unknown): v is Summary {
  return isPlainObject(v) && SUMMARY_KEYS.every((k) => typeof v[k] === 'number');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sums of rounded figures (rates to 3 decimals) should not print float noise. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
