/**
 * The recorder turns completed requests into histograms, counters and a per-second timeline.
 * Times are clock milliseconds; the recorder keeps no per-request data except cold-start events
 * (bounded), so its memory is flat however long the run.
 */
import { START_KINDS } from '../targets/target.js';
import type { Outcome, StartKind } from '../targets/target.js';
import { addCounts, newHistogram, recordMs, takeCounts } from '../result/histogram.js';
import type { Histogram, SparseCounts } from '../result/histogram.js';
import { MAX_COLD_START_EVENTS } from '../result/result.js';
import type { ColdStartEvent, Counts } from '../result/result.js';
import { Timeline } from './timeline.js';
import type { CostAccumulator, CostCounts } from '../lambda/cost.js';
import type { LambdaReport } from '../lambda/records.js';
import { RequestStats } from './request-stats.js';

/** A request the target answered (not throttled), with its timing. */
export interface Answered {
  plannedAt: number;
  endedAt: number;
  /** From the planned instant to the end of the response. */
  latencyMs: number;
  /** From the actual send to the end of the response. */
  serviceMs: number;
  outcome: Outcome;
}

/** How a request's start was decided, and the REPORT it was decided from, if any. */
export interface StartDecision {
  start: StartKind;
  /** The rule, in words without figures: decisions are counted by it. */
  basis: string;
  reason: string;
  report?: LambdaReport;
  /** The Lambda request id, when the decision found it (through API Gateway the answer has another id). */
  requestId?: string;
}

/**
 * Where requests go whose start the target could not tell (an HTTP endpoint, an async invoke):
 * the join with the function's logs (thread-join.ts). The join carries each such request away
 * and gives it back with its decision (Recorder.decided); the recorder keeps nothing of it
 * meanwhile but a count.
 */
export interface StartJoin {
  /** The join takes the request whole; `answered` and its outcome are the caller's again once it returns. */
  carry(answered: Answered): void;
  /** A request whose start its target decided (a log tail, a header): its REPORT, when read, is this run's. */
  known?(requestId: string): void;
}

/**
 * What Recorder.decided added up since the last Recorder.takeTally, as sums: another thread
 * counts plain requests there as this recorder would, and the run's recorder adds the sums
 * (addTally), not each request. Only what such requests change: no cold-start event, no
 * timeline bucket, no request name.
 */
export interface DecidedTally {
  /** Requests decided, and of them billable ones (the carried counts they take back). */
  decided: number;
  billable: number;
  starts: Record<StartKind, number>;
  /** Decisions by basis, per start kind. */
  bases: Record<StartKind, [string, number][]>;
  histograms: Partial<Record<keyof Histograms, SparseCounts>>;
  cost?: CostCounts;
}

/** The decision a target made itself; undefined when it could not tell (plain HTTP). */
function decisionOf(outcome: Outcome): StartDecision | undefined {
  if (outcome.start === undefined) return undefined;
  const reason = outcome.startReason ?? 'decided by the target';
  return {
    start: outcome.start,
    basis: outcome.startBasis ?? reason,
    reason,
    ...(outcome.report !== undefined && { report: outcome.report }),
  };
}

export interface Histograms {
  /** Latency from the planned instant, every completed request. */
  all: Histogram;
  /** Latency of requests that succeeded. */
  ok: Histogram;
  warm: Histogram;
  cold: Histogram;
  /** From the actual send (after any wait for a socket) to the end of the response. */
  serviceTime: Histogram;
  /** How late each request left against its plan. */
  scheduleLag: Histogram;
  /** Lambda REPORT fields. */
  init: Histogram;
  billed: Histogram;
  /** Max Memory Used, recorded in MB as if it were ms (the summary's unit is then MB). */
  memoryUsed: Histogram;
  /** Client-observed service time beyond the function's own duration. */
  overheadWarm: Histogram;
  overheadCold: Histogram;
}

export interface Completed {
  plannedAt: number;
  sentAt: number;
  endedAt: number;
  outcome: Outcome;
}

