/**
 * The join of answered requests with the function's platform lines, by Lambda request id.
 *
 * A request the target could not classify (an HTTP endpoint, an async invoke) is deferred here
 * when it ends, kept by the join's recorder (thread-join.ts); its REPORT is usually read seconds later. When both are in, the
 * start is decided as for a direct invoke's log tail (lambda/classify.ts: the client's service
 * time against Duration + half the Init Duration) and handed back to the recorder. A REPORT read
 * before its request ended waits in a bounded map. A request still unmatched when the reading
 * ends stays `unknown`, never guessed.
 *
 * Through API Gateway the response carries API Gateway's id, not Lambda's: the stage's access
 * log line maps one to the other first (`viaAccessLog`).
 *
 * Async (`Event`) invokes: the 202's request id is the Lambda request id, and a retried event
 * keeps it, so one id may have several START / REPORT pairs, one per attempt.
 */
import { classifyStart } from '../lambda/classify.js';
import type { LambdaReport } from '../lambda/records.js';
import type { StartDecision } from '../run/recorder.js';
import type { Outcome } from '../targets/target.js';
import { newHistogram, recordMs } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';
import { BoundedMap } from '../util/bounded-map.js';
import type { AccessRecord, PlatformEvent } from './events.js';
import { IdIndex } from './id-index.js';
import { textAt } from './text-column.js';
import type { PackedTexts } from './text-column.js';

/**
 * The side that keeps the requests until they are decided, by ticket: on the log reading
 * thread, ThreadRecorder (thread-join.ts), which sends them back with their decisions to the
 * run's thread.
 */
export interface JoinRecorder {
  /** Clock ms of the planned instant and the end of the response, and the service time, of a request kept. */
  readonly deferred: { plannedAtOf(ticket: number): number; endedAtOf(ticket: number): number; serviceMsOf(ticket: number): number };
  decideStart(ticket: number, decision: StartDecision | undefined): void;
}

/** The ids an answer carried, which the join keys a request by. */
export type AnswerIds = Pick<Outcome, 'requestId' | 'frontRequestId'>;

/** The same ids of a batch of requests, packed ('' for none): row i is request i's (thread-join.ts). */
export interface PackedIds {
  requestIds: PackedTexts;
  frontIds: PackedTexts;
}

export interface JoinOptions {
  recorder: JoinRecorder;
  mode: 'sync' | 'async';
  /** Requests carry API Gateway's id (frontRequestId), mapped to Lambda's by the access log. */
  viaAccessLog: boolean;
  /** Epoch ms of a client clock time (the runner's clock). */
  epochOf(clockMs: number): number;
  /** Async: attempts Lambda makes of a failed event (MaximumRetryAttempts + 1; 3 by default). */
  asyncMaxAttempts: number;
}

/** Platform lines and access-log lines kept for requests not (yet) seen; the oldest go first. */
const MAX_EARLY = 50_000;
/** Requests decided by their target whose REPORT is not read yet, at most; past it the oldest go (their REPORT then counts unclaimed). */
const MAX_KNOWN = 200_000;

const SOURCE = 'CloudWatch Logs';

/** An async event: its attempts as read from the logs. */
interface AsyncRun {
  ticket: number;
  /** Epoch ms of the send and of the planned instant (client clock). */
  sentEpoch: number;
  plannedEpoch: number;
  /** START times of its attempts (epoch ms, log clock), distinct. */
  starts: number[];
  /** End of each attempt (the REPORT's time), one per REPORT. */
  ends: number[];
  /** The Status of the latest REPORT, when it had one. */
  lastStatus?: string;
}

