/**
 * Timelines merge by absolute time: a bucket starting at t seconds after a shard's start is
 * placed at that shard's start + t, and buckets of the same instant add their counts. With the
 * common start that merge requires, the shards' buckets line up exactly. Shards with different
 * bucket widths (100 ms for a short run, 1 s for a longer one) are added on the widest grid.
 *
 * A bucket's quantiles (p50, p90, p99) are kept only when one shard alone completed requests in it: the
 * buckets store no histograms, so quantiles of several shards cannot be merged, and are null.
 */
import type { TimelineEntry } from '../result.js';
import type { ShardInput } from './types.js';

const DEFAULT_BUCKET_MS = 1000;

export function bucketMsOf(result: { timelineBucketMs?: number }): number {
  const ms = result.timelineBucketMs;
  return typeof ms === 'number' && ms > 0 ? ms : DEFAULT_BUCKET_MS;
}

interface Bucket {
  entry: Record<string, number | null>;
  /** Shards that completed requests in it, and whether it is a shard's bucket as it was. */
  completing: number;
  coarsened: boolean;
}

export function mergeTimelines(shards: readonly ShardInput[], startedAtMs: number, warnings: string[]): { timeline: TimelineEntry[]; bucketMs: number } {
  const widths = shards.map((s) => bucketMsOf(s.result));
  const bucketMs = Math.max(...widths);
  const odd = shards.filter((_, i) => bucketMs % widths[i]! !== 0);
  if (odd.length > 0) {
    warnings.push(`the timelines cannot be merged: bucket widths ${[...new Set(widths)].join(', ')} ms do not divide one another`);
    return { timeline: [], bucketMs };
  }
  const buckets = new Map<number, Bucket>();
  shards.forEach((shard, i) => {
    const width = widths[i]!;
    const shiftMs = Date.parse(shard.result.startedAt) - startedAtMs;
    for (const entry of shard.result.timeline ?? []) {
      // Snap to the shard's own grid first: t = 2.3 s is 2299.9999... ms in floating point.
      const atMs = Math.round((entry.t * 1000 + shiftMs) / width) * width;
      const index = Math.floor(atMs / bucketMs);
      const bucket = buckets.get(index) ?? { entry: { t: (index * bucketMs) / 1000 }, completing: 0, coarsened: false };
      add(bucket, entry as unknown as Record<string, unknown>, width !== bucketMs);
      buckets.set(index, bucket);
    }
  });
  let nulled = 0;
  const timeline = [...buckets.entries()].sort(([a], [b]) => a - b).map(([, b]) => {
    if (b.completing > 1 || (b.coarsened && b.completing > 0)) {
      for (const key of Object.keys(b.entry)) if (QUANTILE.test(key)) b.entry[key] = null;
      nulled++;
    }
    return b.entry as unknown as TimelineEntry;
  });
  if (nulled > 0) {
    warnings.push(`timeline: the quantiles (p50, p90, p99) are null in ${nulled} of ${timeline.length} buckets, where more than one shard completed requests: per-bucket quantiles cannot be merged (the run's own quantiles are exact)`);
  }
  return { timeline, bucketMs };
}

/** Counts add; quantiles (p50, p99, ...) are taken from a bucket's only completing shard. */
function add(bucket: Bucket, entry: Record<string, unknown>, coarsened: boolean): void {
  const completed = num(entry.ok) + num(entry.errors) + num(entry.throttles) > 0;
  if (completed) bucket.completing++;
  if (coarsened) bucket.coarsened = true;
  for (const [key, value] of Object.entries(entry)) {
    if (key === 't' || typeof value !== 'number') continue;
    if (QUANTILE.test(key)) {
      if (completed || bucket.entry[key] === undefined) bucket.entry[key] = value;
    } else {
      bucket.entry[key] = num(bucket.entry[key]) + value;
    }
  }
}

/** p50, p90, p99...: a bucket's latency quantiles. */
const QUANTILE = /^p\d+$/;

const num = (x: unknown): number => (typeof x === 'number' ? x : 0);
