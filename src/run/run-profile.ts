/**
 * Runs a loaded profile end to end: start the local emulator if the profile asks for one, create
 * and check the target, drive the load, and build the result. Nothing here prints or exits; the
 * caller (the CLI, or a library user) decides what to do with the result.
 */
import { hostname } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import { redactRecord } from '../result/redact-record.js';
import type { LoadedProfile, Profile } from '../profile/types.js';
import { buildCheckpoint, buildResult } from './build-result.js';
import type { RunResult } from '../result/result.js';
import { CostAccumulator, resolvePrices } from '../lambda/cost.js';
import { Runner } from './runner.js';
import type { RunRecord } from './runner.js';
import { Recorder } from './recorder.js';
import { realClock } from './clock.js';
import { startCheckpoints } from './checkpoints.js';
import type { CheckpointOptions, CheckpointStats } from './checkpoints.js';
import { RunError } from '../errors.js';
import type { Result } from '../result/result.js';
import type { TargetInfo } from '../targets/target.js';
import type { OpenTarget } from './open-target.js';
import { evaluateThresholds, liveGate, parseThresholds, unknownStartsWarning } from '../gate/index.js';
import type { ThresholdRule } from '../gate/index.js';
import type { ThresholdVerdict } from '../result/result.js';
import type { RunState, RunStatus } from './runner.js';
import { openTarget } from './open-target.js';
import { logsResultParts } from '../logs/section.js';
import { shardProfile } from '../schedule/shard.js';
import type { Shard } from '../schedule/shard.js';
import { profileHash } from '../result/shard.js';
import type { ShardIdentity } from '../result/shard.js';
import { DEFAULT_START_TOLERANCE_MS, approachStart } from './start-at.js';
import { prepareRequests } from '../requests/prepare.js';
import type { PreparedRequests } from '../requests/prepare.js';
import type { RequestPlan } from '../requests/plan.js';
import { ProfileError } from '../errors.js';
import { redact } from '../profile/redact.js';
import { formatPath } from '../profile/source.js';
import { dirname } from 'node:path';

export interface RunProfileOptions {
  /** Aborting it stops sending and saves what was measured. */
  stop?: AbortSignal;
  stopStatus?: () => RunStatus;
  hardStop?: AbortSignal;
  drainMs?: number;
  /** Called once the load starts, with live state for a progress display. */
  onStart?: (state: RunState) => void;
  /** Called with a short note of what is being prepared (emulator start, preflight). */
  onStep?: (message: string) => void;
  /**
   * Run shard K of N of the profile (src/schedule/shard.ts). Its thresholds are not judged:
   * they apply to the merged result only.
   */
  shard?: Shard;
  /**
   * The wall-clock instant (epoch ms) at which the load starts, asked once the target is ready
   * (warmed up, connected, checked). Absent: the load starts at once.
   */
  startAt?: () => Promise<number>;
  /** How late past startAt the load may still start (default 100 ms); later is a StartMissedError (exit 4). */
  startToleranceMs?: number;
  /** Called before the load with what the run will say about its own measurement (also kept in the result's warnings). */
  onWarning?: (message: string) => void;
  /** Writes a checkpoint of the result while the load runs (see run/checkpoints.ts). */
  checkpoint?: CheckpointOptions;
  /** For a profile with local:, the endpoint of the emulator the parent of --workers started (see openTarget). */
  sharedEmulator?: string;
}

/** The note that the run waits for its last answers comes after this long. */
const DRAIN_NOTE_AFTER_MS = 1000;

/**
 * The run failed after its load had started (an exception in the load loop, not a failed
 * request): `result` holds what was measured until then, with status `partial`.
 */
