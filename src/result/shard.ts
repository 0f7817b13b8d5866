/**
 * Shard identity (SPEC section 7): which part of which run a result file holds, so that
 * `coldbench merge` can check it has one profile, one start, and every shard exactly once.
 */
import { createHash } from 'node:crypto';
import type { Summary } from './histogram.js';

export interface ShardIdentity {
  /** 1-based, as in `--shard K/N`. */
  index: number;
  count: number;
  /** sha256 of the redacted profile (the result's `profile` field) as canonical JSON. */
  profileHash: string;
  /** The common start instant (ISO), or null when the shard was not started with --start-at. */
  startAt: string | null;
  /** The machine that ran it (os.hostname()). */
  host: string;
  /** How late the shard's first request left against its plan, ms; null when it sent nothing. */
  firstSendLateMs: number | null;
}

/** A merged result's record of one shard it holds. */
export interface MergedShard extends ShardIdentity {
  /** The file it was read from (absent for --workers, whose shards are merged in memory). */
  file?: string;
  status: string;
  /** The shard's own generator health: its event-loop delay (not mergeable, so kept per shard). */
  eventLoopDelay: Summary | null;
}

/**
 * The profile's hash: sha256 of its JSON with object keys sorted at every level, so that the
 * same profile hashes the same on every machine whatever the key order in memory. It is taken
 * of the redacted profile: secrets never reach a hash that could be guessed back.
 */
export function profileHash(redactedProfile: unknown): string {
  return createHash('sha256').update(canonicalJson(redactedProfile)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
