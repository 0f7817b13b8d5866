/**
 * One function's execution environments: warm reuse (one invocation at a time each), cold
 * starts, idle eviction, maximum lifetime, retirement on configuration update, and the platform
 * log lines and ground truth of every invocation.
 */
import type { WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LocalFunctionConfig } from '../profile/types.js';
import type { LogStore } from './cloudwatch/log-store.js';
import { type Account, TokenBucket, type ThrottleReason } from './concurrency.js';
import { DEFAULT_LOG_DELAY_MS } from './defaults.js';
import { Environment, type InitResult, type InvocationEvent, type RunResult } from './environment.js';
import {
  billedDurationMs,
  formatEnd,
  formatInitReport,
  formatInitStart,
  formatReport,
  formatStart,
  LogSink,
  type ReportFields,
} from './logs.js';
import { EnvironmentLog, functionLogGroup, newLogStreamName } from './log-streams.js';
import type { Recorder } from './recorder.js';
import { mulberry32 } from '../schedule/prng.js';
import { clockTimer } from '../util/clock-timer.js';
import { sampler } from '../util/quantiles.js';
import { buildSpawnSpec, functionIdentity, type SpawnContext } from './spawn-spec.js';
import type { FrontKind, GroundTruthInvocation, InvocationStatus, InvocationType, RetireReason } from './types.js';

export interface PoolContext extends SpawnContext {
  accountId: string;
  initTimeoutMs: number;
  account: Account;
  recorder: Recorder;
  logStore: LogStore;
  logFile: WriteStream | undefined;
  nextEnvironmentId(functionName: string): string;
}

export interface InvokeRequest {
  requestId: string;
  payload: Buffer;
  invocationType: InvocationType;
  clientContext?: string;
  /** false: a throttle is not recorded (async invocations that will be retried). */
  recordThrottle?: boolean;
  /** Async invocations: the attempt (1-based) and when the event was accepted (epoch ms). */
  attempt?: number;
  acceptedAt?: number;
  /** The HTTP front the request came through, and the front's own request id. */
  front?: { kind: FrontKind; requestId: string };
}

export type InvokeOutcome =
  | { kind: 'throttled'; requestId: string; reason: ThrottleReason }
  | {
      kind: 'done';
      requestId: string;
      status: InvocationStatus;
      payload: Buffer;
      /** true: the response carries X-Amz-Function-Error: Unhandled. */
      functionError: boolean;
      /** The invocation's log tail (at most 4 KB). */
      logTail: Buffer;
    };

/** What happened between taking an environment and the end of the invocation. */
interface Attempt {
  env: Environment | undefined;
  result: RunResult;
  startMs: number;
  first: boolean;
  initDurationMs?: number;
  suppressedInit?: boolean;
  /** The error comes from a failed init (REPORT then says Status: error). */
  initFailure?: boolean;
}

const MAX_TIMER_MS = 2_147_483_647;

/** What the ground truth says of how an invocation was requested. */
function requestFields(req: InvokeRequest): Pick<GroundTruthInvocation, 'front' | 'frontRequestId' | 'attempt' | 'acceptedAt'> {
  return {
    ...(req.front !== undefined ? { front: req.front.kind, frontRequestId: req.front.requestId } : {}),
    ...(req.attempt !== undefined ? { attempt: req.attempt } : {}),
    ...(req.acceptedAt !== undefined ? { acceptedAt: req.acceptedAt } : {}),
  };
}

/**
 * The idle timeout of each new environment, in creation order: the fixed one, or draws from the
 * function's distribution, seeded so that a run repeats.
 */
function idleTimeouts(config: LocalFunctionConfig): () => number {
  const distribution = config.idleTimeoutDistribution;
  if (distribution === undefined) return () => config.idleTimeoutMs;
  return sampler(distribution.quantilesMs, mulberry32(distribution.seed));
}

