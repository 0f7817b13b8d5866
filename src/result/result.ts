/**
 * The result file: a public contract (SPEC section 7). Field names are fixed; fields may be
 * added, none renamed without bumping SCHEMA_VERSION. Times are milliseconds.
 */
import type { Summary } from './histogram.js';
import type { CostSummary } from '../lambda/cost.js';
import type { StartKind } from '../targets/target.js';
import type { MergedShard, ShardIdentity } from './shard.js';

export const SCHEMA_VERSION = 1;

export type RunStatus = 'completed' | 'interrupted' | 'aborted';

/**
 * A result file's status: a run's, or `partial`: a merge that lacks shards, or a checkpoint (a
 * result written while the run was still going, left behind when it never ended: killed, out of
 * memory, the machine stopped).
 */
export type ResultStatus = RunStatus | 'partial';

export interface Counts {
  planned: number;
  sent: number;
  ok: number;
  errors: number;
  throttles: number;
  dropped: number;
  warm: number;
  cold: number;
  proactive: number;
  unknown: number;
}

export interface ColdStartEvent {
  /** Seconds since the run started, when the request was planned. */
  t: number;
  requestId?: string;
  initMs?: number;
  latencyMs: number;
  class: StartKind;
  /** How the class was decided, with the figures that decided it (absent in older files). */
  reason?: string;
}

/** At most this many cold-start events are kept; the counts stay exact past it. */
export const MAX_COLD_START_EVENTS = 10_000;

export interface TimelineEntry {
  /** Seconds since the run started, at the start of the bucket (see Result.timelineBucketMs). */
  t: number;
  sent: number;
  ok: number;
  errors: number;
  throttles: number;
  dropped: number;
  cold: number;
  /**
   * Latency quantiles of the requests that completed in the bucket. Null in a merged result
   * where more than one shard completed requests in it: per-bucket quantiles are not stored as
   * histograms, so they cannot be merged exactly.
   */
  p50: number | null;
  /** Absent from result files written before buckets could be finer than a second. */
  p90?: number | null;
  p99: number | null;
}

/** Checkpoints written during a run, and what building them took from the load's thread (ms). */
export interface CheckpointStats {
  written: number;
  skipped: number;
  failed: number;
  /** Time spent building checkpoints on the load's thread, in total and at most once. */
  buildMsTotal: number;
  buildMsMax: number;
}

export interface ThresholdVerdict {
  rule: string;
  actual: number | null;
  pass: boolean;
}

export interface Result {
  schemaVersion: number;
  tool: { name: 'coldbench'; version: string; node: string };
  name: string;
  status: ResultStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  profile: unknown;
  target: {
    kind: 'http' | 'lambda';
    function?: string;
    url?: string;
    architecture?: string;
    memorySizeMB?: number;
    /** A Lambda target: how its invokes were sent (`fast`: signed and sent by coldbench's pool; `sdk`: the SDK's InvokeCommand). */
    client?: 'fast' | 'sdk';
  };
  counts: Counts & { abandoned: number };
  /** Per second. `target` is the schedule's planned rate; null in the closed model. */
  rate: { target: number | null; achieved: number };
  latency: { all: Summary; ok: Summary; warm: Summary; cold: Summary };
  serviceTime: Summary;
  scheduleLag: Summary;
  /** Event-loop delay of the load generator itself; null in a merged result (each shard's is in `shards`). */
  eventLoopDelay: Summary | null;
  init: Summary | null;
  billed: Summary | null;
  memoryUsedMB: Summary | null;
  overhead: { warm: Summary; cold: Summary } | null;
  /** cold / (warm + cold + proactive); null when nothing was classified. */
  coldStartRate: number | null;
  errors: Record<string, number>;
  throttles: Record<string, number>;
  cost: CostSummary | null;
  coldStarts: ColdStartEvent[];
  timeline: TimelineEntry[];
  /** Width of a timeline bucket: 100 for runs under a minute, else 1000; absent (1000) in older files. */
  timelineBucketMs?: number;
  histograms: Record<string, string>;
  thresholds: ThresholdVerdict[];
  /** Problems with the measurement itself (the generator lagged, events were truncated...). */
  warnings: string[];
  /** How each start was decided: counts by kind, then by the rule that decided it. */
  startReasons: Record<StartKind, Record<string, number>>;
  /** Present when starts were read from the function's logs (coldStart.logs). */
  logs?: LogsSection;
  /** Present for async (Event) invokes read from the logs. */
  async?: AsyncSection;
  /** A shard's result (--shard, --workers): which part of which run it holds. */
  shard?: ShardIdentity;
  /** A merged result: the shards it holds. */
  shards?: MergedShard[];
  /** A merged result made with --allow-partial: the shard indexes it lacks. */
  missingShards?: number[];
  /**
   * Checkpoints written during the run (absent when off): how many, and the time their building
   * took from the load's thread (total and the longest one), in ms.
   */
  checkpoints?: { everyMs: number } & CheckpointStats;
  /**
   * Present for a target with a mix of requests: the breakdown by request name. Their latency
   * histograms are in `histograms` under their summaries' paths: `requests.<name>.latency.all`,
   * `.warm` and `.cold` (so a merge adds them like the run's own).
   */
  requests?: Record<string, RequestSection>;
  /** Present when the requests read a data file. */
  data?: DataSection;
}

