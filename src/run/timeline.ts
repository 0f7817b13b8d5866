/**
 * The per-second timeline: one small record per second of the run, with the latency p50/p99 of
 * the requests that completed in it. Only the current second holds a histogram; closed seconds
 * keep numbers only.
 */
import { newHistogram, recordMs } from '../result/histogram.js';
import type { TimelineEntry } from '../result/result.js';

class Second {
  sent = 0; ok = 0; errors = 0; throttles = 0; dropped = 0; cold = 0;
  constructor(readonly t: number, private readonly latency = newHistogram()) {}
  record(latencyMs: number): void {
    recordMs(this.latency, latencyMs);
  }
  close(): TimelineEntry {
    const h = this.latency;
    const q = (p: number): number => (h.totalCount === 0 ? 0 : Math.round(h.getValueAtPercentile(p)) / 1000);
    const entry = {
      t: this.t, sent: this.sent, ok: this.ok, errors: this.errors, throttles: this.throttles,
      dropped: this.dropped, cold: this.cold, p50: q(50), p99: q(99),
    };
    h.reset();
    return entry;
  }
}

export class Timeline {
  private readonly closed: TimelineEntry[] = [];
  private current: Second;
  private readonly latency = newHistogram();

  constructor(private readonly startedAt: number) {
    this.current = new Second(0, this.latency);
  }

  /** The second that clock time `at` falls in. Events come in time order, give or take a few ms,
   *  so an event slightly older than the current second is counted in the current one. */
  at(at: number): Second {
    const t = Math.max(0, Math.floor((at - this.startedAt) / 1000));
    while (t > this.current.t) {
      this.closed.push(this.current.close());
      this.current = new Second(this.current.t + 1, this.latency);
    }
    return this.current;
  }

  /** The whole timeline; call once, at the end of the run (it closes the current second). */
  finish(): TimelineEntry[] {
    const c = this.current;
    const open = c.sent + c.ok + c.errors + c.throttles + c.dropped > 0 ? [this.snapshotCurrent()] : [];
    return [...this.closed, ...open];
  }

  private snapshotCurrent(): TimelineEntry {
    // close() resets the shared histogram, so a final snapshot is taken once, at the end of a run.
    return this.current.close();
  }
}
