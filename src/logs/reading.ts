/**
 * A run's reading of the function's logs: the readers of its log group (and of the API Gateway
 * access log), polled during the load so cold starts show up as they are found, then read until
 * every request is matched or the wait is over. The result says how complete the join got.
 */
import type { LogsConfig } from '../profile/types.js';
import type { Recorder } from '../run/recorder.js';
import type { JoinFigures } from './join.js';
import type { ReadStats, ReaderClock } from './reader.js';
import type { GroupSpec, JoinedLogSource } from './source.js';

export type LogMode = 'sync' | 'async';

/** After the run's end plus the largest lag seen, a round that begins this much later reads its last lines. */
const RUN_END_MARGIN_MS = 1_000;
/** After the load, the longest pause between reads (the default poll), whatever coldStart.logs.poll says. */
const AFTER_LOAD_POLL_MS = 2_000;

/** The filter of the platform lines the join reads; undefined (every line) when the format is unknown. */
export function platformPattern(format: 'Text' | 'JSON' | undefined, mode: LogMode): string | undefined {
  // Filter pattern syntax: "?term" is OR, a quoted term is a phrase, `{ $.key = "value" }` a JSON test.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
  if (format === 'Text') return mode === 'async' ? '?"START RequestId" ?"REPORT RequestId" ?"INIT_START"' : '?"REPORT RequestId" ?"INIT_START"';
  if (format === 'JSON') {
    const types = mode === 'async' ? ['platform.report', 'platform.start', 'platform.initStart'] : ['platform.report', 'platform.initStart'];
    return `{ ${types.map((t) => `$.type = "${t}"`).join(' || ')} }`;
  }
  return undefined;
}

/** The groups a reading reads: the function's log group, and the stage's access log if any. */
export function groupSpecs(config: LogsConfig, logGroup: string, filterPattern: string | undefined): GroupSpec[] {
  const groups: GroupSpec[] = [{ logGroup, ...(filterPattern !== undefined && { filterPattern }) }];
  if (config.accessLog !== undefined) groups.push({ logGroup: config.accessLog.logGroup, access: config.accessLog });
  return groups;
}

export interface LogReadingOptions {
  /** Reads the groups of `groupSpecs(config, logGroup, filterPattern)`, and joins. */
  source: JoinedLogSource;
  config: LogsConfig;
  logGroup: string;
  filterPattern: string | undefined;
  mode: LogMode;
  clock: ReaderClock;
  /** Problems found before the load that did not stop it. */
  notes?: string[];
  /** Async: attempts Lambda makes of a failed event. */
  asyncMaxAttempts?: number;
}

/** What the reading ends with, for the result file. */
export interface LogReadingOutcome {
  logGroup: string;
  accessLogGroup: string | undefined;
  filterPattern: string | undefined;
  join: JoinFigures;
  stats: ReadStats;
  /** How long the reading went on after the load ended, ms. */
  waitedMs: number;
  /** The reading stopped before its wait was over (Ctrl-C). */
  stoppedEarly: boolean;
  problems: string[];
}

export class LogReading {
  private readonly problems: string[];
  private attached = false;
  private loop: Promise<void> | undefined;
  private readonly loopStop = new AbortController();
  private fromEpoch = 0;
  private runStartEpoch = 0;
  private fatal = false;
  readonly filterPattern: string | undefined;

  constructor(private readonly opts: LogReadingOptions) {
    this.problems = [...(opts.notes ?? [])];
    this.filterPattern = opts.filterPattern;
  }

  /** Requests the join still waits for (the progress line shows them). */
  get pending(): number {
    return this.attached ? this.opts.source.pending : 0;
  }

  /**
   * Joins the requests of `recorder` from now on. `epochOf` turns the runner's clock into epoch
   * ms; `runStartEpoch` is the run's start, where the run-level figures begin; the first read
   * starts `marginMs` before it (log clocks may be a little behind ours).
   */
  attach(recorder: Recorder, epochOf: (clockMs: number) => number, runStartEpoch: number, marginMs: number): void {
    const fromEpoch = runStartEpoch - marginMs;
    const { config, mode, source } = this.opts;
    recorder.startJoin = source.attach(recorder, { mode, viaAccessLog: config.accessLog !== undefined, asyncMaxAttempts: this.opts.asyncMaxAttempts ?? 3 }, epochOf);
    this.attached = true;
    this.fromEpoch = fromEpoch;
    this.runStartEpoch = runStartEpoch;
    source.setRunWindow(runStartEpoch, Infinity);
    this.loop = this.pollUntilStopped();
  }

