/**
 * Adding histograms. HDR histograms with the same parameters add exactly: the sum of the shards'
 * bucket counts is the histogram one process would have recorded, so every quantile, the mean
 * and the standard deviation of the merged result are those of all the requests. Nothing is
 * averaged, and no coordinated-omission correction is applied: each latency was already measured
 * from its planned instant.
 */
import { UsageError } from '../../errors.js';
import { decodeHistogram, newSumHistogram, parametersOf, summarize } from '../histogram.js';
import type { Histogram, HistogramParameters, Summary } from '../histogram.js';
import type { ShardInput } from './types.js';

export interface MergedHistograms {
  /** Sums, by histogram name; a name some shard lacks is not here. */
  sums: Map<string, Histogram>;
  /** Each shard's own histograms, decoded, by name (same order as the shards). */
  perShard: Map<string, Histogram[]>;
}

export function mergeHistograms(shards: readonly ShardInput[], warnings: string[]): MergedHistograms {
  const names = new Set(shards.flatMap((s) => Object.keys(s.result.histograms ?? {})));
  const sums = new Map<string, Histogram>();
  const perShard = new Map<string, Histogram[]>();
  for (const name of names) {
    const lacking = shards.filter((s) => typeof s.result.histograms?.[name] !== 'string');
    if (lacking.length > 0) {
      warnings.push(`the ${name} histogram is missing from ${lacking.map((s) => s.source).join(', ')}: what is made from it is left out of the merged result`);
      continue;
    }
    const decoded = shards.map((s) => decodeOf(s, name));
    const params = parametersOf(decoded[0]!);
    decoded.forEach((h, i) => checkParameters(params, parametersOf(h), name, shards[i]!.source, shards[0]!.source));
    const sum = newSumHistogram(params);
    for (const h of decoded) sum.add(h);
    sums.set(name, sum);
    perShard.set(name, decoded);
  }
  return { sums, perShard };
}

function decodeOf(shard: ShardInput, name: string): Histogram {
  try {
    return decodeHistogram(shard.result.histograms[name]!);
  } catch {
    throw new UsageError(`${shard.source}: the ${name} histogram is corrupt (not an HdrHistogram encoding)`, 'run the shard again to write a new result file');
  }
}

function checkParameters(want: HistogramParameters, got: HistogramParameters, name: string, source: string, firstSource: string): void {
  const same = want.lowestDiscernibleValue === got.lowestDiscernibleValue
    && want.highestTrackableValue === got.highestTrackableValue
    && want.numberOfSignificantValueDigits === got.numberOfSignificantValueDigits;
  if (same) return;
  const show = (p: HistogramParameters): string => `${p.lowestDiscernibleValue}..${p.highestTrackableValue}, ${p.numberOfSignificantValueDigits} digits`;
  throw new UsageError(
    `${source}: the ${name} histogram has parameters ${show(got)} but ${firstSource} has ${show(want)}: histograms add exactly only with the same parameters`,
    'merge results written by the same coldbench version',
  );
}

/**
 * The merged summary of one histogram. The encoding keeps bucket counts only, so a decoded
 * histogram's min and max are rounded to their buckets; the shards' summaries hold the exact
 * ones, and the merged min and max are the smallest and largest of those. Each shard's summary
 * must count what its histogram holds, or its file is corrupt.
 */
export function mergedSummary(sum: Histogram, parts: readonly Histogram[], summaries: readonly (Summary | null | undefined)[], where: string, sources: readonly string[]): Summary {
  let minMs = Infinity;
  let maxMs = -Infinity;
  parts.forEach((h, i) => {
    const s = summaries[i];
    const count = s?.count ?? 0;
    if (count !== h.totalCount) {
      throw new UsageError(`${sources[i]}: ${where}.count is ${count} but its histogram holds ${h.totalCount} values: the file was edited or is corrupt`, 'run the shard again to write a new result file');
    }
    if (s !== null && s !== undefined && count > 0) {
      minMs = Math.min(minMs, s.min);
      maxMs = Math.max(maxMs, s.max);
    }
  });
  if (sum.totalCount === 0) return summarize(sum);
  return summarize(sum, { minUs: Math.round(minMs * 1000), maxUs: Math.round(maxMs * 1000) });
}