/** Lambda's LastModified format: 2024-01-31T12:00:00.000+0000 */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export class FunctionPool {
  active = 0;
  reserved: number | undefined;
  /** Control-plane state: an update is InProgress briefly, then Successful. */
  lastUpdateStatus: 'Successful' | 'InProgress' = 'Successful';
  lastModified = lambdaTimestamp(new Date());
  private readonly idle: Environment[] = [];
  private readonly live = new Set<Environment>();
  /** Environments whose process has not exited yet, retired or not. */
  private readonly running = new Set<Environment>();
  private generation = 0;
  private scale: TokenBucket | undefined;
  private nextIdleTimeoutMs: () => number;
  private closed = false;
  private readonly fileSink: LogSink;

  constructor(
    readonly name: string,
    public config: LocalFunctionConfig,
    private readonly ctx: PoolContext,
  ) {
    this.reserved = config.concurrency;
    this.fileSink = new LogSink(ctx.logFile);
    this.nextIdleTimeoutMs = idleTimeouts(config);
    if (config.scaleRatePerSec !== undefined) this.scale = new TokenBucket(config.scaleRatePerSec, performance.now());
  }

  get arn(): string {
    return `arn:aws:lambda:${this.ctx.region}:${this.ctx.accountId}:function:${this.name}`;
  }

  identity(): ReturnType<typeof functionIdentity> {
    return functionIdentity(this.config, this.ctx.region);
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    const startedAt = Date.now();
    let reason = this.closed ? 'ConcurrentInvocationLimitExceeded' : this.ctx.account.check(this);
    const env = reason === undefined ? this.takeIdle() : undefined;
    if (reason === undefined && env === undefined && this.scale?.take(performance.now()) === false) {
      reason = 'FunctionInvocationRateLimitExceeded';
    }
    if (reason !== undefined) return this.throttled(req, reason, startedAt);
    const reservedAtAcquire = this.reserved;
    this.ctx.account.acquire(this);
    try {
      const sink = new LogSink(this.ctx.logFile);
      const attempt = env !== undefined ? await this.runWarm(env, req, sink) : await this.runCold(req, sink);
      return this.finish(req, sink, attempt, startedAt);
    } finally {
      this.ctx.account.release(this, reservedAtAcquire);
    }
  }

  /** Applies a configuration update: every environment is retired, so the next invocations are cold. */
  update(config: LocalFunctionConfig): void {
    if (config.idleTimeoutDistribution !== this.config.idleTimeoutDistribution || config.idleTimeoutMs !== this.config.idleTimeoutMs) {
      this.nextIdleTimeoutMs = idleTimeouts(config);
    }
    this.config = config;
    this.generation += 1;
    this.scale = config.scaleRatePerSec !== undefined ? new TokenBucket(config.scaleRatePerSec, performance.now()) : undefined;
    for (const env of [...this.idle]) this.retire(env, 'update');
  }

  liveEnvironments(): number {
    return this.live.size;
  }

  close(): void {
    this.closed = true;
    for (const env of [...this.live]) this.retire(env, 'close');
  }

  /** Resolves once the process of every environment it started has exited (after close: killed). */
  async exited(): Promise<void> {
    await Promise.all([...this.running].map((env) => env.exited));
  }

  private throttled(req: InvokeRequest, reason: ThrottleReason, startedAt: number): InvokeOutcome {
    if (req.recordThrottle !== false) {
      this.ctx.recorder.invocation({
        requestId: req.requestId,
        function: this.name,
        invocationType: req.invocationType,
        environmentId: null,
        firstInEnvironment: false,
        durationMs: 0,
        billedDurationMs: 0,
        memorySizeMB: this.config.memoryMB,
        maxMemoryUsedMB: 0,
        status: 'throttled',
        throttleReason: reason,
        startedAt,
        endedAt: Date.now(),
        ...requestFields(req),
      });
    }
    return { kind: 'throttled', requestId: req.requestId, reason };
  }

  private takeIdle(): Environment | undefined {
    for (;;) {
      const env = this.idle.pop();
      if (env === undefined) return undefined;
      if (env.state === 'idle' && env.generation === this.generation) return env;
    }
  }

  private event(req: InvokeRequest, timeoutMs: number): InvocationEvent {
    return {
      requestId: req.requestId,
      payload: req.payload,
      deadlineEpochMs: Date.now() + Math.max(0, timeoutMs),
      invokedFunctionArn: this.arn,
      ...(req.clientContext !== undefined ? { clientContext: req.clientContext } : {}),
    };
  }

  /** The log group of the function, and the ingestion delay of its events. */
  get logGroup(): string {
    return functionLogGroup(this.name, this.config.logGroup);
  }

  get logDelayMs(): number {
    return this.config.logDelayMs ?? DEFAULT_LOG_DELAY_MS;
  }

  /** A platform line: to the invocation's log (tail, file) and to the environment's stream. */
  private platform(sink: LogSink, env: Environment | undefined, text: string, level: 'info' | 'error' = 'info'): void {
    sink.write(text);
    env?.cloud?.platform(text, level);
  }

  private start(sink: LogSink, env: Environment, req: InvokeRequest): void {
    this.platform(sink, env, formatStart(this.config.logFormat, req.requestId, '$LATEST'));
  }

  private async runWarm(env: Environment, req: InvokeRequest, sink: LogSink): Promise<Attempt> {
    env.sink = sink;
    this.start(sink, env, req);
    const startMs = performance.now();
    const result = await env.run(this.event(req, this.config.timeoutMs), this.config.timeoutMs);
    return { env, result, startMs, first: false };
  }

  private async runCold(req: InvokeRequest, sink: LogSink): Promise<Attempt> {
    const timeoutMs = this.config.timeoutMs;
    const env = this.spawn(sink, 'init');
    const init = await env.start(this.ctx.initTimeoutMs);
    if (init.kind === 'ready') {
      this.start(sink, env, req);
      const startMs = performance.now();
      const result = await env.run(this.event(req, timeoutMs), timeoutMs);
      return { env, result, startMs, first: true, initDurationMs: init.initDurationMs };
    }
    this.initFailed(env, init, sink, 'init');
    // Suppressed init: Lambda retries the init inside the invocation, under the function timeout;
    // its time then counts in the invocation's Duration.
    const startMs = performance.now();
    const retry = this.spawn(sink, 'invoke', env.cloud?.streamName);
    const second = this.closed ? init : await retry.start(timeoutMs);
    const base = { env: retry, startMs, first: true, initDurationMs: second.initDurationMs, suppressedInit: true };
    if (second.kind === 'ready') {
      this.start(sink, retry, req);
      const remainingMs = timeoutMs - (performance.now() - startMs);
      return { ...base, result: await retry.run(this.event(req, remainingMs), remainingMs) };
    }
    this.initFailed(retry, second, sink, 'invoke');
    this.start(sink, retry, req);
    const result: RunResult =
      second.kind === 'timeout' ? { kind: 'timeout' } : { kind: 'error', errorType: second.errorType, payload: second.payload };
    return { ...base, result, initFailure: true };
  }

  /**
   * A new environment with its own log stream; a suppressed init's retry keeps the stream of the
   * failed init, as Lambda retries it in the same sandbox.
   */
  private spawn(sink: LogSink, phase: 'init' | 'invoke', streamName?: string): Environment {
    const id = this.ctx.nextEnvironmentId(this.name);
    const group = this.logGroup;
    const stream = streamName ?? newLogStreamName(this.name, group);
    const env = new Environment(buildSpawnSpec(id, this.name, this.config, this.ctx, { group, stream }));
    env.info.logStreamName = stream;
    env.info.idleTimeoutMs = this.nextIdleTimeoutMs();
    const dropPlatformInfo = this.config.logFormat === 'JSON' && this.config.systemLogLevel === 'WARN';
    env.cloud = new EnvironmentLog({ store: this.ctx.logStore, group, delayMs: this.logDelayMs, dropPlatformInfo }, stream);
    env.generation = this.generation;
    env.sink = sink;
    env.onIdleDeath = () => this.retire(env, 'exit');
    this.live.add(env);
    this.running.add(env);
    void env.exited.then(() => this.running.delete(env));
    this.ctx.recorder.environment(env.info);
    if (this.closed) env.kill();
    const ident = this.identity();
    this.platform(
      sink,
      env,
      formatInitStart(this.config.logFormat, {
        runtimeVersion: ident.runtimeVersion,
        runtimeVersionArn: ident.runtimeVersionArn,
        functionName: this.name,
        functionVersion: '$LATEST',
        phase,
      }),
    );
    const lifetimeMs = Math.min(this.config.maxLifetimeMs, MAX_TIMER_MS);
    env.lifetimeTimer = clockTimer(() => {
      env.expired = true;
      if (env.state === 'idle') this.retire(env, 'lifetime');
    }, lifetimeMs);
    return env;
  }

  private initFailed(env: Environment, init: Exclude<InitResult, { kind: 'ready' }>, sink: LogSink, phase: 'init' | 'invoke'): void {
    const errorType = init.kind === 'error' ? init.errorType : undefined;
    this.platform(
      sink,
      env,
      formatInitReport(this.config.logFormat, {
        initDurationMs: init.initDurationMs,
        phase,
        status: init.kind,
        ...(errorType !== undefined ? { errorType } : {}),
      }),
    );
    this.retire(env, init.kind === 'timeout' ? 'init-timeout' : 'init-error');
  }

  private finish(req: InvokeRequest, sink: LogSink, a: Attempt, startedAt: number): InvokeOutcome {
    const durationMs = performance.now() - a.startMs;
    const maxMemoryUsedMB = a.env?.maxMemoryUsedMB() ?? 0;
    const out = this.describe(req.requestId, a, sink);
    const initForReport = a.first && a.suppressedInit !== true ? a.initDurationMs : undefined;
    const report: ReportFields = {
      requestId: req.requestId,
      durationMs,
      billedDurationMs: billedDurationMs(durationMs, initForReport),
      memorySizeMB: this.config.memoryMB,
      maxMemoryUsedMB,
      status: out.status,
      ...(initForReport !== undefined ? { initDurationMs: initForReport } : {}),
      ...(out.errorType !== undefined ? { errorType: out.errorType } : {}),
      reportedByRuntime: a.result.kind === 'error' && a.initFailure !== true,
    };
    this.platform(sink, a.env, formatEnd(this.config.logFormat, report));
    this.platform(sink, a.env, formatReport(this.config.logFormat, report));
    this.ctx.recorder.invocation({
      requestId: req.requestId,
      function: this.name,
      invocationType: req.invocationType,
      environmentId: a.env?.info.id ?? null,
      firstInEnvironment: a.first,
      ...(a.first && a.initDurationMs !== undefined ? { initDurationMs: a.initDurationMs } : {}),
      ...(a.suppressedInit === true ? { suppressedInit: true } : {}),
      durationMs,
      billedDurationMs: report.billedDurationMs,
      memorySizeMB: this.config.memoryMB,
      maxMemoryUsedMB,
      status: out.status,
      ...(out.errorType !== undefined ? { errorType: out.errorType } : {}),
      startedAt,
      endedAt: Date.now(),
      ...requestFields(req),
    });
    if (a.env !== undefined) this.release(a.env, a.result);
    return { kind: 'done', requestId: req.requestId, status: out.status, payload: out.payload, functionError: out.status !== 'success', logTail: sink.tail.tail() };
  }

  /** The response payload and status of a finished attempt, logging what Lambda logs for it. */
  private describe(requestId: string, a: Attempt, sink: LogSink): { status: ReportFields['status']; payload: Buffer; errorType?: string } {
    const r = a.result;
    switch (r.kind) {
      case 'response':
        return { status: 'success', payload: r.payload };
      case 'error':
        return { status: 'error', payload: r.payload, errorType: r.errorType };
      case 'exit': {
        const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: ${r.detail}`;
        this.platform(sink, a.env, `${errorMessage}\nRuntime.ExitError\n`, 'error');
        return { status: 'error', errorType: 'Runtime.ExitError', payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage })) };
      }
      case 'timeout': {
        const seconds = (this.config.timeoutMs / 1000).toFixed(2);
        const errorMessage = `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`;
        return { status: 'timeout', errorType: 'Sandbox.Timedout', payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })) };
      }
    }
  }

  /** After an invocation: back to the warm pool, or retired. */
  private release(env: Environment, result: RunResult): void {
    if (env.state === 'dead') return this.retire(env, result.kind === 'timeout' ? 'timeout' : 'exit');
    if (this.closed) return this.retire(env, 'close');
    if (env.generation !== this.generation) return this.retire(env, 'update');
    if (env.expired) return this.retire(env, 'lifetime');
    env.sink = this.fileSink;
    this.idle.push(env);
    if (env.idleTimer === undefined) {
      // At least the idle timeout after the invocation ended (a bare timer can fire a millisecond
      // early), on the clock of the records that show both (endedAt, retiredAt: Date.now()).
      env.idleTimer = clockTimer(() => {
        if (env.state === 'idle') this.retire(env, 'idle');
      }, Math.min(env.info.idleTimeoutMs ?? this.config.idleTimeoutMs, MAX_TIMER_MS), Date.now);
    } else {
      env.idleTimer.refresh();
    }
  }

  private retire(env: Environment, reason: RetireReason): void {
    env.kill();
    if (env.info.retiredAt === undefined) {
      env.info.retiredAt = Date.now();
      env.info.reason = reason;
    }
    this.live.delete(env);
    const i = this.idle.indexOf(env);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
