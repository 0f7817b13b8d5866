/**
 * The `logs` section of a merge (docs/distributed.md). Its counts of the run's own requests add
 * up by the generic rules, but the shards of one run read one log group: each shard read every
 * line of the run window, its own requests' and the other shards'. What counts lines rather than
 * requests is therefore not a sum:
 *
 * - `runLevel` (every REPORT timed inside the run) is the reading of the shard that counted the
 *   most invocations, with its init histogram: each shard counted the same lines, less those it
 *   stopped reading before;
 * - `unclaimedReports` are the REPORT lines no shard claimed: the REPORT lines the shard that read
 *   the most of them read (its claimed and unclaimed ones), less every shard's claimed ones.
 *   Exact when that shard read every line the others claimed; it cannot be less than 0.
 *
 * The reading's own work (`apiCalls`, `events`, ...) adds up: N shards made N readings.
 * `problems` are every shard's, once. Clock skew bounds hold for one clock: shards of one machine
 * (`--workers`) keep the tightest bounds, shards of several machines none.
 */
import type { LogsSection } from '../result.js';
import { mergeObject } from './fields.js';
import type { FieldContext } from './fields.js';
import type { ShardInput } from './types.js';

/** Fields merged here; the others by the generic rules. */
const OWN = new Set(['clockSkewMs', 'problems']);

export function mergeLogs(shards: readonly ShardInput[], ctx: FieldContext): LogsSection | undefined {
  const sections = shards.map((s) => s.result.logs as Partial<LogsSection> | undefined);
  const present = sections.filter((l): l is Partial<LogsSection> => l !== undefined);
  if (present.length === 0) return undefined;
  const merged = mergeObject('logs', sections, ctx, OWN) as unknown as LogsSection;
  merged.problems = [...new Set(present.flatMap((l) => l.problems ?? []))];
  merged.clockSkewMs = mergeSkew(shards, present, ctx.warnings);
  const group = present[0]!.logGroup;
  if (present.length === shards.length && present.every((l) => l.logGroup === group)) oneGroup(present, merged, ctx);
  return merged;
}

/** The line counts of shards that all read one log group. */
function oneGroup(sections: readonly Partial<LogsSection>[], merged: LogsSection, ctx: FieldContext): void {
  const invocations = sections.map((l) => l.runLevel?.invocations ?? -1);
  const widest = invocations.indexOf(Math.max(...invocations));
  const runLevel = sections[widest]!.runLevel;
  if (runLevel !== undefined) {
    merged.runLevel = runLevel;
    // The merged file's histogram is the one its summary was made from.
    const own = ctx.histograms.perShard.get('runLevelInit')?.[widest];
    if (own !== undefined) ctx.histograms.sums.set('runLevelInit', own);
  }
  const claimed = sections.map((l) => l.claimedReports);
  const unclaimed = sections.map((l) => l.unclaimedReports ?? 0);
  if (claimed.some((c) => c === undefined)) {
    ctx.warnings.push('logs.unclaimedReports: a shard was written before claimedReports existed, so the shards\' counts are added: each counts the other shards\' REPORT lines as unclaimed');
    return;
  }
  const claimedAll = (claimed as number[]).reduce((a, b) => a + b, 0);
  const readMost = Math.max(...unclaimed.map((u, i) => u + claimed[i]!));
  merged.unclaimedReports = Math.max(0, readMost - claimedAll);
}

function mergeSkew(shards: readonly ShardInput[], present: readonly Partial<LogsSection>[], warnings: string[]): LogsSection['clockSkewMs'] {
  const bounds = present.map((l) => l.clockSkewMs ?? { low: null, high: null });
  const hosts = new Set(shards.map((s) => s.result.shard?.host));
  if (hosts.size > 1 || hosts.has(undefined)) {
    if (bounds.some((b) => b.low !== null || b.high !== null)) warnings.push('logs.clockSkewMs: the shards ran on different machines, each with a clock of its own: each shard\'s bounds are in its own file');
    return { low: null, high: null };
  }
  const lows = bounds.map((b) => b.low).filter((x): x is number => typeof x === 'number');
  const highs = bounds.map((b) => b.high).filter((x): x is number => typeof x === 'number');
  return { low: lows.length === 0 ? null : Math.max(...lows), high: highs.length === 0 ? null : Math.min(...highs) };
}
