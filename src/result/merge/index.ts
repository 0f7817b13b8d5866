/**
 * `coldbench merge`: shard results (SPEC section 9) into the result one machine would have
 * written. Counts, histograms, timelines, cold-start events, errors and throttles by class and
 * cost add up; every summary is recomputed from the added histograms; the profile's thresholds
 * are judged on the merged result only. See docs/distributed.md for the rules a field follows.
 */
import { evaluateThresholds, parseThresholds, unknownStartsWarning } from '../../gate/index.js';
import type { ThresholdEntry } from '../../profile/types.js';
import { TOOL_VERSION } from '../../version.js';
import { encodeHistogram } from '../histogram.js';
import { SCHEMA_VERSION } from '../result.js';
import type { Result } from '../result.js';
import type { MergedShard } from '../shard.js';
import { checkShards } from './check.js';
import { mergeObject } from './fields.js';
import { mergeHistograms } from './histograms.js';
import { mergeLogs } from './logs.js';
import { mergeColdStarts, mergeCost, mergeStatus } from './parts.js';
import { mergeTimelines } from './timeline.js';
import type { MergeOptions, ShardInput } from './types.js';

export type { MergeOptions, ShardInput } from './types.js';
export { HISTOGRAM_OF, SUMMED, LARGEST, ALL_TRUE, ANY_TRUE } from './fields.js';

/** Fields merged here by name; every other field goes through the generic rules of fields.ts. */
const BY_NAME = new Set([
  'schemaVersion', 'tool', 'name', 'status', 'startedAt', 'endedAt', 'durationMs', 'profile', 'target',
  'histograms', 'timeline', 'timelineBucketMs', 'coldStarts', 'cost', 'coldStartRate', 'eventLoopDelay',
  'thresholds', 'warnings', 'shard', 'shards', 'missingShards', 'logs',
]);

/** Merges shard results; throws a UsageError (exit 2) when they are not the shards of one run. */
export function mergeShards(inputs: readonly ShardInput[], opts: MergeOptions = {}): Result {
  const checked = checkShards(inputs, opts.allowPartial === true);
  const shards = checked.shards;
  const first = shards[0]!.result;
  const warnings: string[] = [...checked.notes];
  const histograms = mergeHistograms(shards, warnings);
  const sources = shards.map((s) => s.source);
  const generic = mergeObject('', shards.map((s) => s.result), { histograms, sources, warnings }, BY_NAME) as Partial<Result>;
  const logs = mergeLogs(shards, { histograms, sources, warnings });
  const startedAtMs = Date.parse(first.shard!.startAt!);
  const endedAtMs = Math.max(...shards.map((s) => Date.parse(s.result.endedAt)));
  const { timeline, bucketMs } = mergeTimelines(shards, startedAtMs, warnings);
  const counts = generic.counts!;
  const classified = counts.warm + counts.cold + counts.proactive;
  const merged: Result = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION, node: process.version },
    name: first.name,
    status: mergeStatus(shards.map((s) => s.result.status), checked.missing.length),
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(endedAtMs).toISOString(),
    durationMs: endedAtMs - startedAtMs,
    profile: first.profile,
    target: first.target,
    ...generic,
    ...(logs !== undefined && { logs }),
    counts,
    coldStartRate: classified > 0 ? Math.round((counts.cold / classified) * 1e6) / 1e6 : null,
    eventLoopDelay: null,
    cost: mergeCost(shards, warnings),
    coldStarts: mergeColdStarts(shards, warnings),
    timeline,
    ...(shards.some((s) => s.result.timelineBucketMs !== undefined) && { timelineBucketMs: bucketMs }),
    histograms: Object.fromEntries([...histograms.sums].map(([name, h]) => [name, encodeHistogram(h)])),
    thresholds: [],
    warnings: [],
    shards: shards.map((s) => shardRecord(s, opts.recordFiles !== false)),
    ...(checked.missing.length > 0 && { missingShards: checked.missing }),
  } as Result;
  merged.warnings = [...warnings, ...shardWarnings(shards)];
  const rules = parseThresholds(thresholdsOf(first.profile)).rules;
  merged.thresholds = evaluateThresholds(rules, merged);
  const unknownStarts = unknownStartsWarning(rules, merged);
  if (unknownStarts !== undefined) merged.warnings.push(unknownStarts);
  return merged;
}

function shardRecord(s: ShardInput, withFile: boolean): MergedShard {
  return {
    ...s.result.shard!,
    ...(withFile && { file: s.source }),
    status: s.result.status,
    eventLoopDelay: s.result.eventLoopDelay ?? null,
  };
}

/** Each shard's own warnings, and a note for a shard whose first request left late or that is a checkpoint. */
function shardWarnings(shards: readonly ShardInput[]): string[] {
  const out: string[] = [];
  const versions = new Set(shards.map((s) => s.result.tool?.version));
  if (versions.size > 1) out.push(`the shards were run by different coldbench versions (${[...versions].join(', ')})`);
  for (const s of shards) {
    const id = s.result.shard!;
    const label = `shard ${id.index}/${id.count}`;
    if (s.result.status === 'partial') out.push(`${label} is a checkpoint (status partial): it holds the run up to when it was saved`);
    if (id.firstSendLateMs !== null && id.firstSendLateMs > LATE_FIRST_SEND_MS) {
      out.push(`${label} (${id.host}) sent its first request ${id.firstSendLateMs} ms late: it started after the others`);
    }
    for (const w of s.result.warnings ?? []) out.push(`${label}: ${w}`);
  }
  return out;
}

/** A first send later than this says the shard did not start with the others. */
const LATE_FIRST_SEND_MS = 10;

function thresholdsOf(profile: unknown): ThresholdEntry[] {
  const t = typeof profile === 'object' && profile !== null ? (profile as { thresholds?: unknown }).thresholds : undefined;
  return Array.isArray(t) ? (t as ThresholdEntry[]) : [];
}
