/**
 * `coldbench run --workers N`: one run as N shards in N processes of this machine (one core
 * each), merged into one result. The workers prepare in parallel (warm-up, connections,
 * preflight); once every one is ready, they are given one start instant a moment ahead, so they
 * start together as shards on separate machines do with --start-at. A profile with a local:
 * emulator gets one emulator, started here and shared by every worker as one Lambda service is
 * shared by every client: its environments, cold starts and concurrency limits are the same as
 * for one process.
 *
 * With checkpoints on, each worker sends its shard so far every interval: the run has one
 * checkpoint file, the workers' shards so far merged, and a worker that dies during the load
 * counts in the result with the last shard it sent. abortOnFail rules are judged on the whole
 * run: count and rate rules on the workers' summed counts (reported four times a second), the
 * others on their merged shards; a failed one stops every worker, status 'aborted'.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { ColdbenchError, RunError } from '../errors.js';
import type { LoadedProfile } from '../profile/types.js';
import { mergeShards } from '../result/merge/index.js';
import type { Counts, Result, RunResult, ThresholdVerdict } from '../result/result.js';
import { evaluateLiveCounts, evaluateLiveResult, parseThresholds, readFromCounts } from '../gate/index.js';
import type { CheckpointOptions } from './checkpoints.js';
import { PARTIAL_WARNING } from './build-result.js';
import { builtScript, startLocalEmulator } from './local.js';
import type { LocalEmulator } from './local.js';
import type { WorkerReply, WorkerRequest } from './shard-host.js';

export interface WorkersOptions {
  count: number;
  /** A start instant given by the user (epoch ms); otherwise one is chosen once all are ready. */
  startAtMs?: number;
  toleranceMs: number;
  stop?: AbortSignal;
  hardStop?: AbortSignal;
  onStep?: (message: string) => void;
  /** Called at the start with the workers' summed live state, for one progress line. */
  onStart?: (state: WorkersState) => void;
  /**
   * Checkpoints of the whole run: the workers' latest snapshots, merged, go to the sink every
   * `everyMs` once the load has started.
   */
  checkpoint?: CheckpointOptions;
}

export interface WorkersState {
  readonly recorder: { readonly counts: Counts };
  inFlight(): number;
}

export interface WorkersRun {
  /** The shards' results, by index; a worker that failed has none. */
  results: RunResult[];
  /** The last snapshot (status partial) of each worker that ended without a result: what it measured until then. */
  partials: Result[];
  /** Whether the load was started (false: a worker failed, or the run was stopped, before it). */
  started: boolean;
  /** The abortOnFail rule that failed on the merged run so far and stopped every worker, if one did. */
  stoppedBy?: ThresholdVerdict;
  /** The first failure of a worker, if one failed: the run's error. */
  failure?: ColdbenchError;
  /** The process ids of the workers (for tests that check none is left behind). */
  pids: number[];
}

/**
 * The workers start this long after the last one is ready: time for the message to reach each
 * worker, with room to spare on a busy machine (with 250 ms, runs of 4 workers on this loaded
 * 2-core machine left their first requests up to 50 ms late).
 */
export const START_MARGIN_MS = 1000;
const READY_TIMEOUT_MS = 120_000;
const EXIT_GRACE_MS = 5000;

