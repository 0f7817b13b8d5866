import type { PreparedRequests } from '../requests/prepare.js';

/**
 * A profile after parsing, interpolation and validation: durations are milliseconds, rates are
 * per second. The YAML shape users write is described in README.md and docs/profile.schema.json.
 */
import type { TraceFormat, TraceWindow } from '../trace/index.js';

import type { Shard } from '../schedule/shard.js';

export type Phase =
  | { kind: 'constant'; ratePerSec: number; durationMs: number }
  /** Linear from `fromPerSec` to `toPerSec` over the duration. */
  | { kind: 'ramp'; fromPerSec: number; toPerSec: number; durationMs: number }
  /** `count` equal steps whose rates go linearly from `fromPerSec` to `toPerSec`, each `stepMs` long. */
  | { kind: 'steps'; fromPerSec: number; toPerSec: number; count: number; stepMs: number }
  /** rate(t) = mean + amplitude * sin(2 pi t / period); amplitude <= mean. */
  | { kind: 'sine'; meanPerSec: number; amplitudePerSec: number; periodMs: number; durationMs: number }
  /** Exponential gaps with mean 1/rate, from a seeded generator. */
  | { kind: 'poisson'; ratePerSec: number; durationMs: number; seed: number }
  /** `count` arrivals at one instant (the phase's start); takes no time. */
  | { kind: 'burst'; count: number }
  /** Nothing is sent for the duration. */
  | { kind: 'idle'; durationMs: number }
  /** Arrivals from a trace file (already read and windowed), sent `speedup` times faster. */
  | ReplayPhase;

/**
 * A trace's window replayed: per-minute counts are spread inside each minute (evenly, or as a
 * Poisson process given the minute's count); `scale` thins or multiplies the arrivals; `speedup`
 * divides every instant. src/schedule/replay.ts turns it into planned offsets.
 */
export interface ReplayPhase {
  kind: 'replay';
  trace: TraceWindow;
  speedup: number;
  scale: number;
  spread: 'poisson' | 'even';
  seed: number;
  /** Where the arrivals come from, for people: file, function, minutes. */
  label: string;
}

/** A replay phase as written, before its file is read (normalize.ts reads it). */
export interface ReplaySource {
  kind: 'replay-file';
  file: string;
  format: TraceFormat;
  function?: string;
  fromMs: number;
  durationMs?: number;
  speedup: number;
  scale: number;
  spread: 'poisson' | 'even';
  seed: number;
}

/**
 * `shard` is never written in a profile: `--shard K/N` and `--workers N` set it, with the shard's
 * part of maxInFlight, concurrency and iterations (src/schedule/shard.ts). The open model then
 * sends only the shard's arrivals of `phases`.
 */
export type LoadModel =
  | { model: 'open'; maxInFlight: number; phases: Phase[]; shard?: Shard }
  | { model: 'closed'; concurrency: number; durationMs?: number; iterations?: number; shard?: Shard };

/**
 * Where to read a function's platform lines (START / REPORT) in CloudWatch Logs, and how to join
 * them to requests (docs/logs.md).
 */
export interface LogsConfig {
  /** The function: its LoggingConfig names the log group; else /aws/lambda/<function>. */
  function?: string;
  logGroup?: string;
  region?: string;
  awsProfile?: string;
  endpoint?: string;
  /** Response header holding the Lambda request id (lower case). */
  requestIdHeader: string;
  /** API Gateway: the stage's JSON access log maps its own id to Lambda's. */
  accessLog?: AccessLogConfig;
  /** After the load, how long to keep reading for requests not matched yet. */
  waitMs: number;
  /** Time between two reads during the run. */
  pollMs: number;
}

export interface AccessLogConfig {
  logGroup: string;
  /** Response header holding API Gateway's request id (lower case). */
  requestIdHeader: string;
  /** Access-log field holding $context.requestId. */
  requestIdField: string;
  /** Access-log field holding $context.integration.requestId (the Lambda request id). */
  lambdaRequestIdField: string;
  /** Access-log field holding $context.integration.integrationStatus (429: Lambda throttled the call). */
  integrationStatusField: string;
}

/** The built-in emulator behind an HTTP target: which front of which function it calls. */
export interface LocalHttpFront {
  front: 'function-url' | 'api-gateway';
  function: string;
  emulator: LocalEmulatorConfig;
}