export class Recorder {
  readonly counts: Counts = {
    planned: 0, sent: 0, ok: 0, errors: 0, throttles: 0, dropped: 0,
    warm: 0, cold: 0, proactive: 0, unknown: 0,
  };
  readonly histograms: Histograms = {
    all: newHistogram(), ok: newHistogram(), warm: newHistogram(), cold: newHistogram(),
    serviceTime: newHistogram(), scheduleLag: newHistogram(), init: newHistogram(),
    billed: newHistogram(), memoryUsed: newHistogram(), overheadWarm: newHistogram(),
    overheadCold: newHistogram(),
  };
  readonly errors = new Map<string, number>();
  readonly throttles = new Map<string, number>();
  readonly coldStarts: ColdStartEvent[] = [];
  /** Decisions by start kind and basis: how each invocation's start was decided. */
  readonly startBases: Record<StartKind, Map<string, number>> = {
    warm: new Map(), cold: new Map(), proactive: new Map(), unknown: new Map(),
  };
  readonly timeline: Timeline;
  lastSentAt = -Infinity;
  /** Set by a run that reads starts from the function's logs; see StartJoin. */
  startJoin: StartJoin | undefined;
  /** The requests the start join carries and has not given back yet. */
  private readonly carried: Carried;
  /** Per request name of a mix, by the index outcomes carry (Outcome.request); empty without a mix. */
  readonly requests: RequestStats[];

  /** Lambda targets add up the cost of every billed invocation here. */
  constructor(readonly startedAt: number, readonly cost?: CostAccumulator, readonly defaultMemoryMB?: number, requestNames: readonly string[] = []) {
    this.timeline = new Timeline(startedAt);
    this.requests = requestNames.map((name) => new RequestStats(name));
    this.carried = { count: 0, billable: 0, byRequest: requestNames.map(() => 0) };
  }

  /** Requests handed to the start join and not decided yet. */
  get undecided(): number {
    return this.carried.count;
  }

  planned(): void {
    this.counts.planned++;
  }

  dropped(plannedAt: number): void {
    this.counts.dropped++;
    this.timeline.at(plannedAt).dropped++;
  }

  sent(plannedAt: number, sentAt: number): void {
    this.counts.sent++;
    const lag = sentAt - plannedAt;
    recordMs(this.histograms.scheduleLag, lag > 0 ? lag : 0);
    if (sentAt > this.lastSentAt) this.lastSentAt = sentAt;
    this.timeline.at(sentAt).sent++;
  }

  completed(c: Completed): void {
    const { outcome } = c;
    const latencyMs = c.endedAt - c.plannedAt;
    // Service time starts when the request left: after any wait for a free socket in the client.
    const serviceMs = c.endedAt - c.sentAt - (outcome.waitedMs ?? 0);
    const h = this.histograms;
    const second = this.timeline.at(c.endedAt);
    recordMs(h.all, latencyMs);
    recordMs(h.serviceTime, serviceMs);
    second.record(latencyMs);
    const named = outcome.request === undefined ? undefined : this.requests[outcome.request];
    switch (outcome.kind) {
      case 'ok':
        this.counts.ok++;
        second.ok++;
        recordMs(h.ok, latencyMs);
        named?.ok(latencyMs);
        break;
      case 'error':
        this.counts.errors++;
        second.errors++;
        bump(this.errors, outcome.errorClass);
        named?.error(latencyMs, outcome.errorClass);
        break;
      case 'throttled':
        // Never reached the function: no start to classify, nothing billed.
        this.counts.throttles++;
        second.throttles++;
        bump(this.throttles, outcome.reason);
        named?.throttled(latencyMs, outcome.reason);
        return;
      default:
        assertNever(outcome);
    }
    const answered: Answered = { plannedAt: c.plannedAt, endedAt: c.endedAt, latencyMs, serviceMs, outcome };
    const join = this.startJoin;
    if (join !== undefined) {
      if (outcome.start === undefined && noAnswer(outcome)) {
        // A timeout or a network failure: no answer, so no id to join a line to.
        this.record(answered, { start: 'unknown', basis: NO_ANSWER, reason: NO_ANSWER });
        return;
      }
      if (outcome.start === undefined) {
        this.countCarried(outcome, 1);
        join.carry(answered);
        return;
      }
      if (outcome.requestId !== undefined) join.known?.(outcome.requestId);
    }
    this.record(answered, decisionOf(outcome));
  }

