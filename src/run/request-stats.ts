/**
 * The per-request breakdown of a mix (`requests:`): for each request name its own counts,
 * latency histograms (all, warm, cold), errors and throttles. The recorder feeds it next to the
 * run's own figures, at the same moments, so the names add up to the whole run.
 */
import { newHistogram, recordMs } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';
import type { StartKind } from '../targets/target.js';

export interface RequestCounts {
  /** Requests of this name that ended (ok, errors and throttles). */
  completed: number;
  ok: number;
  errors: number;
  throttles: number;
  warm: number;
  cold: number;
  proactive: number;
  unknown: number;
}

export class RequestStats {
  readonly counts: RequestCounts = { completed: 0, ok: 0, errors: 0, throttles: 0, warm: 0, cold: 0, proactive: 0, unknown: 0 };
  readonly histograms: { all: Histogram; warm: Histogram; cold: Histogram } = { all: newHistogram(), warm: newHistogram(), cold: newHistogram() };
  readonly errors = new Map<string, number>();
  readonly throttles = new Map<string, number>();

  constructor(readonly name: string) {}

  ok(latencyMs: number): void {
    this.counts.completed++;
    this.counts.ok++;
    recordMs(this.histograms.all, latencyMs);
  }

  error(latencyMs: number, errorClass: string): void {
    this.counts.completed++;
    this.counts.errors++;
    recordMs(this.histograms.all, latencyMs);
    bump(this.errors, errorClass);
  }

  throttled(latencyMs: number, reason: string): void {
    this.counts.completed++;
    this.counts.throttles++;
    recordMs(this.histograms.all, latencyMs);
    bump(this.throttles, reason);
  }

  /** A decided start, now or later (read from the function's logs); proactive ones count as warm latency, as in the run. */
  start(kind: StartKind, latencyMs: number): void {
    this.counts[kind]++;
    if (kind === 'warm' || kind === 'proactive') recordMs(this.histograms.warm, latencyMs);
    else if (kind === 'cold') recordMs(this.histograms.cold, latencyMs);
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