/** A data file whose rows the requests' templates read as {{row.field}}. */
export interface DataConfig {
  /** Absolute path. */
  file: string;
  format: 'csv' | 'ndjson' | 'json';
  /** sequential: row seq mod rows; random: a seeded draw per request; once: each row once, then the run ends. */
  order: 'sequential' | 'random' | 'once';
}

/** One request of an HTTP target's mix; unset fields are the target's. */
export interface HttpRequestConfig {
  name: string;
  weight: number;
  method: string;
  /** Appended to the path of target.url; may hold templates. */
  path?: string;
  /** A full URL on target.url's origin, in place of it; may hold templates after the host. */
  url?: string;
  /** Merged over the target's headers. */
  headers: Record<string, string>;
  body?: string;
}

/** One request of a Lambda target's mix; unset fields are the target's. */
export interface LambdaRequestConfig {
  name: string;
  weight: number;
  function?: string;
  qualifier?: string;
  /** JSON text, may hold templates. */
  payload?: string;
}

/** Requests signed with SigV4 from the SDK's credential chain. */
export interface SignConfig {
  service: string;
  region: string;
}

export interface HttpTargetConfig {
  kind: 'http';
  /** With `local`, the path (and query) on the emulator's front. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Response header that marks a cold start (e.g. x-cold-start: true). */
  coldStartHeader?: string;
  /** Cold starts read from the function's logs, joined by request id. */
  coldStartLogs?: LogsConfig;
  /** Requests go to a front of the built-in emulator, started for the run. */
  local?: LocalHttpFront;
  /**
   * Most sockets to the origin (as wrk2's -c); absent = as many as requests in flight. Requests
   * beyond it wait for a free socket, and that wait counts in their latency.
   */
  connections?: number;
  /** A mix of requests, each chosen per arrival with probability weight / total. */
  requests?: HttpRequestConfig[];
  data?: DataConfig;
  sign?: SignConfig;
  /** Seeds the choice of request, random rows and {{randomInt}}; absent = 1. */
  seed?: number;
}

export interface LocalFunctionConfig {
  /** `file.export`, file relative to the profile's folder (Node runtime). */
  handler: string;
  /** Path, relative to the profile, of an executable speaking the Lambda Runtime API. */
  bootstrap?: string;
  memoryMB: number;
  timeoutMs: number;
  /** Reserved concurrency; absent = only the account limit applies. */
  concurrency?: number;
  /** The idle timeout; with a distribution, its median. */
  idleTimeoutMs: number;
  /** Each new environment draws its idle timeout from this distribution instead. */
  idleTimeoutDistribution?: IdleTimeoutDistribution;
  maxLifetimeMs: number;
  /** New environments per second; absent = unlimited. */
  scaleRatePerSec?: number;
  environment: Record<string, string>;
  architecture: 'x86_64' | 'arm64';
  logFormat: 'Text' | 'JSON';
  /**
   * Limit each environment, once initialized, to a CPU share proportional to its memory, as
   * Lambda does (one vCPU at 1,769 MB). Init runs unlimited, as Lambda boosts on-demand inits.
   */
  cpuShare?: boolean;
  /** The Function URL front's AuthType: AWS_IAM refuses requests without a SigV4 signature (403). Absent = NONE. */
  authType?: 'NONE' | 'AWS_IAM';
  /** CloudWatch Logs: events become readable this long after they are written; absent = 2 s. */
  logDelayMs?: number;
  /** CloudWatch log group; absent = /aws/lambda/<function>. */
  logGroup?: string;
  /** JSON format only: WARN keeps the platform lines out of CloudWatch Logs. Absent = INFO. */
  systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** JSON format only: application records below it are dropped. Absent = INFO. */
  applicationLogLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  /** Async (Event) invocations: retries after a function error (0 to 2); absent = 2. */
  asyncRetries?: number;
  /** Wait before the first retry, doubled before each next one; absent = 1 min. */
  asyncRetryDelayMs?: number;
  /** An async event older than this is discarded; absent = 6 h. */
  asyncMaxEventAgeMs?: number;
}

/**
 * Evenly spaced quantiles of the idle timeout, minimum first and maximum last, joined by straight
 * lines (two quantiles: uniform); environments draw from it in creation order from `seed`.
 */