/** What the join measured, for the result file. */
export interface JoinFigures {
  deferred: number;
  matched: number;
  unmatched: number;
  /** Requests whose response carried no id to join on. */
  withoutId: number;
  /** Through API Gateway: requests whose access-log line says the function was never called. */
  notInvoked: number;
  /** Of those, the calls Lambda throttled (integration status 429): API Gateway answered 500. */
  throttledBehindFront: number;
  /** Requests still waiting for their access-log line (API Gateway) when the reading ended. */
  withoutAccessLog: number;
  /** Requests whose access-log line has no field of the Lambda id's name (LogJoinOptions.lambdaField): unknown. */
  withoutLambdaField: number;
  /** REPORT lines of requests this run did not send (other traffic), or read twice. */
  unclaimedReports: number;
  /** REPORT lines joined to a request of this run (an async event's retries each have theirs). */
  claimedReports: number;
  /** Ingestion lag of the REPORT lines matched, ms. */
  lag: Histogram;
  /** Every REPORT whose time fell inside the run, whoever sent its request (not per request). */
  runLevel: { invocations: number; coldStarts: number; init: Histogram };
  /** Log clock minus client clock, bounded by the matched requests (ms); undefined side = unknown. */
  skew: { lowMs: number | undefined; highMs: number | undefined };
  async?: {
    queueDelay: Histogram;
    endToEnd: Histogram;
    /** Events by number of attempts seen: { "1": n, "2": m, ... }. */
    attempts: Record<string, number>;
    /** The REPORTs of retries (attempts after an event's first), which Lambda bills as invocations of their own. */
    retryReports: LambdaReport[];
    retries: number;
    neverRan: number;
  };
}

/** A line of one request (START, REPORT): joined to it by its request id. */
type RequestEvent = Extract<PlatformEvent, { kind: 'report' | 'start' }>;

export class LogJoin {
  /** Requests waiting for their line, by Lambda request id (through API Gateway: by its id): their tickets with the recorder. */
  private readonly waiting = new IdIndex();
  private readonly waitingFront = new IdIndex();
  private readonly early = new BoundedMap<string, RequestEvent[]>(MAX_EARLY, (_, events) => {
    this.figures.unclaimedReports += events.filter((x) => x.kind === 'report').length;
  });
  private readonly earlyAccess = new BoundedMap<string, AccessRecord>(MAX_EARLY);
  /** Ids of requests whose start their target decided (a log tail): their REPORTs are claimed, not joined. */
  private readonly knownIds = new BoundedMap<string, true>(MAX_KNOWN);
  private readonly asyncRuns = new Map<string, AsyncRun>();
  /** The latest INIT_START of each log stream (one stream per execution environment). */
  private readonly initStarts = new Map<string, PlatformEvent & { kind: 'initStart' }>();
  private runWindow: { fromMs: number; toMs: number } = { fromMs: -Infinity, toMs: Infinity };
  readonly figures: JoinFigures = {
    deferred: 0, matched: 0, unmatched: 0, withoutId: 0, notInvoked: 0, throttledBehindFront: 0, withoutAccessLog: 0, withoutLambdaField: 0, unclaimedReports: 0, claimedReports: 0,
    lag: newHistogram(),
    runLevel: { invocations: 0, coldStarts: 0, init: newHistogram() },
    skew: { lowMs: undefined, highMs: undefined },
  };

  constructor(private readonly opts: JoinOptions) {
    if (opts.mode === 'async') {
      this.figures.async = { queueDelay: newHistogram(), endToEnd: newHistogram(), attempts: {}, retryReports: [], retries: 0, neverRan: 0 };
    }
  }

  /** The run's span (epoch ms): REPORTs inside it count in the run-level figures. */
  setRunWindow(fromMs: number, toMs: number): void {
    this.runWindow = { fromMs, toMs };
  }

  /** Requests still waiting for a line; 0 when the reading can end. */
  get pending(): number {
    return this.waiting.size + this.waitingFront.size + (this.opts.mode === 'async' ? this.undecidedAsync() : 0);
  }

  /** Of `pending`, async events already run that may still be retried (their last attempt did not succeed, or did not say). */
  get retrying(): number {
    return this.opts.mode === 'async' ? this.undecidedAsync() : 0;
  }

  /** The earliest send time (epoch ms) of a request still waiting, for the sweep; undefined if none. */
  oldestPendingEpoch(): number | undefined {
    // The indexes keep the order requests ended: their first entries are the oldest but for a few
    // ms of jitter, which the sweep's margin covers.
    const known = [...this.waiting.firsts(), ...this.waitingFront.firsts()].map((t) => this.sentEpochOf(t));
    return known.length === 0 ? undefined : Math.min(...known);
  }

