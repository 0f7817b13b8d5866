/**
 * One execution environment: a real child process that talks to the emulator over its own
 * Runtime API listener. It runs one invocation at a time; the function pool decides when it is
 * created, reused and retired.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EnvironmentLog } from './log-streams.js';
import type { LogSink } from './logs.js';
import { clockTimer, type ClockTimer } from '../util/clock-timer.js';
import { startRuntimeApi, type RuntimeApi } from './runtime-api.js';
import { limitCpuShare } from './cpu-share.js';
import type { EnvironmentInfo } from './types.js';

export interface SpawnSpec {
  id: string;
  functionName: string;
  command: string;
  args: string[];
  cwd: string;
  /** Everything but AWS_LAMBDA_RUNTIME_API, which is added once the listener has a port. */
  env: Record<string, string>;
  host: string;
  /** When set, the environment gets this memory size's CPU share once initialized (cpu-share.ts). */
  cpuShareMemoryMB?: number;
}

export type InitResult =
  | { kind: 'ready'; initDurationMs: number }
  | { kind: 'error'; initDurationMs: number; errorType: string; payload: Buffer }
  | { kind: 'timeout'; initDurationMs: number };

export interface InvocationEvent {
  requestId: string;
  payload: Buffer;
  deadlineEpochMs: number;
  invokedFunctionArn: string;
  clientContext?: string;
}

export type RunResult =
  | { kind: 'response'; payload: Buffer }
  /** Reported by the runtime through /invocation/{id}/error. */
  | { kind: 'error'; errorType: string; payload: Buffer }
  /** The process ended mid-invocation; detail as Lambda words it ("exit status 1", "signal: killed"). */
  | { kind: 'exit'; detail: string }
  | { kind: 'timeout' };