export async function runWorkers(loaded: LoadedProfile, opts: WorkersOptions): Promise<WorkersRun> {
  let emulator: LocalEmulator | undefined;
  const workers: Worker[] = [];
  const abortRules = parseThresholds(loaded.profile.thresholds).rules.filter((r) => r.abortOnFail);
  // Count and rate rules read the counts every worker reports a few times a second; the others
  // (latencies, cost, per request name) need the workers' shards so far.
  const countRules = abortRules.filter(readFromCounts);
  const shardRules = abortRules.filter((r) => !readFromCounts(r));
  let stoppedBy: ThresholdVerdict | undefined;
  const stopFor = (failed: ThresholdVerdict | undefined): void => {
    if (failed === undefined || stoppedBy !== undefined) return;
    stoppedBy = failed;
    workers.forEach((w) => w.send({ type: 'abort' }));
  };
  const snapshotMs = Math.min(opts.checkpoint?.everyMs ?? Infinity, shardRules.length > 0 ? RULES_SNAPSHOT_MS : Infinity);
  const soFar = snapshotMs === Infinity ? undefined : new RunSoFar(workers, {
    ...(shardRules.length > 0 && { judge: (merged: Result) => stopFor(evaluateLiveResult(shardRules, merged)[0]) }),
    ...(opts.checkpoint !== undefined && { checkpoint: opts.checkpoint }),
  });
  const onProgress = countRules.length === 0 ? undefined : (): void => {
    if (stoppedBy === undefined) stopFor(evaluateLiveCounts(countRules, summedCounts(workers))[0]);
  };
  try {
    const shared = await shareEmulator(loaded, opts, (e) => (emulator = e));
    opts.onStep?.(`starting ${opts.count} worker${opts.count === 1 ? '' : 's'}`);
    for (let index = 1; index <= opts.count; index++) workers.push(new Worker(index, opts.count, { snapshot: () => soFar?.arrived(), progress: onProgress }));
    // The compiled requests (closures, an open data file) do not cross to a process: each worker
    // prepares its own from the profile, reading the data file again.
    const { requests: _compiled, ...sendable } = loaded;
    for (const w of workers) {
      w.send({ type: 'run', loaded: sendable, shard: { index: w.index, count: opts.count }, toleranceMs: opts.toleranceMs, ...(soFar !== undefined && { snapshotMs }), ...(shared !== undefined && { emulator: shared }) });
    }
    // Every worker gets the same start instant, also when the run is stopped before it starts
    // (then at once, with nothing to send): their results are the shards of one run.
    let startedAtMs: number | undefined;
    const startAll = (startAtMs: number): void => {
      if (startedAtMs !== undefined) return;
      startedAtMs = startAtMs;
      workers.forEach((w) => w.send({ type: 'start', startAtMs }));
    };
    const forward = (request: WorkerRequest) => () => {
      startAll(Date.now());
      workers.forEach((w) => w.send(request));
    };
    if (opts.stop?.aborted === true) forward({ type: 'stop' })();
    opts.stop?.addEventListener('abort', forward({ type: 'stop' }), { once: true });
    opts.hardStop?.addEventListener('abort', forward({ type: 'hardStop' }), { once: true });
    const ready = await Promise.race([Promise.all(workers.map((w) => w.ready)), failureOf(workers)]);
    const started = ready !== 'failed' && startedAtMs === undefined;
    if (started) {
      const startAtMs = opts.startAtMs ?? Date.now() + START_MARGIN_MS;
      opts.onStep?.(`${opts.count === 1 ? 'the worker is' : `all ${opts.count} workers are`} ready; starting the load at ${new Date(startAtMs).toISOString()}`);
      startAll(startAtMs);
      opts.onStart?.(summedState(workers));
    } else {
      forward({ type: 'stop' })();
    }
    await Promise.all(workers.map((w) => w.finished));
    await soFar?.stop();
    const failure = workers.find((w) => w.failure !== undefined)?.failure;
    return {
      results: workers.flatMap((w) => (w.result === undefined ? [] : [w.result])),
      partials: workers.flatMap((w) => (w.result === undefined && w.snapshot !== undefined ? [w.snapshot] : [])),
      started,
      ...(stoppedBy !== undefined && { stoppedBy }),
      ...(failure !== undefined && { failure }),
      pids: workers.map((w) => w.pid),
    };
  } finally {
    await soFar?.stop();
    await Promise.all(workers.map((w) => w.kill()));
    await emulator?.close();
  }
}

/**
 * A profile with a local: emulator: start it here; every worker sends to it (and reads its logs
 * from it) as a run alone sends to its own, and its result names the target as the profile does,
 * not by this emulator's port.
 */
async function shareEmulator(loaded: LoadedProfile, opts: WorkersOptions, keep: (e: LocalEmulator) => void): Promise<string | undefined> {
  const target = loaded.profile.target;
  const local = target.kind === 'lambda' ? target.local : target.local?.emulator;
  if (local === undefined) return undefined;
  opts.onStep?.('starting the local Lambda emulator (shared by the workers)');
  const emulator = await startLocalEmulator(local);
  keep(emulator);
  return emulator.endpoint;
}

/**
 * The workers' snapshots come together (one start instant, one interval): a moment after the
 * first of a round comes in, the latest of each worker are merged.
 */
const GATHER_MS = 250;
/**
 * With abortOnFail rules on latencies, cost or a request name, the workers send their shards at
 * least this often: building one holds a worker's load for milliseconds (about 20 ms at 10,000
 * requests/s, docs/reliability.md), as often as a run alone's checkpoints do by default.
 */
const RULES_SNAPSHOT_MS = 10_000;

/**
 * The run so far, from the workers' snapshots: the abortOnFail rules that need it judged on it,
 * and the run's one checkpoint file written from it every checkpoint interval. A save still in
 * progress when the next is due puts it off to the next round.
 */
class RunSoFar {
  private due: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private savedAtMs = -Infinity;
  private stopped = false;

  constructor(
    private readonly workers: readonly Worker[],
    private readonly opts: { judge?: (merged: Result) => void; checkpoint?: CheckpointOptions },
  ) {}

  /** A worker's snapshot came in. */
  arrived(): void {
    if (this.stopped || this.due !== undefined) return;
    this.due = setTimeout(() => this.gather(), GATHER_MS);
    this.due.unref();
  }

