/**
 * Reads a saved result file for `report` and `diff`. Anything that is not a usable result (a
 * missing or truncated file, another schemaVersion, no histograms) is one UsageError (exit 2)
 * that says what is wrong and what to do.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { decodeHistogram } from './histogram.js';
import type { Result } from './result.js';
import { SCHEMA_VERSION } from './result.js';

const REQUIRED_HISTOGRAMS = ['all', 'warm', 'cold', 'init'] as const;

const count = z.number().int().nonnegative();
const summary = z.object({
  count: z.number(), min: z.number(), mean: z.number(), stdev: z.number(), p50: z.number(), p90: z.number(),
  p95: z.number(), p99: z.number(), p999: z.number(), max: z.number(),
});
/**
 * The fields report, diff and every output format read (a file that passes cannot make them
 * fail: a property test edits real results at random and renders what is read); the rest of
 * the file is passed through as it is.
 */
const resultShape = z.object({
  name: z.string(),
  durationMs: z.number(),
  // `partial`: a checkpoint left by a run that never ended (result/checkpoint.ts); readers say so.
  status: z.enum(['completed', 'interrupted', 'aborted', 'partial']),
  target: z.object({ kind: z.enum(['http', 'lambda']) }).loose(),
  counts: z.object({
    planned: count, sent: count, ok: count, errors: count, throttles: count, dropped: count,
    warm: count, cold: count, proactive: count, unknown: count,
  }).loose(),
  rate: z.object({ target: z.number().nullable(), achieved: z.number() }),
  latency: z.object({ all: summary, warm: summary, cold: summary }).loose(),
  serviceTime: summary,
  scheduleLag: summary,
  init: summary.nullable(),
  billed: summary.nullable(),
  memoryUsedMB: summary.nullable().optional(),
  warnings: z.array(z.string()),
  coldStartRate: z.number().nullable().optional(),
  cost: z.object({ total: z.number(), per1M: z.number() }).loose().nullable(),
  errors: z.record(z.string(), z.number()),
  throttles: z.record(z.string(), z.number()),
  thresholds: z.array(z.object({ rule: z.string(), actual: z.number().nullable(), pass: z.boolean() })),
  tool: z.object({ version: z.string(), node: z.string() }).loose(),
  startedAt: z.string(),
  timeline: z.array(z.object({
    t: z.number(), sent: z.number(), ok: z.number(), errors: z.number(), throttles: z.number(), dropped: z.number(),
    // null in a merged result where several shards completed requests in the bucket.
    cold: z.number(), p50: z.number().nullable(), p99: z.number().nullable(),
  }).loose()),
  timelineBucketMs: z.number().positive().optional(),
  coldStarts: z.array(z.object({ t: z.number(), latencyMs: z.number(), class: z.string(), initMs: z.number().optional() }).loose()),
  startReasons: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  // Missing ones are named by checkHistograms, with what to do.
  histograms: z.record(z.string(), z.string()).optional(),
}).loose();

export async function readResult(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, 'pass a result file written by `coldbench run`');
  }
  return parseResult(text, file);
}

export function parseResult(text: string, file: string): Result {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not a complete result file: the JSON is truncated or corrupt (${(err as Error).message})`, 'run again to write a new result file');
  }
  const version = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version === undefined) throw new UsageError(`${file} is not a coldbench result file: it has no schemaVersion`);
  if (version !== SCHEMA_VERSION) {
    throw new UsageError(
      `${file} has schemaVersion ${JSON.stringify(version)}; this coldbench reads schemaVersion ${SCHEMA_VERSION}`,
      'use the coldbench version that wrote the file, or run the profile again with this one',
    );
  }
  const parsed = resultShape.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file} is not a valid result file: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'run again to write a new result file');
  }
  checkHistograms(data as { histograms?: unknown }, file);
  return data as Result;
}

function checkHistograms(data: { histograms?: unknown }, file: string): void {
  const hs = data.histograms;
  const missing = typeof hs !== 'object' || hs === null
    ? [...REQUIRED_HISTOGRAMS]
    : REQUIRED_HISTOGRAMS.filter((k) => typeof (hs as Record<string, unknown>)[k] !== 'string');
  if (missing.length > 0) {
    throw new UsageError(
      `${file} has no ${missing.join(', ')} histogram${missing.length === 1 ? '' : 's'}: reports and diffs need the stored histograms`,
      'result files written by `coldbench run` always have them; do not strip "histograms" from the file',
    );
  }
  for (const [name, encoded] of Object.entries(hs as Record<string, unknown>)) {
    if (typeof encoded !== 'string') continue;
    try {
      decodeHistogram(encoded);
    } catch {
      throw new UsageError(`${file}: the ${name} histogram is corrupt (not an HdrHistogram encoding)`, 'run again to write a new result file');
    }
  }
}