export interface IdleTimeoutDistribution {
  quantilesMs: number[];
  seed: number;
}

export interface LocalEmulatorConfig {
  /** Folder that relative handler / bootstrap paths are resolved against (the profile's folder). */
  baseDir: string;
  accountConcurrency: number;
  functions: Record<string, LocalFunctionConfig>;
}

export interface LambdaTargetConfig {
  kind: 'lambda';
  function: string;
  qualifier?: string;
  region?: string;
  /** Named AWS profile (credentials file). */
  awsProfile?: string;
  endpoint?: string;
  /** JSON text sent as the payload; may hold templates ({{seq}}, {{row.field}}, ...: src/requests/template.ts). */
  payload?: string;
  timeoutMs: number;
  /** RequestResponse (default) waits for the function; Event queues it and returns 202. */
  invocationType: 'RequestResponse' | 'Event';
  /**
   * How each Invoke is sent: `fast` signs it with the SDK's SigV4 signer and sends it through
   * coldbench's HTTP pool (targets/lambda-fast.ts); `sdk` through the SDK's InvokeCommand.
   * A config built by hand may leave it out: fast.
   */
  client?: LambdaClientKind;
  /** Starts read from the function's logs (async invokes; endpoints without a log tail). */
  coldStartLogs?: LogsConfig;
  /**
   * The function's memory and architecture as the profile states them: used for cost when the
   * endpoint cannot tell (no control plane, or not allowed to read the configuration).
   */
  memoryMB?: number;
  architecture?: 'x86_64' | 'arm64';
  local?: LocalEmulatorConfig;
  requests?: LambdaRequestConfig[];
  data?: DataConfig;
  /** Seeds the choice of request, random rows and {{randomInt}}; absent = 1. */
  seed?: number;
}

export type LambdaClientKind = 'fast' | 'sdk';

export type TargetConfig = HttpTargetConfig | LambdaTargetConfig;

export interface PriceConfig {
  /** USD per GB-second by architecture. */
  x86_64PerGBSecond: number;
  arm64PerGBSecond: number;
  /** USD per request. */
  perRequest: number;
}

/**
 * Configurations to compare (docs/matrix.md): every combination of the lists given. Absent lists
 * leave that setting as the function has it.
 */
export interface MatrixConfig {
  memoryMB?: number[];
  architectures?: ('x86_64' | 'arm64')[];
  /** Named sets of variables, each merged over the function's own environment. */
  environments?: Record<string, Record<string, string>>;
  /** Separate deployments (names, ARNs or name:alias), each run in place of target.function. */
  functions?: string[];
  /** Cold starts forced per configuration, measured apart from the load. */
  coldStarts: number;
  /** Interleaved rounds: each configuration runs the load once per round. */
  rounds: number;
}

export type ThresholdEntry = string | { rule: string; abortOnFail?: boolean };

export interface Profile {
  name: string;
  target: TargetConfig;
  load: LoadModel;
  /** Gate rules (`warm.p99 < 250ms`), checked at the end of the run, or during it with abortOnFail. */
  thresholds: ThresholdEntry[];
  prices?: Partial<PriceConfig>;
  matrix?: MatrixConfig;
  /** Defaults of `coldbench sweep idle` (its flags override them). */
  sweep?: SweepConfig;
}

export interface SweepConfig {
  gapsMs?: number[];
  samples?: number;
  functions?: string[];
}

/** A loaded profile with where it came from and what must never be printed. */
export interface LoadedProfile {
  profile: Profile;
  /** Absolute path of the profile file. */
  file: string;
  /** Strings (values from the environment, secret headers) to replace with "***" in output. */
  secrets: string[];
  /**
   * Where the secrets too short to be hidden inside other text came from (`${VAR}`, `header
   * Authorization`): they are hidden only where they are a whole value (see MIN_MASKED_LENGTH).
   */
  unmaskable?: string[];
  /** The profile as data with secrets redacted: what goes into the result file. */
  redacted: unknown;
  /** Values of the {{env.NAME}} variables the templates read (also in `secrets`). */
  templateEnv?: Record<string, string>;
  /** The requests compiled with their data file, by loadProfile; built at the run's start when absent. */
  requests?: PreparedRequests;
}
