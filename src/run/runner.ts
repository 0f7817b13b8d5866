/**
 * The runner: one loop for every phase. The open model sends each request at its planned
 * instant whatever the target does; the closed model keeps N workers busy. Latency is measured
 * from the planned instant (the wrk2 rule), so a stalled target shows in the percentiles instead
 * of silently slowing the load.
 */
import type { LoadModel, Phase } from '../profile/types.js';
import { shardOffsets, shardSeq } from '../schedule/shard.js';
import type { Shard } from '../schedule/shard.js';
import type { Outcome, SendContext, Target } from '../targets/target.js';
import { realClock, waitUntil } from './clock.js';
import type { Clock } from './clock.js';
import { Recorder } from './recorder.js';
import type { CostAccumulator } from '../lambda/cost.js';
import type { RunStatus } from '../result/result.js';

export type { RunStatus };

export interface RunnerOptions {
  load: LoadModel;
  target: Target;
  clock?: Clock;
  /** Aborting it stops sending; in-flight requests get `drainMs` to finish. */
  stop?: AbortSignal;
  /** Why the run was stopped when `stop` fires ('interrupted' for Ctrl-C, 'aborted' for a gate). */
  stopStatus?: () => RunStatus;
  /** How long in-flight requests may finish after a stop (default 5 s). */
  drainMs?: number;
  /** Aborting it cancels in-flight requests at once (second Ctrl-C). */
  hardStop?: AbortSignal;
  /** Adds up the cost of billed invocations (Lambda targets). */
  cost?: CostAccumulator;
  /** Memory size to bill when a REPORT does not say. */
  memoryMB?: number;
  /** Called after each completed request (thresholds with abortOnFail, progress). */
  onCompleted?: (recorder: Recorder) => void;
  /** Called after each arrival dropped at maxInFlight (count thresholds with abortOnFail). */
  onDropped?: (recorder: Recorder) => void;
  /**
   * Clock time at which the load starts (--start-at, --workers); default now. The runner waits
   * for it, and the schedule's offsets count from it.
   */
  startAt?: number;
  /** Called when the last request has been sent and `inFlight` answers are still awaited. */
  onDrain?: (inFlight: number) => void;
  /**
   * Most requests the target can send (a data file read once: one request per row). The run ends
   * when they have all been sent, and its record says so.
   */
  maxRequests?: number;
  /** Names of the target's requests (Outcome.request): the recorder breaks the results down by them. */
  requestNames?: readonly string[];
}

export interface RunRecord {
  status: RunStatus;
  recorder: Recorder;
  /** Clock times of the run's start and end. */
  startedAt: number;
  endedAt: number;
  /** Requests still unanswered when the run ended (only after a stop). */
  abandoned: number;
  /**
   * How late the first request left (ms): against its planned instant in the open model, against
   * the start in the closed model. Null when nothing was sent.
   */
  firstSendLateMs: number | null;
  /** The run ended because the target had no more requests to send (RunnerOptions.maxRequests). */
  ranOut?: { afterMs: number };
}

/** Live state for progress displays. */
export interface RunState {
  readonly recorder: Recorder;
  inFlight(): number;
  /** Requests whose start waits for the function's logs (absent when none are read). */
  pendingStarts?(): number;
}

export class Runner implements RunState {
  readonly recorder: Recorder;
  private readonly clock: Clock;
  private readonly startedAt: number;
  private inFlightCount = 0;
  private drained: (() => void) | undefined;
  private seq = 0;
  /** Requests cancelled by a hard stop: sent, but never answered. */
  private cancelled = 0;
  private readonly cancel = new AbortController();
  private readonly target: Target;
  private readonly stopSignal: AbortSignal | undefined;
  private readonly onCompleted: ((recorder: Recorder) => void) | undefined;
  private readonly onDropped: ((recorder: Recorder) => void) | undefined;
  /** Closed model: iterations left, and the clock time at which no new request starts. */
  private remaining = Infinity;
  private closedUntil = Infinity;
  private readonly shard: Shard | undefined;
  /** The first request's planned and actual send instants (clock ms). */
  private firstSend: { plannedAt: number; sentAt: number } | undefined;
  private readonly maxRequests: number;
  /** Clock time at which the requests ran out. */
  private ranOutAt: number | undefined;