const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export class Environment {
  readonly info: EnvironmentInfo;
  state: 'init' | 'idle' | 'busy' | 'dead' = 'init';
  /** Where the child's output goes right now (the current invocation's log, or the function's file). */
  sink: LogSink | undefined;
  /** The environment's CloudWatch Logs stream: every line it writes, invoked or idle. */
  cloud: EnvironmentLog | undefined;
  /** Called when the process dies while idle (the pool drops it). */
  onIdleDeath: (() => void) | undefined;
  /** Pool bookkeeping: configuration generation and whether maxLifetime has passed. */
  generation = 0;
  expired = false;
  idleTimer: ClockTimer | undefined;
  lifetimeTimer: ClockTimer | undefined;

  private child: ChildProcess | undefined;
  private processGone: () => void = () => undefined;
  /** Resolves once its process has exited: at once when none was started, or its spawn failed. */
  readonly exited = new Promise<void>((resolve) => (this.processGone = resolve));
  private api: RuntimeApi | undefined;
  private spawnedAtMs = 0;
  private poll: ServerResponse | undefined;
  private current: { event: InvocationEvent; resolve: (r: RunResult) => void; dispatched: boolean } | undefined;
  private runTimer: ClockTimer | undefined;
  private initWaiter: ((r: InitResult) => void) | undefined;
  private statusFd = -1;
  private liftCpuLimit: (() => void) | undefined;
  private memoryMB = 0;
  private readonly statusBuf = Buffer.alloc(4096);

  constructor(private readonly spec: SpawnSpec) {
    this.info = { id: spec.id, function: spec.functionName, pid: null, createdAt: Date.now(), invocations: 0 };
  }

  /** Spawns the process and resolves when it first polls `next`, fails, or runs past the timeout. */
  async start(initTimeoutMs: number): Promise<InitResult> {
    this.api = await startRuntimeApi(this.spec.host, {
      next: (res) => this.onNext(res),
      response: (id, body, tooLarge) => this.onResult(id, responseResult(body, tooLarge)),
      error: (id, errorType, body) => this.onResult(id, { kind: 'error', errorType, payload: errorBody(errorType, body) }),
      initError: (errorType, body) => this.endInit({ kind: 'error', initDurationMs: this.sinceSpawnMs(), errorType, payload: errorBody(errorType, body) }),
    });
    const done = new Promise<InitResult>((resolve) => (this.initWaiter = resolve));
    this.spawnChild();
    // Armed after the spawn, which the Init Duration counts from.
    const timer = clockTimer(() => this.endInit({ kind: 'timeout', initDurationMs: this.sinceSpawnMs() }), initTimeoutMs);
    const result = await done;
    timer.clear();
    if (result.kind !== 'ready') this.kill();
    return result;
  }

  /** Hands one event to the runtime; resolves when it answers, exits or times out. */
  run(event: InvocationEvent, timeoutMs: number): Promise<RunResult> {
    this.state = 'busy';
    this.info.invocations += 1;
    return new Promise((resolve) => {
      this.current = { event, resolve, dispatched: false };
      // At least the timeout on performance.now(), the clock the reported Duration is read on.
      this.runTimer = clockTimer(() => this.onTimeout(), Math.max(0, timeoutMs));
      const poll = this.poll;
      if (poll !== undefined) {
        this.poll = undefined;
        this.dispatch(poll);
      }
    });
  }

  /**
   * Peak resident memory of the process (VmHWM, a high-water mark over its whole life, like
   * Lambda's Max Memory Used). One pread of procfs through a descriptor opened at spawn: no disk
   * I/O. Linux only; elsewhere 0.
   */
  maxMemoryUsedMB(): number {
    if (this.statusFd < 0) return this.memoryMB;
    try {
      const n = readSync(this.statusFd, this.statusBuf, 0, this.statusBuf.length, 0);
      const m = /VmHWM:\s+(\d+) kB/.exec(this.statusBuf.toString('latin1', 0, n));
      if (m !== null) this.memoryMB = Math.ceil(Number(m[1]) / 1024);
    } catch {
      // The process is gone: keep the last sample.
    }
    return this.memoryMB;
  }

  /** Ends the process and its listener at once. Idempotent. */
  kill(): void {
    if (this.state === 'dead') return;
    this.maxMemoryUsedMB();
    this.state = 'dead';
    this.runTimer?.clear();
    this.idleTimer?.clear();
    this.lifetimeTimer?.clear();
    this.liftCpuLimit?.();
    this.child?.kill('SIGKILL');
    if (this.child === undefined) this.processGone();
    this.api?.close();
    this.poll?.destroy();
    this.poll = undefined;
    if (this.statusFd >= 0) closeSync(this.statusFd);
    this.statusFd = -1;
  }

  private spawnChild(): void {
    const env = { ...this.spec.env, AWS_LAMBDA_RUNTIME_API: this.api!.address };
    this.spawnedAtMs = performance.now();
    // detached: a process group of its own, so a Ctrl-C at the terminal reaches coldbench (which
    // then drains in-flight invocations) and not the environments in the middle of them.
    const child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.info.pid = child.pid ?? null;
    // stdin stays open: our Node runtime exits when it closes, i.e. when this process dies.
    child.stdin?.on('error', () => undefined);
    child.stdout?.on('data', (chunk: Buffer) => {
      this.sink?.write(chunk);
      this.cloud?.output(chunk, 'stdout');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.sink?.write(chunk);
      this.cloud?.output(chunk, 'stderr');
    });
    child.on('error', (err) => this.onSpawnError(err));
    child.on('close', (code, signal) => this.onClose(code, signal));
    if (child.pid !== undefined) {
      try {
        this.statusFd = openSync(`/proc/${child.pid}/status`, 'r');
      } catch {
        this.statusFd = -1;
      }
    }
  }

  private sinceSpawnMs(): number {
    return performance.now() - this.spawnedAtMs;
  }

  private endInit(result: InitResult): void {
    const waiter = this.initWaiter;
    if (waiter === undefined) return;
    this.initWaiter = undefined;
    this.info.initDurationMs = result.initDurationMs;
    if (result.kind === 'ready') {
      this.state = 'idle';
      if (this.spec.cpuShareMemoryMB !== undefined && this.child !== undefined) {
        this.liftCpuLimit = limitCpuShare(this.child, this.spec.cpuShareMemoryMB);
      }
    }
    waiter(result);
  }

  private onNext(res: ServerResponse): void {
    if (this.state === 'dead') {
      res.destroy();
      return;
    }
    if (this.state === 'init') this.endInit({ kind: 'ready', initDurationMs: this.sinceSpawnMs() });
    if (this.current !== undefined && !this.current.dispatched) this.dispatch(res);
    else this.poll = res;
  }

  private dispatch(res: ServerResponse): void {
    const cur = this.current!;
    cur.dispatched = true;
    const e = cur.event;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': e.payload.length,
      'lambda-runtime-aws-request-id': e.requestId,
      'lambda-runtime-deadline-ms': e.deadlineEpochMs,
      'lambda-runtime-invoked-function-arn': e.invokedFunctionArn,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${e.requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`,
    };
    if (e.clientContext !== undefined) headers['lambda-runtime-client-context'] = e.clientContext;
    res.writeHead(200, headers);
    res.end(e.payload);
  }

  private onResult(requestId: string, result: RunResult): boolean {
    const cur = this.current;
    if (cur === undefined || cur.event.requestId !== requestId || !cur.dispatched) return false;
    this.current = undefined;
    this.runTimer?.clear();
    this.state = 'idle';
    // The runtime wrote its logs to the pipe before posting the result; let this poll turn's
    // pipe reads land in the invocation's log before it is closed.
    setImmediate(() => cur.resolve(result));
    return true;
  }

  private onTimeout(): void {
    const cur = this.current;
    if (cur === undefined) return;
    this.current = undefined;
    this.kill();
    cur.resolve({ kind: 'timeout' });
  }

  private onSpawnError(err: NodeJS.ErrnoException): void {
    // ENOENT / EACCES: a missing or non-executable bootstrap (Lambda's Runtime.InvalidEntrypoint).
    const payload = Buffer.from(JSON.stringify({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `${err.code ?? 'spawn'}: ${err.message}` }));
    this.endInit({ kind: 'error', initDurationMs: this.sinceSpawnMs(), errorType: 'Runtime.InvalidEntrypoint', payload });
    this.kill();
    this.processGone();
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    const detail = signal !== null ? `signal: ${signalWord(signal)}` : `exit status ${code ?? 0}`;
    const wasIdle = this.state === 'idle' && this.current === undefined;
    const cur = this.current;
    this.current = undefined;
    this.kill();
    this.processGone();
    this.cloud?.flush();
    if (this.initWaiter !== undefined) {
      const errorMessage = `Error: Runtime exited with error: ${detail}`;
      const payload = Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage }));
      this.endInit({ kind: 'error', initDurationMs: this.sinceSpawnMs(), errorType: 'Runtime.ExitError', payload });
    } else if (cur !== undefined) {
      cur.resolve({ kind: 'exit', detail });
    } else if (wasIdle) {
      this.onIdleDeath?.();
    }
  }
}

function responseResult(body: Buffer, tooLarge: boolean): RunResult {
  if (!tooLarge && body.length <= MAX_RESPONSE_BYTES) return { kind: 'response', payload: body };
  const errorType = 'Function.ResponseSizeTooLarge';
  const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
  return { kind: 'error', errorType, payload: Buffer.from(JSON.stringify({ errorType, errorMessage })) };
}

/** The runtime's error document, or a minimal one when it sent none. */
function errorBody(errorType: string, body: Buffer): Buffer {
  if (body.length > 0) return body;
  return Buffer.from(JSON.stringify({ errorType, errorMessage: '' }));
}

/** Go's wording, which Lambda's messages use ("signal: killed"). */
function signalWord(signal: NodeJS.Signals): string {
  const words: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted',
    SIGINT: 'interrupt',
  };
  return words[signal] ?? signal;
}