  /**
   * Where the lines of requests still waiting should be, for those sent before `before`: their
   * send-to-answer spans widened by `marginMs` (log lines may be stamped a little outside them:
   * clock skew, an init started before the send), merged when closer than the margin.
   */
  unmatchedRanges(before: number, marginMs: number): [number, number][] {
    const spans: [number, number][] = [];
    for (const map of [this.waiting, this.waitingFront]) {
      for (const ticket of map.values()) {
        const sent = this.sentEpochOf(ticket);
        if (sent < before) spans.push([sent - marginMs, this.endedEpochOf(ticket) + marginMs]);
      }
    }
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const span of spans) {
      const last = merged[merged.length - 1];
      if (last !== undefined && span[0] <= last[1] + marginMs) last[1] = Math.max(last[1], span[1]);
      else merged.push(span);
    }
    return merged;
  }

  /** A request the recorder keeps under `ticket`, to decide when its line is read. */
  defer(ticket: number, answered: { outcome: AnswerIds }): void {
    this.figures.deferred++;
    const { outcome } = answered;
    if (this.opts.viaAccessLog) {
      const frontId = outcome.frontRequestId;
      if (frontId === undefined) return this.noId(ticket);
      const access = this.earlyAccess.get(frontId);
      if (access !== undefined) {
        this.earlyAccess.delete(frontId);
        return this.throughAccess(ticket, access);
      }
      this.waitingFront.set(frontId, ticket);
      return;
    }
    const id = outcome.requestId;
    if (id === undefined) return this.noId(ticket);
    this.await(id, ticket);
  }

  /**
   * `defer` of row `row` of a batch's packed ids. The usual request (an id, no line read before
   * it, not async) waits without a string made of its id (IdIndex.setRow); any other goes
   * through `defer`.
   */
  deferRow(ticket: number, ids: PackedIds, row: number): void {
    const front = this.opts.viaAccessLog;
    const texts = front ? ids.frontIds : ids.requestIds;
    // A column of no texts at all: ids of a kind this batch did not carry.
    const end = texts.ends[row] ?? 0;
    const start = row === 0 || end === 0 ? 0 : texts.ends[row - 1]!;
    const plain = end > start && this.opts.mode === 'sync' && (front ? this.earlyAccess.size : this.early.size) === 0;
    if (!plain) {
      const id = end > start ? textAt(texts, row) : undefined;
      return this.defer(ticket, { outcome: front ? { frontRequestId: id } : { requestId: id } });
    }
    this.figures.deferred++;
    (front ? this.waitingFront : this.waiting).setRow(texts, row, ticket);
  }

  /** A request its target decided itself (a log tail): its REPORT, read before or after now, is this run's. */
  known(requestId: string): void {
    const early = this.early.get(requestId);
    if (early === undefined) return this.knownIds.set(requestId, true);
    this.early.delete(requestId);
    this.figures.claimedReports += early.filter((e) => e.kind === 'report').length;
  }

  /** A platform line read from the function's log group. */
  onPlatform(e: PlatformEvent): void {
    if (e.kind === 'initStart') {
      this.initStarts.set(e.stream, e);
      return;
    }
    // A line a window read again after its id was forgotten was counted when first read.
    if (e.readBefore === true) return this.routeAgain(e);
    if (e.kind === 'report') this.countRunLevel(e);
    this.route(e);
  }

  /** A line that may have been read before: it can still match a request waiting for it, and is otherwise dropped. */
  private routeAgain(e: RequestEvent): void {
    if (this.opts.mode === 'async' ? this.asyncRuns.has(e.requestId) : this.waiting.has(e.requestId)) this.route(e);
  }

  /** A line to its request: now, or once the request is handed over (kept early until then). */
  private route(e: RequestEvent): void {
    if (this.opts.mode === 'async') return this.onAsync(e);
    if (e.kind !== 'report') return;
    const ticket = this.waiting.get(e.requestId);
    if (ticket === undefined) {
      if (this.knownIds.delete(e.requestId)) this.figures.claimedReports++;
      else this.keepEarly(e);
      return;
    }
    this.waiting.delete(e.requestId);
    this.matchSync(ticket, e);
  }

  /** A line of the API Gateway stage's access log. */
  onAccess(record: AccessRecord): void {
    const ticket = this.waitingFront.get(record.frontId);
    if (ticket === undefined) {
      this.earlyAccess.set(record.frontId, record);
      return;
    }
    this.waitingFront.delete(record.frontId);
    this.throughAccess(ticket, record);
  }

  /**
   * Ends the join: requests never matched are counted `unknown`, async figures are completed.
   * Call once, when the reading ends.
   */
  finish(): JoinFigures {
    const f = this.figures;
    const noAccess = `${SOURCE}: no access-log line read within the wait`;
    for (const ticket of this.waitingFront.values()) this.decide(ticket, { start: 'unknown', basis: noAccess, reason: noAccess });
    const noReport = `${SOURCE}: no REPORT line read within the wait`;
    for (const ticket of this.waiting.values()) this.decide(ticket, { start: 'unknown', basis: noReport, reason: noReport });
    f.withoutAccessLog = this.waitingFront.size;
    f.unmatched = this.waiting.size + this.waitingFront.size + f.withoutLambdaField;
    this.waiting.clear();
    this.waitingFront.clear();
    if (f.async !== undefined) this.finishAsync(f.async);
    for (const events of this.early.values()) f.unclaimedReports += events.filter((e) => e.kind === 'report').length;
    this.early.clear();
    return f;
  }

  private await(id: string, ticket: number): void {
    if (this.opts.mode === 'async') {
      this.asyncRuns.set(id, { ticket, sentEpoch: this.sentEpochOf(ticket), plannedEpoch: this.opts.epochOf(this.opts.recorder.deferred.plannedAtOf(ticket)), starts: [], ends: [] });
    }
    this.waiting.set(id, ticket);
    const early = this.early.get(id);
    if (early === undefined) return;
    this.early.delete(id);
    // Counted in the run-level figures when they were read: only joined now.
    for (const e of early) this.route(e);
  }

  private throughAccess(ticket: number, access: AccessRecord): void {
    if (!access.hasLambdaField) {
      // Not a call that never happened (`-`): a format that does not log the Lambda id.
      this.figures.withoutLambdaField++;
      const basis = `${SOURCE}: the access-log line has no Lambda request id field`;
      return this.decide(ticket, { start: 'unknown', basis, reason: basis });
    }
    const throttled = access.integrationStatus === 429;
    if (access.lambdaId === undefined || throttled) {
      this.figures.notInvoked++;
      if (throttled) this.figures.throttledBehindFront++;
      this.opts.recorder.decideStart(ticket, undefined);
      return;
    }
    this.await(access.lambdaId, ticket);
  }

  private noId(ticket: number): void {
    this.figures.withoutId++;
    const basis = `${SOURCE}: the response carried no request id to join on`;
    this.decide(ticket, { start: 'unknown', basis, reason: basis });
  }

  private matchSync(ticket: number, e: PlatformEvent & { kind: 'report' }): void {
    const f = this.figures;
    f.matched++;
    f.claimedReports++;
    recordMs(f.lag, Math.max(0, e.lagMs));
    const init = this.initStartOf(e);
    const report = reportFor(e, init);
    const sentEpoch = this.sentEpochOf(ticket);
    const endedEpoch = this.endedEpochOf(ticket);
    const c = classifyStart({ report, ...init, serviceTimeMs: this.opts.recorder.deferred.serviceMsOf(ticket), tailPresent: true });
    this.decide(ticket, { start: c.start, basis: sourced(c.basis), reason: c.reason === c.basis ? sourced(c.basis) : `${SOURCE}: ${c.reason}`, report, requestId: e.requestId });
    // The invocation ran inside the request: it started after the send and ended before the answer.
    const ranMs = (report.durationMs ?? 0) + (c.start === 'cold' ? (report.initDurationMs ?? 0) : 0);
    this.bound('high', e.atMs - ranMs - sentEpoch);
    this.bound('low', e.atMs - endedEpoch);
  }

  /** Epoch ms of a kept request's send and of the end of its response (client clock). */
  private sentEpochOf(ticket: number): number {
    const d = this.opts.recorder.deferred;
    return this.opts.epochOf(d.endedAtOf(ticket) - d.serviceMsOf(ticket));
  }

  private endedEpochOf(ticket: number): number {
    return this.opts.epochOf(this.opts.recorder.deferred.endedAtOf(ticket));
  }

  private onAsync(e: RequestEvent): void {
    const run = this.asyncRuns.get(e.requestId);
    if (run === undefined) return this.keepEarly(e);
    if (e.kind === 'start') {
      if (!run.starts.includes(e.atMs)) run.starts.push(e.atMs);
      this.bound('high', e.atMs - run.sentEpoch);
      return;
    }
    const init = this.initStartOf(e);
    const report = reportFor(e, init);
    const startMs = e.atMs - (report.durationMs ?? 0);
    // Attempts are told apart by their time: Lambda retries a failed event one, then two minutes
    // later (invocation-async-error-handling). A REPORT read again, by a window whose event ids
    // were forgotten, is not another attempt.
    if (run.ends.includes(e.atMs)) return;
    run.ends.push(e.atMs);
    this.figures.claimedReports++;
    run.lastStatus = report.status;
    if (!this.waiting.has(e.requestId)) {
      // A retry: counted when the reading ends, billed on its own.
      this.figures.async?.retryReports.push(e.report);
      return;
    }
    this.waiting.delete(e.requestId);
    this.figures.matched++;
    recordMs(this.figures.lag, Math.max(0, e.lagMs));
    if (run.starts.length === 0) run.starts.push(startMs);
    // No client time covers an async invocation: the init-to-invoke gap decides proactive.
    const c = classifyStart({ report, ...init, serviceTimeMs: Number.NaN, tailPresent: true });
    this.decide(run.ticket, { start: c.start, basis: sourced(c.basis), reason: c.reason === c.basis ? sourced(c.basis) : `${SOURCE}: ${c.reason}`, report, requestId: e.requestId });
  }

  private finishAsync(a: NonNullable<JoinFigures['async']>): void {
    for (const run of this.asyncRuns.values()) {
      const attempts = run.ends.length;
      if (attempts === 0) {
        a.neverRan++;
        continue;
      }
      a.attempts[String(attempts)] = (a.attempts[String(attempts)] ?? 0) + 1;
      a.retries += attempts - 1;
      const firstStart = Math.min(...run.starts);
      recordMs(a.queueDelay, Math.max(0, firstStart - run.sentEpoch));
      recordMs(a.endToEnd, Math.max(0, Math.max(...run.ends) - run.plannedEpoch));
    }
    // Events never run within the wait stay unknown: they were counted unmatched above.
    this.asyncRuns.clear();
  }

  /**
   * Async events that may still be retried: Lambda retries a failed async event up to
   * MaximumRetryAttempts times (2 by default). A JSON REPORT always has a status; a text REPORT
   * has one only for a platform failure (a timeout, a crash), not for an error the handler threw
   * nor for a success. So an event whose last REPORT has no status may be retried too: reading
   * a text-format function's async events goes on for the whole wait.
   */
  private undecidedAsync(): number {
    let n = 0;
    for (const run of this.asyncRuns.values()) {
      if (run.ends.length > 0 && run.lastStatus !== 'success' && run.ends.length < this.opts.asyncMaxAttempts) n++;
    }
    return n;
  }

  private initStartOf(e: PlatformEvent): { initStart?: NonNullable<Parameters<typeof classifyStart>[0]['initStart']> } {
    const init = this.initStarts.get(e.stream);
    return init === undefined || init.atMs > e.atMs ? {} : { initStart: init.record };
  }

  private decide(ticket: number, decision: StartDecision): void {
    this.opts.recorder.decideStart(ticket, decision);
  }

  private keepEarly(e: RequestEvent): void {
    const list = this.early.get(e.requestId);
    if (list !== undefined) list.push(e);
    else this.early.set(e.requestId, [e]);
  }

  private countRunLevel(e: PlatformEvent & { kind: 'report' }): void {
    if (e.atMs < this.runWindow.fromMs || e.atMs > this.runWindow.toMs) return;
    const r = this.figures.runLevel;
    r.invocations++;
    const initMs = e.report.initDurationMs;
    if (initMs !== undefined) {
      r.coldStarts++;
      recordMs(r.init, initMs);
    }
  }

  private bound(side: 'low' | 'high', valueMs: number): void {
    const s = this.figures.skew;
    if (side === 'low') s.lowMs = s.lowMs === undefined ? valueMs : Math.max(s.lowMs, valueMs);
    else s.highMs = s.highMs === undefined ? valueMs : Math.min(s.highMs, valueMs);
  }
}

/**
 * A basis named with its source, one string per basis: decisions are counted by it, and a string
 * made anew for each request would be hashed anew for each.
 */
const SOURCED = new Map<string, string>();
function sourced(basis: string): string {
  let named = SOURCED.get(basis);
  if (named === undefined) SOURCED.set(basis, (named = `${SOURCE}: ${basis}`));
  return named;
}

/**
 * The REPORT, with the line's time where the init-to-invoke gap rule may read it (an INIT_START
 * of the same environment is known): formatting a time for every warm REPORT would cost the
 * load's thread for nothing.
 */
function reportFor(e: PlatformEvent & { kind: 'report' }, init: { initStart?: unknown }): LambdaReport & { time?: string } {
  return init.initStart === undefined ? e.report : { ...e.report, time: new Date(e.atMs).toISOString() };
}