  /** No more rounds; waits for a save in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.due);
    await this.saving;
  }

  private gather(): void {
    this.due = undefined;
    if (this.stopped) return;
    const { judge, checkpoint } = this.opts;
    let merged: Result;
    try {
      merged = mergedSnapshot(this.workers);
    } catch (err) {
      // Neither a checkpoint nor a rule may take the run down with it.
      checkpoint?.onError?.(err);
      return;
    }
    judge?.(merged);
    if (checkpoint === undefined || this.saving !== undefined || Date.now() - this.savedAtMs < checkpoint.everyMs - GATHER_MS) return;
    this.savedAtMs = Date.now();
    this.saving = checkpoint.sink.save(merged).catch((err: unknown) => checkpoint.onError?.(err)).finally(() => (this.saving = undefined));
  }
}

/**
 * The run so far: the latest of each worker (its result once in, else its last checkpoint)
 * merged as shards are, status `partial` and no verdicts, as a run alone's checkpoint.
 */
function mergedSnapshot(workers: readonly Worker[]): Result {
  const latest = workers.flatMap((w) => {
    const result = w.result ?? w.snapshot;
    return result === undefined ? [] : [{ source: `worker ${w.label}`, result }];
  });
  const merged = mergeShards(latest, { allowPartial: true, recordFiles: false });
  return { ...merged, status: 'partial', thresholds: [], warnings: [PARTIAL_WARNING, ...merged.warnings] };
}

/** Resolves 'failed' as soon as a worker fails before being ready. */
function failureOf(workers: readonly Worker[]): Promise<'failed'> {
  return new Promise((resolve) => workers.forEach((w) => void w.finished.then(() => w.result === undefined && resolve('failed'))));
}

/** The workers' counts as they last reported them, summed. */
function summedCounts(workers: readonly Worker[]): Counts {
  const sum: Counts = { planned: 0, sent: 0, ok: 0, errors: 0, throttles: 0, dropped: 0, warm: 0, cold: 0, proactive: 0, unknown: 0 };
  for (const w of workers) for (const key of Object.keys(sum) as (keyof Counts)[]) sum[key] += w.counts[key] ?? 0;
  return sum;
}

function summedState(workers: readonly Worker[]): WorkersState {
  return {
    get recorder() {
      return { counts: summedCounts(workers) };
    },
    inFlight: () => workers.reduce((a, w) => a + w.inFlight, 0),
  };
}

/** One worker process and what it has said. */
class Worker {
  readonly pid: number;
  readonly ready: Promise<void>;
  readonly finished: Promise<void>;
  result: RunResult | undefined;
  /** The latest shard so far it sent, once its load had a start instant (the merge needs one). */
  snapshot: Result | undefined;
  failure: ColdbenchError | undefined;
  counts: Partial<Counts> = {};
  inFlight = 0;
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(
    readonly index: number,
    readonly count: number,
    private readonly heard: { snapshot: () => void; progress: (() => void) | undefined },
  ) {
    this.child = fork(builtScript('shard-host.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.pid = this.child.pid ?? -1;
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    let markReady: () => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      setTimeout(() => reject(new RunError(`worker ${this.label} was not ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS).unref();
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (msg: WorkerReply) => this.onMessage(msg, markReady));
    this.finished = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        if (this.result === undefined && this.failure === undefined) {
          const why = signal !== null ? `was killed (${signal})` : `exited (code ${code})`;
          this.failure = new RunError(`worker ${this.label} ${why} without a result${this.stderr.trim() === '' ? '' : `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`}`);
        }
        resolve();
      });
    });
  }

  get label(): string {
    return `${this.index}/${this.count}`;
  }

  send(request: WorkerRequest): void {
    if (this.child.connected) this.child.send(request);
  }

  private onMessage(msg: WorkerReply, markReady: () => void): void {
    switch (msg.type) {
      case 'ready':
        markReady();
        return;
      case 'progress':
        this.counts = msg.counts;
        this.inFlight = msg.inFlight;
        this.heard.progress?.();
        return;
      case 'snapshot':
        // Those sent before the start instant was known (the first, empty one) cannot be merged.
        if (typeof msg.result.shard?.startAt !== 'string') return;
        this.snapshot = msg.result;
        this.heard.snapshot();
        return;
      case 'result':
        this.result = msg.result;
        this.counts = msg.result.counts;
        this.inFlight = 0;
        return;
      case 'error':
        this.failure = new ColdbenchError(`worker ${this.label}: ${msg.message}`, msg.exitCode, msg.hint);
        return;
    }
  }

  /** Waits for the process to end, killing it if it outstays the grace time. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_GRACE_MS);
    this.child.disconnect?.();
    await this.finished;
    clearTimeout(timer);
  }
}
