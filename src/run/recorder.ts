/**
 * The recorder turns completed requests into histograms, counters and a per-second timeline.
 * Times are clock milliseconds; the recorder keeps no per-request data except cold-start events
 * (bounded), so its memory is flat however long the run.
 */
import type { Outcome } from '../targets/target.js';
import { newHistogram, recordMs } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';
import { MAX_COLD_START_EVENTS } from '../result/result.js';
import type { ColdStartEvent, Counts } from '../result/result.js';
import { Timeline } from './timeline.js';
import type { CostAccumulator } from '../lambda/cost.js';

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
  readonly timeline: Timeline;
  lastSentAt = -Infinity;

  /** Lambda targets add up the cost of every billed invocation here. */
  constructor(readonly startedAt: number, readonly cost?: CostAccumulator, private readonly defaultMemoryMB?: number) {
    this.timeline = new Timeline(startedAt);
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
    switch (outcome.kind) {
      case 'ok':
        this.counts.ok++;
        second.ok++;
        recordMs(h.ok, latencyMs);
        break;
      case 'error':
        this.counts.errors++;
        second.errors++;
        bump(this.errors, outcome.errorClass);
        break;
      case 'throttled':
        this.counts.throttles++;
        second.throttles++;
        bump(this.throttles, outcome.reason);
        break;
      default:
        assertNever(outcome);
    }
    this.recordStart(c, latencyMs, serviceMs, second);
    this.recordReport(c.outcome);
  }

  private recordStart(c: Completed, latencyMs: number, serviceMs: number, second: { cold: number }): void {
    const { outcome } = c;
    if (outcome.kind === 'throttled' || outcome.start === undefined) return;
    this.counts[outcome.start]++;
    const report = outcome.report;
    const initMs = report?.initDurationMs ?? report?.restoreDurationMs;
    switch (outcome.start) {
      case 'warm':
        recordMs(this.histograms.warm, latencyMs);
        if (report?.durationMs !== undefined) recordMs(this.histograms.overheadWarm, serviceMs - report.durationMs);
        break;
      case 'cold':
        recordMs(this.histograms.cold, latencyMs);
        second.cold++;
        if (report?.durationMs !== undefined) {
          recordMs(this.histograms.overheadCold, serviceMs - report.durationMs - (initMs ?? 0));
        }
        this.coldStart(c, latencyMs, initMs);
        break;
      case 'proactive':
        // The caller did not wait for this init: its latency belongs with the warm ones.
        recordMs(this.histograms.warm, latencyMs);
        this.coldStart(c, latencyMs, initMs);
        break;
      case 'unknown':
        break;
      default:
        assertNever(outcome.start);
    }
  }

  private coldStart(c: Completed, latencyMs: number, initMs: number | undefined): void {
    if (this.coldStarts.length >= MAX_COLD_START_EVENTS) return;
    const { outcome } = c;
    this.coldStarts.push({
      t: round3((c.plannedAt - this.startedAt) / 1000),
      ...(outcome.requestId !== undefined && { requestId: outcome.requestId }),
      ...(initMs !== undefined && { initMs }),
      latencyMs: round3(latencyMs),
      class: outcome.start ?? 'unknown',
    });
  }

  private recordReport(outcome: Outcome): void {
    if (outcome.kind === 'throttled') return;
    const report = outcome.report;
    this.bill(outcome);
    if (report === undefined) return;
    if (report.initDurationMs !== undefined) recordMs(this.histograms.init, report.initDurationMs);
    if (report.billedDurationMs !== undefined) recordMs(this.histograms.billed, report.billedDurationMs);
    if (report.maxMemoryUsedMB !== undefined) recordMs(this.histograms.memoryUsed, report.maxMemoryUsedMB);
  }

  /**
   * Lambda bills every invocation that ran: successes and function errors. Throttles, service
   * errors and network failures never reached the function and cost nothing.
   */
  private bill(outcome: Outcome): void {
    if (this.cost === undefined) return;
    if (outcome.kind === 'error' && !outcome.errorClass.startsWith('function-error:')) return;
    const billedMs = outcome.report?.billedDurationMs;
    const memoryMB = outcome.report?.memorySizeMB ?? this.defaultMemoryMB;
    if (billedMs !== undefined && memoryMB !== undefined) this.cost.add(billedMs, memoryMB);
    else this.cost.addUnreported();
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
