/**
 * What a merge reads and what it says besides the merged result.
 */
import type { Result } from '../result.js';

/** One shard's result and where it came from (a file path, or a worker's name), for messages. */
export interface ShardInput {
  source: string;
  result: Result;
}

export interface MergeOptions {
  /** Merge without the missing or duplicated shards, and record them (status 'partial'). */
  allowPartial?: boolean;
  /** Record each shard's file in the merged result's `shards` (default: yes). */
  recordFiles?: boolean;
}