export interface RequestSection {
  /** completed = ok + errors + throttles: the requests of this name that ended. */
  counts: { completed: number; ok: number; errors: number; throttles: number; warm: number; cold: number; proactive: number; unknown: number };
  /** From the planned instant, as the run's; proactive starts count as warm. */
  latency: { all: Summary; warm: Summary; cold: Summary };
  errors: Record<string, number>;
  throttles: Record<string, number>;
}

export interface DataSection {
  /** As written in the profile (relative to its folder). */
  file: string;
  format: 'csv' | 'ndjson' | 'json';
  order: 'sequential' | 'random' | 'once';
  rows: number;
  /** False when rows were read from disk by offset (a large file); true when held in memory. */
  inMemory: boolean;
  /** Memory held for the row offsets (0 in memory). */
  indexBytes: number;
  /** order once: every row was sent and the run ended there. */
  exhausted: boolean;
}

/** The result of one run, before any merge: its status is the runner's. */
export interface RunResult extends Result {
  status: RunStatus;
}

/** How completely the requests were joined with the function's platform lines (docs/logs.md). */
export interface LogsSection {
  source: 'cloudwatch-logs';
  logGroup: string;
  accessLogGroup?: string;
  /** The FilterLogEvents pattern used; null = every line (the log format was not known). */
  filterPattern: string | null;
  /** False when no response carried an id to join on: only `runLevel` says anything then. */
  perRequest: boolean;
  /** Requests handed to the join. */
  deferred: number;
  matched: number;
  unmatched: number;
  /** Every request handed to the join was matched, and the reading was not cut short. */
  complete: boolean;
  withoutId: number;
  /** Through API Gateway: the access log says the function was never called. */
  notInvoked: number;
  /** Of those, calls Lambda throttled (integration status 429; API Gateway answered 500). */
  throttledBehindFront: number;
  /** REPORT lines of requests this run did not send, or read twice. */
  unclaimedReports: number;
  /** REPORT lines joined to this run's requests (an async event's retries each have one). */
  claimedReports: number;
  /** Ingestion lag (ingestionTime - timestamp) of the matched REPORT lines. */
  lagMs: Summary | null;
  /** How long the reading went on after the load. */
  waitedMs: number;
  stoppedEarly: boolean;
  apiCalls: number;
  throttledCalls: number;
  failedCalls: number;
  events: number;
  duplicateEvents: number;
  /** Log clock minus client clock, bounded by the matched requests; null = no bound on that side. */
  clockSkewMs: { low: number | null; high: number | null };
  /** Every REPORT timed inside the run, whoever sent its request: not per request. */
  runLevel: { invocations: number; coldStarts: number; init: Summary | null };
  problems: string[];
}

/** Async invokes, from their START and REPORT lines (times on the log clock, see logs.clockSkewMs). */
export interface AsyncSection {
  /** From the send to the first attempt's START. */
  queueDelay: Summary;
  /** From the planned instant to the end of the last attempt. */
  endToEnd: Summary;
  /** Events by the number of attempts read: { "1": n, "2": m }. */
  attempts: Record<string, number>;
  retries: number;
  /** Events with no START or REPORT read within the wait. */
  neverRan: number;
}
