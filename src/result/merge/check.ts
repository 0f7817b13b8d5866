/**
 * Before anything is added: the inputs must be shards of one profile that started at one
 * instant, each present exactly once. A problem is a UsageError (exit 2) that names the files.
 */
import { UsageError } from '../../errors.js';
import { profileHash } from '../shard.js';
import type { ShardIdentity } from '../shard.js';
import type { ShardInput } from './types.js';

export interface CheckedShards {
  count: number;
  /** The shards to merge, by index. */
  shards: ShardInput[];
  /** Indexes (1-based) left out: absent, or present more than once (with allowPartial only). */
  missing: number[];
  /** What was left out and why, for the merged result's warnings. */
  notes: string[];
}

const PARTIAL_HINT = 'pass every shard once, or --allow-partial to merge those present and record the rest as missing';

export function checkShards(inputs: readonly ShardInput[], allowPartial: boolean): CheckedShards {
  if (inputs.length === 0) throw new UsageError('no shard result files to merge', 'pass the shard files, or a folder that holds them');
  for (const input of inputs) checkIdentity(input);
  const first = inputs[0]!;
  const id0 = identity(first);
  for (const input of inputs.slice(1)) {
    const id = identity(input);
    if (id.profileHash !== id0.profileHash) {
      throw new UsageError(
        `${input.source} and ${first.source} are shards of different profiles (profile hash ${id.profileHash.slice(0, 12)}... and ${id0.profileHash.slice(0, 12)}...)`,
        'merge only the shards of one run of one profile',
      );
    }
    if (id.count !== id0.count) {
      throw new UsageError(`${input.source} is shard ${id.index}/${id.count} but ${first.source} is shard ${id0.index}/${id0.count}: the runs were split differently`, 'merge only the shards of one run');
    }
    if (id.startAt !== id0.startAt) {
      throw new UsageError(`${input.source} started at ${id.startAt} but ${first.source} at ${id0.startAt}: they are not shards of one run`, 'merge only shards started with the same --start-at');
    }
  }
  return pickShards(inputs, id0.count, allowPartial);
}

function identity(input: ShardInput): ShardIdentity {
  return input.result.shard!;
}

/** A shard field that is there and sound, and a profile that matches its hash. */
function checkIdentity(input: ShardInput): void {
  const id = input.result.shard as Partial<ShardIdentity> | undefined;
  if (id === undefined) {
    const merged = Array.isArray(input.result.shards) ? ' (it is a merged result)' : '';
    throw new UsageError(`${input.source} is not a shard result${merged}: it has no "shard" field`, 'merge the files written by `coldbench run --shard K/N`');
  }
  const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (!whole(id.count) || !whole(id.index) || id.count < 1 || id.index < 1 || id.index > id.count || typeof id.profileHash !== 'string') {
    throw new UsageError(`${input.source}: its "shard" field is corrupt (${JSON.stringify(id)})`, 'run the shard again to write a new result file');
  }
  if (id.startAt === null || typeof id.startAt !== 'string' || !Number.isFinite(Date.parse(id.startAt))) {
    throw new UsageError(`${input.source} was not started with --start-at: shards merge only when they started at one instant`, 'run every shard with the same --start-at');
  }
  if (profileHash(input.result.profile) !== id.profileHash) {
    throw new UsageError(`${input.source}: its profile does not match its profileHash: the file was edited or is corrupt`, 'run the shard again to write a new result file');
  }
}

/** Each index exactly once; with allowPartial, the missing and duplicated ones are left out. */
function pickShards(inputs: readonly ShardInput[], count: number, allowPartial: boolean): CheckedShards {
  const byIndex = new Map<number, ShardInput[]>();
  for (const input of inputs) {
    const index = identity(input).index;
    byIndex.set(index, [...(byIndex.get(index) ?? []), input]);
  }
  const shards: ShardInput[] = [];
  const missing: number[] = [];
  const notes: string[] = [];
  for (let index = 1; index <= count; index++) {
    const found = byIndex.get(index) ?? [];
    if (found.length === 1) {
      shards.push(found[0]!);
      continue;
    }
    if (!allowPartial) {
      if (found.length === 0) throw new UsageError(`shard ${index}/${count} is missing (have ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')} of ${count})`, PARTIAL_HINT);
      throw new UsageError(`shard ${index}/${count} is there more than once: ${found.map((f) => f.source).join(', ')}`, PARTIAL_HINT);
    }
    missing.push(index);
    notes.push(found.length === 0
      ? `shard ${index}/${count} is missing: its share of the load is not in this result`
      : `shard ${index}/${count} was given more than once (${found.map((f) => f.source).join(', ')}) and is left out: its share of the load is not in this result`);
  }
  if (shards.length === 0) throw new UsageError('no shard is left to merge once the duplicated ones are left out', PARTIAL_HINT);
  return { count, shards, missing, notes };
}