  /**
   * A request the start join carried, given back with its decision (none: the function was
   * never called, as API Gateway answered without its integration): counted as if the target
   * had known it when the request ended. `a` is read, not kept.
   */
  decided(a: Answered, decision: StartDecision | undefined): void {
    this.countCarried(a.outcome, -1);
    this.record(a, decision);
  }

  /**
   * What decided added up since the last take, and this recorder's figures of it zero again:
   * a recorder that counts decisions only (a log reading thread's), for the run's to add
   * (addTally). Decisions that make a cold-start event, a timeline count or a request name's
   * figures cannot go as sums: such a recorder is never given them (it throws).
   */
  takeTally(): DecidedTally {
    const { counts, carried } = this;
    if (counts.cold > 0 || counts.proactive > 0 || this.coldStarts.length > 0 || carried.byRequest.length > 0) {
      throw new Error('a tally carries warm and unknown decisions of unnamed requests only');
    }
    const starts = { warm: counts.warm, cold: 0, proactive: 0, unknown: counts.unknown };
    const bases = { warm: [...this.startBases.warm], cold: [], proactive: [], unknown: [...this.startBases.unknown] };
    const histograms: DecidedTally['histograms'] = {};
    for (const name of Object.keys(this.histograms) as (keyof Histograms)[]) {
      const taken = takeCounts(this.histograms[name]);
      if (taken !== undefined) histograms[name] = taken;
    }
    const tally: DecidedTally = { decided: -carried.count, billable: -carried.billable, starts, bases, histograms, ...(this.cost !== undefined && { cost: this.cost.take() }) };
    counts.warm = 0;
    counts.unknown = 0;
    this.startBases.warm.clear();
    this.startBases.unknown.clear();
    carried.count = 0;
    carried.billable = 0;
    return tally;
  }

  /** Counts a tally of requests this recorder's start join carried, as decided would count each. */
  addTally(t: DecidedTally): void {
    this.carried.count -= t.decided;
    this.carried.billable -= t.billable;
    for (const kind of START_KINDS) {
      this.counts[kind] += t.starts[kind];
      for (const [basis, n] of t.bases[kind]) bump(this.startBases[kind], basis, n);
    }
    for (const [name, counts] of Object.entries(t.histograms) as [keyof Histograms, SparseCounts][]) addCounts(this.histograms[name], counts);
    if (t.cost !== undefined) this.cost?.absorb(t.cost);
  }

  /**
   * Every request the start join carried and did not give back (the join is gone), counted
   * `unknown` by `basis` as decided would count each: under the names of a mix, and billed
   * without a REPORT where it ran. Their number.
   */
  leftUndecided(basis: string): number {
    const c = this.carried;
    const left = c.count;
    this.counts.unknown += left;
    if (left > 0) this.startBases.unknown.set(basis, (this.startBases.unknown.get(basis) ?? 0) + left);
    c.byRequest.forEach((n, i) => {
      for (let k = 0; k < n; k++) this.requests[i]!.start('unknown', 0);
    });
    for (let k = 0; k < c.billable; k++) this.cost?.addUnreported();
    c.count = 0;
    c.billable = 0;
    c.byRequest.fill(0);
    return left;
  }

  /** Adds `n` (1 or -1) to the counts of carried requests, for a request with `outcome`. */
  private countCarried(outcome: Outcome, n: number): void {
    const c = this.carried;
    c.count += n;
    if (outcome.request !== undefined && outcome.request < c.byRequest.length) c.byRequest[outcome.request]! += n;
    if (billable(outcome)) c.billable += n;
  }

  /**
   * A REPORT of an invocation that is no request of its own (an async event's retry): billed,
   * and its billed duration and memory counted, as Lambda bills each attempt.
   */
  recordAttempt(report: LambdaReport): void {
    this.bill({ kind: 'ok' }, report);
    if (report.billedDurationMs !== undefined) recordMs(this.histograms.billed, report.billedDurationMs);
    if (report.maxMemoryUsedMB !== undefined) recordMs(this.histograms.memoryUsed, report.maxMemoryUsedMB);
  }