  /**
   * After the load: stops the regular polls, then reads until every request is matched, the
   * wait is over, or `stop` aborts (Ctrl-C). A load that `stop` already ended (a Ctrl-C during
   * it) keeps the wait for the lines of the requests it sent: then only `hardStop` (a second
   * Ctrl-C) cuts the reading short, as it cuts the wait for requests in flight. `onWaiting` is
   * told how many are pending.
   */
  async finish(opts: { stop?: AbortSignal; hardStop?: AbortSignal; onWaiting?: (pending: number, retrying: number) => void; runEndEpoch: number; invoked: boolean }): Promise<LogReadingOutcome> {
    if (!this.attached) throw new Error('LogReading.finish before attach');
    const { clock, config, source } = this.opts;
    this.loopStop.abort();
    await this.loop;
    source.setRunWindow(this.runStartEpoch, opts.runEndEpoch);
    const began = clock.now();
    const deadline = began + config.waitMs;
    const cut = opts.stop?.aborted === true ? opts.hardStop : opts.stop;
    // The run-level figures count every REPORT timed inside the run, also when no request waits
    // for its line (answers without an id, starts known otherwise): the reading goes on until a
    // round began once the run's last lines were in, at the largest lag seen (within the wait).
    // A run that invoked the function but has read none of its lines yet knows no lag: it reads
    // on for the wait.
    const linesInAt = (): number => opts.runEndEpoch + source.stats().largestLagMs + RUN_END_MARGIN_MS;
    const lagKnown = (): boolean => !opts.invoked || source.stats().events > 0;
    let roundAt = -Infinity;
    const done = (): boolean => source.pending === 0 && lagKnown() && roundAt >= linesInAt();
    while (!this.fatal && !done() && opts.hardStop?.aborted !== true) {
      opts.onWaiting?.(source.pending, source.retrying);
      roundAt = clock.now();
      await this.readAll(opts.hardStop, true);
      if (done() || clock.now() >= deadline || cut?.aborted === true) break;
      // After the load, reads come at least as often as the default poll: lines are due now.
      const every = Math.min(config.pollMs, AFTER_LOAD_POLL_MS);
      const next = source.pending > 0 || !lagKnown() ? every : Math.min(every, linesInAt() - clock.now());
      await clock.sleep(Math.max(0, Math.min(next, deadline - clock.now())), cut);
    }
    const stoppedEarly = !done() && (cut?.aborted === true || opts.hardStop?.aborted === true);
    const figures = await source.finish();
    const stats = this.opts.source.stats();
    if (figures.withoutLambdaField > 0) {
      const field = config.accessLog?.lambdaRequestIdField;
      this.problems.push(`${figures.withoutLambdaField} access-log line${figures.withoutLambdaField === 1 ? ' has' : 's have'} no field "${field}" (coldStart.logs.accessLog.lambdaRequestIdField): their requests' start is unknown; the stage's access log must log $context.integration.requestId under that name (docs/logs.md)`);
    }
    if (figures.deferred > 0 && stats.events === 0 && !this.fatal && !stoppedEarly) {
      this.problems.push(`no platform line was read from ${this.opts.logGroup}: check the group and the function's SystemLogLevel (INFO keeps START and REPORT)`);
    }
    return {
      logGroup: this.opts.logGroup,
      accessLogGroup: config.accessLog?.logGroup,
      filterPattern: this.filterPattern,
      join: figures,
      stats,
      waitedMs: clock.now() - began,
      stoppedEarly,
      problems: this.problems,
    };
  }

  close(): void {
    this.loopStop.abort();
    this.opts.source.close();
  }

  private async pollUntilStopped(): Promise<void> {
    const signal = this.loopStop.signal;
    let round = 0;
    while (!signal.aborted && !this.fatal) {
      await this.opts.clock.sleep(this.opts.config.pollMs, signal);
      if (signal.aborted) return;
      // Sweeps for old unmatched requests are slower than polls: every fifth round.
      await this.readAll(signal, ++round % 5 === 0);
    }
  }

  /** One round: a poll of every group (access log first), and a sweep when asked. */
  private async readAll(signal: AbortSignal | undefined, sweep: boolean): Promise<void> {
    try {
      await this.opts.source.round({ fromEpoch: this.fromEpoch, sweep }, signal);
    } catch (err) {
      this.fatal = true;
      this.problems.push(`reading the logs stopped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
