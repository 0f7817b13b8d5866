/**
 * Runs a loaded profile end to end: start the local emulator if the profile asks for one, create
 * and check the target, drive the load, and build the result. Nothing here prints or exits; the
 * caller (the CLI, or a library user) decides what to do with the result.
 */
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import type { LoadedProfile, Profile, TargetConfig } from '../profile/types.js';
import { buildResult } from './build-result.js';
import type { RunResult } from '../result/result.js';
import type { Target, TargetInfo } from '../targets/target.js';
import { CostAccumulator, resolvePrices } from '../lambda/cost.js';
import { Runner } from './runner.js';
import type { Recorder } from './recorder.js';
import { evaluateThresholds, liveGate, parseThresholds } from '../gate/index.js';
import type { ThresholdRule } from '../gate/index.js';
import type { ThresholdVerdict } from '../result/result.js';
import type { RunState, RunStatus } from './runner.js';
import { startLocalEmulator } from './local.js';
import type { LocalEmulator } from './local.js';
import { shardProfile } from '../schedule/shard.js';
import type { Shard } from '../schedule/shard.js';
import { profileHash } from '../result/shard.js';
import { DEFAULT_START_TOLERANCE_MS, approachStart } from './start-at.js';

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
}

/** Opened target: the target, what is known about the function, and how to release it. */
interface OpenTarget {
  target: Target;
  info: TargetInfo;
  close(): Promise<void>;
}

export async function runProfile(loaded: LoadedProfile, opts: RunProfileOptions = {}): Promise<RunResult> {
  const profile = opts.shard === undefined ? loaded.profile : splitProfile(loaded.profile, opts.shard);
  // A shard's thresholds are judged on the merged result only, not on its own part.
  const rules = opts.shard === undefined ? parseThresholds(profile.thresholds).rules : [];
  const gate = new AbortGate(rules, opts);
  const open = await openTarget(profile, opts);
  try {
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const startEpochMs = opts.startAt === undefined ? undefined : await opts.startAt();
    let startAt: number | undefined;
    if (startEpochMs !== undefined) {
      opts.onStep?.(`starting at ${new Date(startEpochMs).toISOString()}`);
      startAt = await approachStart(startEpochMs, opts.startToleranceMs ?? DEFAULT_START_TOLERANCE_MS, { stop: gate.stop });
    }
    const startedAt = startEpochMs === undefined ? new Date() : new Date(startEpochMs);
    const cost = profile.target.kind === 'lambda'
      ? new CostAccumulator(open.info.architecture ?? 'x86_64', resolvePrices(loaded.profile.prices))
      : undefined;
    const onCompleted = gate.onCompleted;
    const runner = new Runner({
      load: profile.load,
      ...(startAt !== undefined && { startAt }),
      target: open.target,
      ...(cost && { cost }),
      ...(open.info.memorySizeMB !== undefined && { memoryMB: open.info.memorySizeMB }),
      stop: gate.stop,
      stopStatus: gate.status,
      ...(onCompleted && { onCompleted }),
      ...(opts.hardStop && { hardStop: opts.hardStop }),
      ...(opts.drainMs !== undefined && { drainMs: opts.drainMs }),
    });
    opts.onStart?.(runner);
    loopDelay.enable();
    const run = await runner.run().finally(() => loopDelay.disable());
    const result = buildResult({
      run,
      loaded: { ...loaded, profile },
      startedAt,
      eventLoopDelay: loopDelay,
      cost: cost?.summary() ?? null,
      targetInfo: open.info,
    });
    result.thresholds = evaluateThresholds(rules, result);
    const retried = open.target.retriedSends ?? 0;
    if (retried > 0) result.warnings.push(`${retried} requests were retried inside the client: a retry can hide a throttle and run the function twice`);
    if (gate.failed !== undefined) result.warnings.push(`stopped early: threshold "${gate.failed.rule}" failed during the run (abortOnFail)`);
    if (opts.shard !== undefined) {
      result.shard = {
        index: opts.shard.index,
        count: opts.shard.count,
        profileHash: profileHash(loaded.redacted),
        startAt: startEpochMs === undefined ? null : startedAt.toISOString(),
        host: hostname(),
        firstSendLateMs: run.firstSendLateMs === null ? null : Math.round(run.firstSendLateMs * 1000) / 1000,
      };
    }
    return result;
  } finally {
    await open.close();
  }
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

async function openTarget(profile: Profile, opts: RunProfileOptions): Promise<OpenTarget> {
  const connections = profile.load.model === 'open' ? profile.load.maxInFlight : profile.load.concurrency;
  const config: TargetConfig = profile.target;
  if (config.kind === 'http') {
    const { createHttpTarget, preconnectCount } = await import('../targets/http.js');
    const { warmUpHttpClient } = await import('./http-warm-up.js');
    const sockets = config.connections ?? connections;
    opts.onStep?.('warming up the HTTP client on loopback');
    await warmUpHttpClient(config, profile.load, sockets, opts.stop);
    const target = createHttpTarget(config, { connections: sockets });
    const spares = preconnectCount(profile.load, sockets);
    if (spares > 0 && !opts.stop?.aborted) {
      opts.onStep?.(`opening ${spares} connection${spares === 1 ? '' : 's'} to the target`);
      await target.preconnect(spares, opts.stop);
    }
    return { target, info: {}, close: () => target.close() };
  }
  let emulator: LocalEmulator | undefined;
  if (config.local !== undefined) {
    opts.onStep?.('starting the local Lambda emulator');
    emulator = await startLocalEmulator(config.local);
  }
  try {
    const { createLambdaTarget } = await import('../targets/lambda.js');
    const effective = emulator ? { ...config, endpoint: emulator.endpoint } : config;
    const target = await createLambdaTarget(effective, { connections });
    opts.onStep?.(`checking function ${config.function}`);
    const info = (await target.preflight?.()) ?? {};
    return {
      target,
      info: emulator && info.architecture === undefined ? { ...info, ...emulator.infoOf(config.function) } : info,
      close: async () => {
        await target.close();
        await emulator?.close();
      },
    };
  } catch (err) {
    await emulator?.close();
    throw err;
  }
}

/** The shard's part of the profile; a profile that cannot be split this way is a UsageError. */
export function splitProfile(profile: Profile, shard: Shard): Profile {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new UsageError(`shard ${shard.index}/${shard.count}: the index must be a whole number from 1 to ${shard.count}`);
  }
  const split = shardProfile(profile, shard);
  if (split.problems.length > 0) {
    throw new UsageError(
      `cannot run shard ${shard.index}/${shard.count}: ${split.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      split.problems.some((p) => p.field === 'target.local')
        ? 'run it on one machine with --workers N (the workers share one emulator), or serve the functions with `coldbench emulator <profile>` and point target.endpoint at it'
        : 'raise the field to at least the number of shards, or run fewer shards',
    );
  }
  return split.profile;
}