  /**
   * Of a plain `ok` outcome this reads its kind and request only (the start join carries those),
   * and its request id for a cold start the decision does not name (a target's own decision).
   */
  private record(a: Answered, decision: StartDecision | undefined): void {
    if (decision !== undefined) this.recordStart(a, decision);
    this.recordReport(a.outcome, decision?.report ?? a.outcome.report);
  }

  private recordStart(a: Answered, d: StartDecision): void {
    this.counts[d.start]++;
    if (a.outcome.request !== undefined) this.requests[a.outcome.request]?.start(d.start, a.latencyMs);
    bump(this.startBases[d.start], d.basis);
    const initMs = d.report?.initDurationMs ?? d.report?.restoreDurationMs;
    const durationMs = d.report?.durationMs;
    switch (d.start) {
      case 'warm':
        recordMs(this.histograms.warm, a.latencyMs);
        if (durationMs !== undefined) recordMs(this.histograms.overheadWarm, a.serviceMs - durationMs);
        break;
      case 'cold':
        recordMs(this.histograms.cold, a.latencyMs);
        this.timeline.at(a.endedAt).cold++;
        if (durationMs !== undefined) recordMs(this.histograms.overheadCold, a.serviceMs - durationMs - (initMs ?? 0));
        this.coldStart(a, d, initMs);
        break;
      case 'proactive':
        // The caller did not wait for this init: its latency belongs with the warm ones.
        recordMs(this.histograms.warm, a.latencyMs);
        this.coldStart(a, d, initMs);
        break;
      case 'unknown':
        break;
      default:
        assertNever(d.start);
    }
  }

  private coldStart(a: Answered, d: StartDecision, initMs: number | undefined): void {
    if (this.coldStarts.length >= MAX_COLD_START_EVENTS) return;
    const requestId = d.requestId ?? a.outcome.requestId;
    this.coldStarts.push({
      t: round3((a.plannedAt - this.startedAt) / 1000),
      ...(requestId !== undefined && { requestId }),
      ...(initMs !== undefined && { initMs }),
      latencyMs: round3(a.latencyMs),
      class: d.start,
      reason: d.reason,
    });
  }

  private recordReport(outcome: Outcome, report: LambdaReport | undefined): void {
    this.bill(outcome, report);
    if (report === undefined) return;
    if (report.initDurationMs !== undefined) recordMs(this.histograms.init, report.initDurationMs);
    if (report.billedDurationMs !== undefined) recordMs(this.histograms.billed, report.billedDurationMs);
    if (report.maxMemoryUsedMB !== undefined) recordMs(this.histograms.memoryUsed, report.maxMemoryUsedMB);
  }

  /**
   * Lambda bills every invocation that ran: successes and function errors. Throttles, service
   * errors and network failures never reached the function and cost nothing.
   */
  private bill(outcome: Outcome, report: LambdaReport | undefined): void {
    if (this.cost === undefined) return;
    // An error with a REPORT ran (a 5xx of a front, whose function failed, has its REPORT joined
    // from the logs): it is billed whatever the client saw.
    if (report === undefined && !billable(outcome)) return;
    const billedMs = report?.billedDurationMs;
    const memoryMB = report?.memorySizeMB ?? this.defaultMemoryMB;
    if (billedMs !== undefined && memoryMB !== undefined) this.cost.add(billedMs, memoryMB);
    else this.cost.addUnreported();
  }
}

/** Requests the start join carries, counted: in all, billed without a REPORT, and by request name. */
interface Carried {
  count: number;
  billable: number;
  byRequest: number[];
}

/** Billed when it ran though no REPORT was read: every outcome but the errors of a call that never reached the function. */
function billable(outcome: Outcome): boolean {
  return outcome.kind !== 'error' || outcome.errorClass.startsWith('function-error:');
}

const NO_ANSWER = 'no answer (a timeout or a network failure): nothing to join its line to';

/** An error with no response at all: it carries neither a status nor an id. */
function noAnswer(outcome: Outcome): boolean {
  return outcome.kind === 'error' && outcome.status === undefined && outcome.requestId === undefined;
}

function bump(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
