/**
 * How `run` spreads its load (docs/distributed.md): as one process, as shard K of N
 * (`--shard K/N`, `--shard-index K --shard-count N`, or `--shard env` in a Kubernetes Indexed
 * Job), or as N worker processes of this machine (`--workers N|auto`). Every mistake is a
 * UsageError that names the flag or the environment variable.
 */
import { UsageError } from '../errors.js';
import type { Profile } from '../profile/types.js';
import type { Shard } from '../schedule/shard.js';
import { isLoopbackHost } from '../targets/loopback.js';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_START_TOLERANCE_MS, parseStartAt } from '../run/start-at.js';

export interface DistributionFlags {
  shard?: string;
  shardIndex?: string;
  shardCount?: string;
  startAt?: string;
  startTolerance?: string;
  workers?: string;
  keepShards?: boolean;
}

export type RunMode =
  | { kind: 'single'; startAtMs?: number; toleranceMs: number }
  | { kind: 'shard'; shard: Shard; startAtMs: number; toleranceMs: number }
  | { kind: 'workers'; count: number; startAtMs?: number; toleranceMs: number; keepShards: boolean };

/** Kubernetes sets this in each pod of an Indexed Job: the pod's index, from 0. */
export const INDEX_VARIABLE = 'JOB_COMPLETION_INDEX';
/** The number of shards, for `--shard env` (Kubernetes does not tell a pod how many there are). */
export const COUNT_VARIABLE = 'COLDBENCH_SHARD_COUNT';

export function runModeOf(flags: DistributionFlags, env: NodeJS.ProcessEnv, cores: number, profile: Profile): RunMode {
  const toleranceMs = toleranceOf(flags);
  const startAtMs = flags.startAt === undefined ? undefined : parseStartAt(flags.startAt);
  const shard = shardOf(flags, env);
  if (flags.keepShards === true && flags.workers === undefined) throw new UsageError('--keep-shards goes with --workers N');
  if (flags.startTolerance !== undefined && startAtMs === undefined && flags.workers === undefined) {
    throw new UsageError('--start-tolerance goes with --start-at');
  }
  if (shard !== undefined) {
    if (flags.workers !== undefined) throw new UsageError('--workers runs every shard on this machine: use it or --shard, not both');
    if (startAtMs === undefined) {
      throw new UsageError(`--shard ${shard.index}/${shard.count} needs --start-at: shards merge only when they start at one instant`, 'pass the same --start-at <ISO time | epoch ms> to every shard');
    }
    return { kind: 'shard', shard, startAtMs, toleranceMs };
  }
  if (flags.workers !== undefined) {
    if (profile.matrix !== undefined) throw new UsageError('--workers cannot run a matrix profile');
    const count = workersOf(flags.workers, cores, profile);
    return { kind: 'workers', count, toleranceMs, keepShards: flags.keepShards === true, ...(startAtMs !== undefined && { startAtMs }) };
  }
  return { kind: 'single', toleranceMs, ...(startAtMs !== undefined && { startAtMs }) };
}

function toleranceOf(flags: DistributionFlags): number {
  if (flags.startTolerance === undefined) return DEFAULT_START_TOLERANCE_MS;
  const ms = parseDuration(flags.startTolerance);
  if (ms === undefined) throw new UsageError(`--start-tolerance ${flags.startTolerance}: expected a duration such as 100ms or 2s`);
  return ms;
}

function shardOf(flags: DistributionFlags, env: NodeJS.ProcessEnv): Shard | undefined {
  const split = flags.shardIndex !== undefined || flags.shardCount !== undefined;
  if (flags.shard !== undefined && split) throw new UsageError('use --shard K/N or --shard-index K --shard-count N, not both');
  if (split) {
    if (flags.shardIndex === undefined || flags.shardCount === undefined) throw new UsageError('--shard-index and --shard-count go together');
    return checkedShard(`--shard-index ${flags.shardIndex} --shard-count ${flags.shardCount}`, flags.shardIndex, flags.shardCount);
  }
  if (flags.shard === undefined) return undefined;
  if (flags.shard === 'env') return shardFromEnv(env);
  const match = /^(\d+)\/(\d+)$/.exec(flags.shard.trim());
  if (match === null) throw new UsageError(`--shard ${flags.shard}: expected K/N (shard K of N, from 1), or env`, 'e.g. --shard 2/4');
  return checkedShard(`--shard ${flags.shard}`, match[1]!, match[2]!);
}

/** A Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0; shards count from 1. */
function shardFromEnv(env: NodeJS.ProcessEnv): Shard {
  const index = env[INDEX_VARIABLE];
  const count = env[COUNT_VARIABLE];
  if (index === undefined || index === '') {
    throw new UsageError(`--shard env: ${INDEX_VARIABLE} is not set`, 'Kubernetes sets it in the pods of a Job with completionMode: Indexed; elsewhere pass --shard K/N');
  }
  if (count === undefined || count === '') throw new UsageError(`--shard env: ${COUNT_VARIABLE} is not set`, 'set it to the number of shards (the Job\'s completions)');
  if (!/^\d+$/.test(index)) throw new UsageError(`--shard env: ${INDEX_VARIABLE}=${index} is not a whole number`);
  return checkedShard(`--shard env (${INDEX_VARIABLE}=${index}, ${COUNT_VARIABLE}=${count})`, String(Number(index) + 1), count);
}

function checkedShard(what: string, indexText: string, countText: string): Shard {
  const index = Number(indexText);
  const count = Number(countText);
  if (!/^\d+$/.test(countText.trim()) || count < 1) throw new UsageError(`${what}: the number of shards must be a whole number from 1`);
  if (!/^\d+$/.test(indexText.trim()) || index < 1 || index > count) {
    throw new UsageError(`${what}: the shard index must be a whole number from 1 to ${count}`);
  }
  return { index, count };
}

/**
 * `auto`: one worker per core, less one core for the target when it runs on this machine (a
 * loopback URL or endpoint, or the built-in emulator), which then needs CPU of its own.
 */
function workersOf(text: string, cores: number, profile: Profile): number {
  if (text === 'auto') return Math.max(1, targetIsLocal(profile) ? cores - 1 : cores);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--workers ${text}: expected a whole number from 1, or auto`);
  return Number(text);
}

export function targetIsLocal(profile: Profile): boolean {
  const t = profile.target;
  const url = t.kind === 'http' ? t.url : t.local !== undefined ? 'http://127.0.0.1' : t.endpoint;
  if (url === undefined) return false;
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