export class RunFailure extends RunError {
  constructor(readonly result: Result, cause: unknown) {
    super(`the run failed: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, { cause });
  }
}

export async function runProfile(loaded: LoadedProfile, opts: RunProfileOptions = {}): Promise<RunResult> {
  const profile = opts.shard === undefined ? loaded.profile : splitProfile(loaded.profile, opts.shard, opts.sharedEmulator !== undefined);
  // A shard's thresholds are judged on the merged result only, not on its own part.
  const rules = opts.shard === undefined ? parseThresholds(profile.thresholds).rules : [];
  const gate = new AbortGate(rules, opts);
  // The requests compiled with their data file; a profile loaded from text has them read now.
  const requests = loaded.requests ?? (await prepareOrThrow(loaded));
  const plan = requests.plan;
  const open = await openTarget(profile, { ...opts, requests }).catch((err: unknown) => {
    if (loaded.requests === undefined) plan.close();
    throw err;
  });
  // A target that fails to close must not lose the result: the result says so instead.
  const close = (): Promise<string | undefined> => {
    plan.close();
    return open.close().then(() => undefined, (err: unknown) => `closing the target failed: ${err instanceof Error ? err.message : String(err)}`);
  };
  let result: RunResult;
  try {
    result = await runOpened({ ...loaded, profile }, opts, rules, gate, open, plan);
  } catch (err) {
    await close();
    throw err;
  }
  const closeWarning = await close();
  if (closeWarning !== undefined) result.warnings.push(closeWarning);
  return result;
}

async function runOpened(
  loaded: LoadedProfile,
  opts: RunProfileOptions,
  rules: ThresholdRule[],
  gate: AbortGate,
  open: OpenTarget,
  plan: RequestPlan,
): Promise<RunResult> {
  const profile = loaded.profile;
  for (const warning of open.info.warnings ?? []) opts.onWarning?.(warning);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  // Lambda runs are billed; an HTTP run is too when its REPORT lines are read from the logs.
  const cost = profile.target.kind === 'lambda' || open.logs !== undefined
    ? new CostAccumulator(open.info.architecture ?? 'x86_64', resolvePrices(profile.prices))
    : undefined;
  let startedAt = new Date();
  const build = (run: RunRecord, logs?: Parameters<typeof buildResult>[0]['logs']): RunResult => {
    const result = buildResult({
      run, loaded, startedAt, eventLoopDelay: loopDelay, cost: costOf(cost, open.info), targetInfo: open.info,
      ...(logs !== undefined && { logs }),
      plan,
    });
    result.warnings.push(...(open.info.warnings ?? []));
    return result;
  };
  let startEpochMs: number | undefined;
  const shard = opts.shard;
  const hash = shard === undefined ? undefined : profileHash(loaded.redacted);
  /** A shard's identity, which `merge` checks: on its result, and on its checkpoints once the start instant is known. */
  const shardOf = shard === undefined || hash === undefined ? undefined : (firstSendLateMs: number | null): ShardIdentity => ({
    index: shard.index,
    count: shard.count,
    profileHash: hash,
    startAt: startEpochMs === undefined ? null : startedAt.toISOString(),
    host: hostname(),
    firstSendLateMs: firstSendLateMs === null ? null : Math.round(firstSendLateMs * 1000) / 1000,
  });
  const checkpointOf = (run: RunRecord): Result => {
    const result = buildCheckpoint({ run, loaded, startedAt, eventLoopDelay: loopDelay, cost: costOf(cost, open.info), targetInfo: open.info, plan });
    result.warnings.push(...(open.info.warnings ?? []));
    if (shardOf !== undefined) result.shard = shardOf(run.firstSendLateMs);
    // Saved like a result: with the profile's secrets redacted.
    return redactRecord(result, loaded.secrets);
  };
  if (opts.checkpoint !== undefined) await firstCheckpoint(opts.checkpoint, (recorder) => checkpointOf(
    { status: 'interrupted', recorder, startedAt: recorder.startedAt, endedAt: recorder.startedAt, abandoned: 0, firstSendLateMs: null },
  ));
  startEpochMs = opts.startAt === undefined ? undefined : await opts.startAt();
  let startAt: number | undefined;
  if (startEpochMs !== undefined) {
    opts.onStep?.(`starting at ${new Date(startEpochMs).toISOString()}`);
    try {
      startAt = await approachStart(startEpochMs, opts.startToleranceMs ?? DEFAULT_START_TOLERANCE_MS, { stop: gate.stop });
    } catch (err) {
      // Nothing was sent: the empty checkpoint written before the start goes too.
      await opts.checkpoint?.sink.discard?.().catch(() => undefined);
      throw err;
    }
  }
  startedAt = startEpochMs === undefined ? new Date() : new Date(startEpochMs);
  const onCompleted = gate.onCompleted;
  let drainNote: NodeJS.Timeout | undefined;
  const runner = new Runner({
    load: profile.load,
    ...(startAt !== undefined && { startAt }),
    target: open.target,
    ...(cost && { cost }),
    ...(open.info.memorySizeMB !== undefined && { memoryMB: open.info.memorySizeMB }),
    stop: gate.stop,
    stopStatus: gate.status,
    ...(onCompleted && { onCompleted, onDropped: onCompleted }),
    ...(opts.hardStop && { hardStop: opts.hardStop }),
    ...(opts.drainMs !== undefined && { drainMs: opts.drainMs }),
    ...(plan.limit !== undefined && { maxRequests: plan.limit }),
    ...(plan.names.length > 0 && { requestNames: plan.names }),
    onDrain: (n) => {
      // Said only when the wait lasts: most runs' last answers come within a second.
      drainNote = setTimeout(() => opts.onStep?.(`waiting for ${n} request${n === 1 ? '' : 's'} still in flight (Ctrl-C stops waiting)`), DRAIN_NOTE_AFTER_MS);
      drainNote.unref();
    },
  });
  const epochOf = clockToEpoch();
  open.logs?.attach(runner.recorder, epochOf, epochOf(runner.recorder.startedAt), LOG_WINDOW_MARGIN_MS);
  /** The run so far, read from the live recorder without changing it. */
  const snapshot = (): Result => checkpointOf(
    { status: 'interrupted', recorder: runner.recorder, startedAt: runner.recorder.startedAt, endedAt: realClock.now(), abandoned: runner.inFlight(), firstSendLateMs: null },
  );
  const logsReading = open.logs;
  opts.onStart?.(logsReading === undefined ? runner : { recorder: runner.recorder, inFlight: () => runner.inFlight(), pendingStarts: () => logsReading.pending });
  loopDelay.enable();
  const checkpoints = opts.checkpoint === undefined ? undefined : startCheckpoints(snapshot, opts.checkpoint);
  let run: RunRecord;
  try {
    run = await runner.run();
  } catch (err) {
    throw new RunFailure(snapshot(), err);
  } finally {
    clearTimeout(drainNote);
    loopDelay.disable();
  }
  let logs;
  try {
    // Reading the logs after the load ends its wait on the run's stop signal (Ctrl-C), keeping
    // what it has read; checkpoints go on meanwhile.
    logs = await open.logs?.finish({
      runEndEpoch: epochOf(run.endedAt),
      // A request answered, or failed (a timeout may have run), may have run the function and logged.
      invoked: run.recorder.counts.ok + run.recorder.counts.errors > 0,
      ...(opts.stop !== undefined && { stop: opts.stop }),
      ...(opts.hardStop !== undefined && { hardStop: opts.hardStop }),
      onWaiting: everyFewSeconds((pending: number, retrying: number) => {
        const unmatched = pending - retrying;
        const parts = [
          ...(unmatched > 0 ? [`${unmatched} request${unmatched === 1 ? '' : 's'} not matched yet`] : []),
          ...(retrying > 0 ? [`${retrying} async event${retrying === 1 ? '' : 's'} that may still be retried`] : []),
        ];
        const what = parts.length === 0 ? "reading the function's logs up to the run's end" : `reading the function's logs: ${parts.join(', ')}`;
        opts.onStep?.(`${what} (Ctrl-C${opts.stop?.aborted === true ? ' again' : ''} stops waiting)`);
      }),
    });
  } finally {
    await checkpoints?.stop();
  }
  // A stop that came after the load, while its logs were read: the result is short of what the
  // reading would have found, and the run says it was interrupted (exit 130), as at any stage.
  if (run.status === 'completed' && gate.stop.aborted) run = { ...run, status: gate.status() };
  // Each retry of an async event is an invocation Lambda bills, though no request of its own.
  for (const report of logs?.join.async?.retryReports ?? []) run.recorder.recordAttempt(report);
  const result = build(run, logs !== undefined ? logsResultParts(logs) : undefined);
  if (checkpoints !== undefined) result.checkpoints = { everyMs: opts.checkpoint!.everyMs, ...roundStats(checkpoints.stats) };
  result.thresholds = evaluateThresholds(rules, result);
  const unknownStarts = unknownStartsWarning(rules, result);
  if (unknownStarts !== undefined) result.warnings.push(unknownStarts);
  result.warnings.push(...runWarnings(open.target.retriedSends ?? 0, gate.failed));
  if (shardOf !== undefined) result.shard = shardOf(run.firstSendLateMs);
  // Every string of the result (the function's name, rules, warnings) as it may be printed or saved.
  return redactRecord(result, loaded.secrets);
}

