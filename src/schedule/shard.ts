/**
 * Splitting one run into N shards (SPEC section 9): each shard computes its own part of the
 * one-machine plan from the profile alone, with no coordinator, and the union of the parts is
 * the plan.
 *
 * Open model: arrival j of the full schedule (j = 0, 1, ... in planned order, across phases)
 * belongs to shard (j mod N) + 1. This is how k6's execution segments stripe an arrival-rate
 * executor over equal segments (grafana/k6 lib/execution_segment.go and issue #1308: iteration
 * i goes to the instance whose stripe holds i): every shard plans the whole schedule (ramps,
 * Poisson gaps from the same seed, bursts, idle gaps) and keeps every N-th instant, so the
 * shards interleave instead of firing in lockstep, and a burst of B is B/N per shard at the
 * same instant.
 *
 * Whole quantities (maxInFlight, connections, the closed model's workers and iterations) are
 * split as evenly as integers allow: shard K of N gets floor(total / N), plus one when
 * K <= total mod N (the remainder goes to the first shards). Each shard needs at least one of
 * each, so a total below N cannot be split.
 */
import type { HttpTargetConfig, LoadModel, Phase, Profile, TargetConfig } from '../profile/types.js';
import { plannedCount, plannedOffsets } from './index.js';

/** Shard `index` (1-based, as in `--shard K/N`) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Does shard `shard` send arrival `j` (0-based, in planned order)? */
export function ownsArrival(shard: Shard, j: number): boolean {
  return j % shard.count === shard.index - 1;
}

/** The shard's planned offsets (ms from the run's start), lazily: every N-th of the full schedule. */
export function* shardOffsets(phases: readonly Phase[], shard: Shard | undefined): Generator<number> {
  if (shard === undefined || shard.count === 1) {
    yield* plannedOffsets(phases);
    return;
  }
  let j = 0;
  for (const offsetMs of plannedOffsets(phases)) {
    if (ownsArrival(shard, j)) yield offsetMs;
    j++;
  }
}

/** How many of `total` arrivals (j = 0 .. total-1) shard `shard` owns: ceil((total - (K - 1)) / N). */
export function shardShareOf(total: number, shard: Shard | undefined): number {
  if (shard === undefined) return total;
  const first = shard.index - 1;
  return total > first ? Math.ceil((total - first) / shard.count) : 0;
}

/** The shard's planned arrivals. */
export function shardPlannedCount(phases: readonly Phase[], shard: Shard | undefined): number {
  return shardShareOf(plannedCount(phases), shard);
}

/** Shard K's part of a whole quantity: floor(total / N), plus one for the first total mod N shards. */
export function splitEvenly(total: number, shard: Shard): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index <= total % shard.count ? 1 : 0);
}

/** A problem with splitting a profile, as `field: message` for the CLI to report. */
export interface ShardProblem {
  field: string;
  message: string;
}

/**
 * The shard's profile: the same phases (the runner keeps the shard's arrivals), its part of
 * maxInFlight, connections, workers and iterations. Returns the problems instead when the profile
 * cannot be split this way. `sharedEmulator`: the shards are the workers of one machine, which
 * share the one emulator of a local: profile (--workers).
 */
export function shardProfile(profile: Profile, shard: Shard, sharedEmulator = false): { profile: Profile; problems: ShardProblem[] } {
  const problems: ShardProblem[] = [];
  const need = (field: string, total: number | undefined, what: string): void => {
    if (total !== undefined && total < shard.count) {
      problems.push({ field, message: `${total} ${what} cannot be split across ${shard.count} shards: each shard needs at least one` });
    }
  };
  const load = profile.load;
  if (load.model === 'open') need('load.maxInFlight', load.maxInFlight, 'requests in flight');
  else {
    need('load.concurrency', load.concurrency, 'workers');
    need('load.iterations', load.iterations, 'iterations');
  }
  if (profile.target.kind === 'http') need('target.connections', profile.target.connections, 'connections');
  if (profile.target.local !== undefined && !sharedEmulator) {
    problems.push({
      field: 'target.local',
      message: 'a local: emulator cannot be split across machines: each shard would start an emulator of its own, with its own environments, cold starts and concurrency limits',
    });
  }
  if (profile.matrix !== undefined) problems.push({ field: 'matrix', message: 'a matrix profile cannot be split into shards' });
  if (problems.length > 0) return { profile, problems };
  return { profile: { ...profile, load: shardLoad(load, shard), target: shardTarget(profile.target, shard) }, problems };
}

export function shardLoad(load: LoadModel, shard: Shard): LoadModel {
  if (load.model === 'open') return { ...load, maxInFlight: splitEvenly(load.maxInFlight, shard), shard };
  return {
    ...load,
    concurrency: splitEvenly(load.concurrency, shard),
    ...(load.iterations !== undefined && { iterations: splitEvenly(load.iterations, shard) }),
    shard,
  };
}

function shardTarget(target: TargetConfig, shard: Shard): TargetConfig {
  if (target.kind !== 'http' || target.connections === undefined) return target;
  const split: HttpTargetConfig = { ...target, connections: splitEvenly(target.connections, shard) };
  return split;
}

/**
 * The request sequence number ({{seq}} in payloads) of the shard's n-th request: n * N + K - 1,
 * so the shards' numbers never collide, and in the open model without drops they are the
 * arrival indexes j of the one-machine run.
 */
export function shardSeq(n: number, shard: Shard | undefined): number {
  return shard === undefined ? n : n * shard.count + shard.index - 1;
}
