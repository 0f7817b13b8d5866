/**
 * Runs a loaded profile end to end: start the local emulator if the profile asks for one, create
 * and check the target, drive the load, and build the result. Nothing here prints or exits; the
 * caller (the CLI, or a library user) decides what to do with the result.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { LoadedProfile } from '../profile/types.js';
import { buildResult } from './build-result.js';
import type { Result } from '../result/result.js';
import { CostAccumulator, resolvePrices } from '../lambda/cost.js';
import { Runner } from './runner.js';
import type { Recorder } from './recorder.js';
import { evaluateThresholds, liveGate, parseThresholds } from '../gate/index.js';
import type { ThresholdRule } from '../gate/index.js';
import type { ThresholdVerdict } from '../result/result.js';
import type { RunState, RunStatus } from './runner.js';
import { openTarget } from './open-target.js';
import { logsResultParts } from '../logs/section.js';

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
}

export async function runProfile(loaded: LoadedProfile, opts: RunProfileOptions = {}): Promise<Result> {
  const rules = parseThresholds(loaded.profile.thresholds).rules;
  const gate = new AbortGate(rules, opts);
  const open = await openTarget(loaded.profile, opts);
  try {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const startedAt = new Date();
    // Lambda runs are billed; an HTTP run is too when its REPORT lines are read from the logs.
    const cost = loaded.profile.target.kind === 'lambda' || open.logs !== undefined
      ? new CostAccumulator(open.info.architecture ?? 'x86_64', resolvePrices(loaded.profile.prices))
      : undefined;
    const onCompleted = gate.onCompleted;
    const runner = new Runner({
      load: loaded.profile.load,
      target: open.target,
      ...(cost && { cost }),
      ...(open.info.memorySizeMB !== undefined && { memoryMB: open.info.memorySizeMB }),
      stop: gate.stop,
      stopStatus: gate.status,
      ...(onCompleted && { onCompleted }),
      ...(opts.hardStop && { hardStop: opts.hardStop }),
      ...(opts.drainMs !== undefined && { drainMs: opts.drainMs }),
    });
    const epochOf = clockToEpoch();
    open.logs?.attach(runner.recorder, epochOf, epochOf(runner.recorder.startedAt) - LOG_WINDOW_MARGIN_MS);
    const logsReading = open.logs;
    opts.onStart?.(logsReading === undefined ? runner : { recorder: runner.recorder, inFlight: () => runner.inFlight(), pendingStarts: () => logsReading.pending });
    loopDelay.enable();
    const run = await runner.run().finally(() => loopDelay.disable());
    const logs = await open.logs?.finish({
      runEndEpoch: epochOf(run.endedAt),
      ...(opts.stop !== undefined && { stop: opts.stop }),
      ...(opts.hardStop !== undefined && { hardStop: opts.hardStop }),
      onWaiting: everyFewSeconds((pending: number) => opts.onStep?.(`reading the function's logs: ${pending} request${pending === 1 ? '' : 's'} not matched yet`)),
    });
    const result = buildResult({
      run,
      loaded,
      startedAt,
      eventLoopDelay: loopDelay,
      cost: cost?.summary() ?? null,
      targetInfo: open.info,
      ...(logs !== undefined && { logs: logsResultParts(logs) }),
    });
    result.thresholds = evaluateThresholds(rules, result);
    const retried = open.target.retriedSends ?? 0;
    if (retried > 0) result.warnings.push(`${retried} requests were retried inside the client: a retry can hide a throttle and run the function twice`);
    if (gate.failed !== undefined) result.warnings.push(`stopped early: threshold "${gate.failed.rule}" failed during the run (abortOnFail)`);
    return result;
  } finally {
    await open.close();
  }
}

/** Calls `f` the first time, then at most once every 10 s: a step line, not a flood. */
function everyFewSeconds<T>(f: (x: T) => void): (x: T) => void {
  let last = -Infinity;
  return (x) => {
    const now = performance.now();
    if (now - last < 10_000) return;
    last = now;
    f(x);
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