/**
 * The first checkpoint, written before the load: an empty run of the same shape. It claims the
 * file (a run killed in its first seconds leaves one too) and pays, before any request, for
 * compiling the code that builds and writes checkpoints, which would otherwise hold up the
 * load the first time (tens of milliseconds).
 */
async function firstCheckpoint(checkpoint: CheckpointOptions, empty: (recorder: Recorder) => Result): Promise<void> {
  try {
    await checkpoint.sink.save(empty(new Recorder(realClock.now())));
  } catch (err) {
    checkpoint.onError?.(err);
  }
}

function roundStats(stats: CheckpointStats): CheckpointStats {
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  return { ...stats, buildMsTotal: round3(stats.buildMsTotal), buildMsMax: round3(stats.buildMsMax) };
}

/**
 * The run's cost. Without the function's own configuration (no control plane, or not allowed to
 * read it) the memory and architecture come from the profile, so the cost is marked estimated;
 * when neither the profile nor any REPORT line told the memory, there is no cost at all rather
 * than a request-price-only figure that would read like a real one.
 */
function costOf(cost: CostAccumulator | undefined, info: TargetInfo): Result['cost'] {
  if (cost === undefined) return null;
  const summary = cost.summary();
  if (info.configurationSource !== 'profile') return summary;
  if (info.memorySizeMB === undefined && summary.unreported === summary.invocations) return null;
  return { ...summary, estimated: true };
}

