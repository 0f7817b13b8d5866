/**
 * Fields of the result that merge by a rule of their own: cost, cold-start events, status.
 */
import { perMillion } from '../../lambda/cost.js';
import type { CostSummary } from '../../lambda/cost.js';
import { MAX_COLD_START_EVENTS } from '../result.js';
import type { ColdStartEvent, ResultStatus } from '../result.js';
import type { ShardInput } from './types.js';

/**
 * Costs add: invocations, GB-seconds and dollars are sums; the cost per million is the total
 * over the invocations of all shards. The shards must have priced the same architecture at the
 * same prices.
 */
export function mergeCost(shards: readonly ShardInput[], warnings: string[]): CostSummary | null {
  const costs = shards.map((s) => s.result.cost);
  if (costs.every((c) => c === null || c === undefined)) return null;
  if (costs.some((c) => c === null || c === undefined)) {
    warnings.push('cost: some shards have a cost and others none; the cost is left out');
    return null;
  }
  const all = costs as CostSummary[];
  const first = all[0]!;
  if (all.some((c) => c.architecture !== first.architecture || JSON.stringify(c.prices) !== JSON.stringify(first.prices))) {
    warnings.push('cost: the shards priced different architectures or prices; the cost is left out');
    return null;
  }
  const add = (f: (c: CostSummary) => number): number => all.reduce((a, c) => a + (f(c) ?? 0), 0);
  const total = add((c) => c.total);
  const invocations = add((c) => c.invocations);
  const unreported = add((c) => c.unreported);
  return {
    total,
    per1M: perMillion(add((c) => c.computeCost), invocations, unreported, first.prices),
    invocations,
    unreported,
    gbSeconds: add((c) => c.gbSeconds),
    requestCost: add((c) => c.requestCost),
    computeCost: add((c) => c.computeCost),
    architecture: first.architecture,
    prices: first.prices,
  };
}

/**
 * Cold-start events of all shards in time order (their `t` counts from the common start). Each
 * shard kept at most MAX_COLD_START_EVENTS; the merged list keeps as many.
 */
export function mergeColdStarts(shards: readonly ShardInput[], warnings: string[]): ColdStartEvent[] {
  const events = shards.flatMap((s) => s.result.coldStarts ?? []).sort((a, b) => a.t - b.t);
  const truncated = shards.some((s) => (s.result.coldStarts?.length ?? 0) >= MAX_COLD_START_EVENTS);
  if (truncated || events.length > MAX_COLD_START_EVENTS) {
    warnings.push(`only ${Math.min(events.length, MAX_COLD_START_EVENTS)} cold-start events are listed (each shard lists at most ${MAX_COLD_START_EVENTS}); the counts are exact`);
  }
  return events.slice(0, MAX_COLD_START_EVENTS);
}

/** The merged status: aborted or interrupted if any shard was; partial if a shard is missing or is a checkpoint. */
export function mergeStatus(statuses: readonly ResultStatus[], missing: number): ResultStatus {
  if (statuses.includes('aborted')) return 'aborted';
  if (statuses.includes('interrupted')) return 'interrupted';
  if (missing > 0 || statuses.includes('partial')) return 'partial';
  return 'completed';
}