  constructor(private readonly opts: RunnerOptions) {
    this.clock = opts.clock ?? realClock;
    // Read per request from fields of the runner, not from `opts`: options objects come in
    // several shapes (the warm-up's, the run's), and code compiled for one would be thrown
    // away at the first request of the other.
    this.target = opts.target;
    this.stopSignal = opts.stop;
    this.onCompleted = opts.onCompleted;
    this.onDropped = opts.onDropped;
    this.shard = opts.load.shard;
    this.startedAt = opts.startAt ?? this.clock.now();
    this.maxRequests = opts.maxRequests ?? Infinity;
    this.recorder = new Recorder(this.startedAt, opts.cost, opts.memoryMB, opts.requestNames);
    opts.hardStop?.addEventListener('abort', () => this.cancel.abort(), { once: true });
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  async run(): Promise<RunRecord> {
    const { load } = this.opts;
    await this.waitFor(this.startedAt);
    if (load.model === 'open') await this.runOpen(load.phases, load.maxInFlight);
    else await this.runClosed(load.concurrency, load.durationMs, load.iterations);
    const abandoned = await this.drain();
    const status: RunStatus = this.stopped() ? (this.opts.stopStatus?.() ?? 'interrupted') : 'completed';
    const record: RunRecord = { status, recorder: this.recorder, startedAt: this.startedAt, endedAt: this.clock.now(), abandoned, firstSendLateMs: this.firstSendLateMs() };
    if (this.ranOutAt !== undefined) record.ranOut = { afterMs: this.ranOutAt - this.startedAt };
    return record;
  }

  private firstSendLateMs(): number | null {
    const first = this.firstSend;
    if (first === undefined) return null;
    const dueAt = this.opts.load.model === 'open' ? first.plannedAt : this.startedAt;
    return Math.max(0, first.sentAt - dueAt);
  }

  /**
   * True once every request the target can send has been sent: the next request's number in the
   * whole run (a shard's numbers interleave with the other shards') is past the last.
   */
  private ranOut(now: number): boolean {
    if (shardSeq(this.seq, this.shard) < this.maxRequests) return false;
    this.ranOutAt ??= now;
    return true;
  }

  private stopped(): boolean {
    return this.stopSignal?.aborted === true;
  }

  /** Open model: every planned instant either sends a request or, at maxInFlight, is dropped. */
  private async runOpen(phases: Phase[], maxInFlight: number): Promise<void> {
    const { clock, recorder, startedAt } = this;
    for (const offsetMs of shardOffsets(phases, this.shard)) {
      const plannedAt = startedAt + offsetMs;
      if (plannedAt > clock.now()) await this.waitFor(plannedAt);
      if (this.stopped() || this.ranOut(plannedAt)) return;
      recorder.planned();
      if (this.inFlightCount >= maxInFlight) {
        // Drops happen while the target holds every slot, when nothing completes: a gate on
        // dropped.count must see them as they happen, not at the next completion.
        recorder.dropped(plannedAt);
        this.onDropped?.(recorder);
      } else {
        void this.fire(plannedAt);
      }
    }
  }

  /** Sleeps until `at`, waking at once if the run is stopped. */
  private waitFor(at: number): Promise<void> {
    return waitUntil(this.clock, at, this.stopSignal);
  }

  /** Closed model: each worker sends its next request when its last one ends. */
  private async runClosed(concurrency: number, durationMs?: number, iterations?: number): Promise<void> {
    this.closedUntil = durationMs === undefined ? Infinity : this.startedAt + durationMs;
    this.remaining = iterations ?? Infinity;
    const { target } = this;
    const worker = hasSendWith(target) ? () => this.callbackWorker(target) : () => this.promiseWorker();
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /**
   * Takes the closed model's next iteration, if the run goes on at clock time `now`. The request
   * is planned at the instant its worker became free (the previous answer's end, read once in
   * ended()) and sent at it: the bookkeeping in between, well under a microsecond, counts in the
   * new request's latency instead of being left out.
   */
  private nextIteration(now: number): boolean {
    if (this.remaining <= 0 || this.stopped() || now >= this.closedUntil || this.ranOut(now)) return false;
    this.remaining--;
    this.recorder.planned();
    this.began(now, now);
    return true;
  }

  private async promiseWorker(): Promise<void> {
    let now = this.clock.now();
    while (this.nextIteration(now)) now = this.ended(now, now, await this.send());
  }

  /**
   * A worker driven by its target's completion callback (Target.sendWith): the handler of one
   * answer records it and sends the next request at once, where a promise would wait for the
   * microtask queue. An outcome given back while sendWith is still running (a request that
   * failed before it left) is taken by the loop instead, so a row of such failures does not
   * grow the stack. The callback runs inside the client's code, which would swallow an
   * exception: one is passed on to the run instead.
   */
  private callbackWorker(target: CallbackTarget): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let now = this.clock.now();
      let sending = false;
      let early: Outcome | undefined;
      /** Records `outcome` (none at the start), then sends until a request is in flight or the run ends. */
      const advance = (outcome?: Outcome): void => {
        try {
          if (outcome !== undefined) now = this.ended(now, now, outcome);
          while (this.nextIteration(now)) {
            sending = true;
            early = undefined;
            target.sendWith(this.context(), done);
            sending = false;
            if (early === undefined) return;
            now = this.ended(now, now, early);
          }
          resolve();
        } catch (err) {
          reject(err);
        }
      };
      const done = (outcome: Outcome): void => {
        if (sending) early = outcome;
        else advance(outcome);
      };
      advance();
    });
  }

  private async fire(plannedAt: number): Promise<void> {
    const sentAt = this.clock.now();
    this.began(plannedAt, sentAt);
    this.ended(plannedAt, sentAt, await this.send());
  }

  private send(): Promise<Outcome> {
    // A target never rejects (targets/target.ts); one that does anyway has failed that request,
    // as a failure of the client, and the run goes on instead of losing what it measured.
    return this.target.send(this.context()).catch((err: unknown) => ({ kind: 'error', errorClass: 'client', message: err instanceof Error ? err.message : String(err) }));
  }

  private context(): SendContext {
    return { seq: shardSeq(this.seq++, this.shard), signal: this.cancel.signal };
  }

  private began(plannedAt: number, sentAt: number): void {
    if (this.firstSend === undefined) this.firstSend = { plannedAt, sentAt };
    this.inFlightCount++;
    this.recorder.sent(plannedAt, sentAt);
  }

  /** Records the outcome; returns the clock time it ended at. */
  private ended(plannedAt: number, sentAt: number, outcome: Outcome): number {
    const endedAt = this.clock.now();
    this.inFlightCount--;
    if (outcome.kind === 'error' && outcome.errorClass === 'aborted' && this.cancel.signal.aborted) {
      // Cancelled by a hard stop: not an answer from the target, so not an error of it.
      this.cancelled++;
    } else {
      this.recorder.completed({ plannedAt, sentAt, endedAt, outcome });
      this.onCompleted?.(this.recorder);
    }
    if (this.inFlightCount === 0) this.drained?.();
    return endedAt;
  }

  /**
   * Waits for in-flight requests: all of them after a normal end, at most drainMs after a stop,
   * also a stop that comes while waiting for all of them (Ctrl-C on a run that waits for slow
   * answers ends that wait like any other).
   */
  private async drain(): Promise<number> {
    if (this.inFlightCount === 0) return this.cancelled;
    const allDone = new Promise<void>((resolve) => (this.drained = resolve));
    if (!this.stopped()) {
      this.opts.onDrain?.(this.inFlightCount);
      const stop = this.stopSignal;
      const stopped = new Promise<void>((resolve) => stop?.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([allDone, stopped]);
      if (!this.stopped()) return 0;
      if (this.inFlightCount === 0) return this.cancelled;
    }
    const drainMs = this.opts.drainMs ?? 5000;
    const hard = new Promise<void>((resolve) => {
      if (this.cancel.signal.aborted) resolve();
      this.cancel.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const timer = new AbortController();
    await Promise.race([allDone, this.clock.sleep(drainMs, timer.signal), hard]);
    timer.abort();
    this.cancel.abort();
    // Cancelled ones may have settled already (as 'aborted'), or may settle after this returns.
    return this.cancelled + this.inFlightCount;
  }
}

type CallbackTarget = Target & Required<Pick<Target, 'sendWith'>>;

function hasSendWith(target: Target): target is CallbackTarget {
  return target.sendWith !== undefined;
}

export function runLoad(opts: RunnerOptions): Promise<RunRecord> {
  return new Runner(opts).run();
}