/** The requests of a profile loaded without them (parseProfileText): their data file read now. */
async function prepareOrThrow(loaded: LoadedProfile): Promise<PreparedRequests> {
  const { prepared, problems } = await prepareRequests(loaded.profile.target, loaded.templateEnv ?? {}, { profileDir: dirname(loaded.file) });
  if (prepared !== undefined) return prepared;
  throw new ProfileError(loaded.file, problems.map((p) => redact(`${formatPath(p.path)}: ${p.message}`, loaded.secrets)));
}

/** Calls `f` the first time, then at most once every 10 s: a step line, not a flood. */
function everyFewSeconds<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args) => {
    const now = performance.now();
    if (now - last < 10_000) return;
    last = now;
    f(...args);
  };
}

/** Log lines may carry times a little before the run's start by our clock (skew): read from here. */
const LOG_WINDOW_MARGIN_MS = 5_000;

/**
 * Epoch ms of a runner clock time. The runner's clock is performance.now(), whose origin is
 * performance.timeOrigin (epoch ms with sub-millisecond precision; Date.now() has whole ms).
 */
function clockToEpoch(): (clockMs: number) => number {
  const origin = performance.timeOrigin;
  return (clockMs) => origin + clockMs;
}

/** What the result alone cannot tell: retries inside the client, and an early stop by a threshold. */
export function runWarnings(retriedSends: number, stoppedBy: ThresholdVerdict | undefined): string[] {
  const warnings: string[] = [];
  if (retriedSends > 0) warnings.push(`${retriedSends} requests were retried inside the client: a retry can hide a throttle and run the function twice`);
  if (stoppedBy !== undefined) warnings.push(`stopped early: threshold "${stoppedBy.rule}" failed during the run (abortOnFail)`);
  return warnings;
}

/**
 * The run's stop signal: the caller's (Ctrl-C), or a threshold marked abortOnFail that failed
 * during the run, which stops it with status 'aborted'.
 */
class AbortGate {
  private readonly controller = new AbortController();
  private readonly check: ((recorder: Recorder) => ThresholdVerdict | undefined) | undefined;
  /** The abortOnFail rule that stopped the run, if one did. */
  failed: ThresholdVerdict | undefined;

  constructor(rules: ThresholdRule[], private readonly opts: RunProfileOptions) {
    if (opts.stop?.aborted) this.controller.abort();
    opts.stop?.addEventListener('abort', () => this.controller.abort(), { once: true });
    this.check = rules.some((r) => r.abortOnFail) ? liveGate(rules) : undefined;
  }

  get stop(): AbortSignal {
    return this.controller.signal;
  }

  readonly status = (): RunStatus => (this.failed !== undefined ? 'aborted' : (this.opts.stopStatus?.() ?? 'interrupted'));

  /** For the runner's onCompleted; undefined when no rule can abort, so the hot path pays nothing. */
  get onCompleted(): ((recorder: Recorder) => void) | undefined {
    const check = this.check;
    if (check === undefined) return undefined;
    return (recorder) => {
      if (this.failed !== undefined) return;
      this.failed = check(recorder);
      if (this.failed !== undefined) this.controller.abort();
    };
  }
}

/** The shard's part of the profile; a profile that cannot be split this way is a UsageError. */
export function splitProfile(profile: Profile, shard: Shard, sharedEmulator = false): Profile {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new UsageError(`shard ${shard.index}/${shard.count}: the index must be a whole number from 1 to ${shard.count}`);
  }
  const split = shardProfile(profile, shard, sharedEmulator);
  if (split.problems.length > 0) {
    throw new UsageError(
      `cannot run shard ${shard.index}/${shard.count}: ${split.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      split.problems.some((p) => p.field === 'target.local')
        ? `run it on one machine with --workers N (the workers share one emulator), or serve the functions with \`coldbench emulator <profile>\` and point ${profile.target.kind === 'http' ? 'target.url at the front it prints, and target.coldStart.logs.endpoint' : 'target.endpoint'} at it`
        : 'raise the field to at least the number of shards, or run fewer shards',
    );
  }
  return split.profile;
}
