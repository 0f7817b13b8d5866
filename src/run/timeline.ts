/**
 * The timeline: one small record per bucket of the run (counts, and the latency p50/p90/p99 of
 * the requests that completed in it). A run shorter than a minute gets 100 ms buckets, so a 10 s
 * run draws a curve; a longer one gets 1 s buckets.
 *
 * Both series are recorded from the start (the length of a run is not known in advance: a
 * closed run of N iterations, a Ctrl-C), and the result keeps the one that fits. Memory stays
 * flat: the 100 ms series stops growing at one minute (600 records), the 1 s series holds one
 * record per second, and each series keeps histograms for its two latest buckets only.
 */
import { newHistogram, recordMs } from '../result/histogram.js';
import type { Histogram } from '../result/histogram.js';
import type { TimelineEntry } from '../result/result.js';

export const FINE_BUCKET_MS = 100;
export const COARSE_BUCKET_MS = 1000;
/** Runs whose events all fall before this get the fine buckets. */
export const FINE_SPAN_MS = 60_000;

type CountField = 'sent' | 'ok' | 'errors' | 'throttles' | 'dropped' | 'cold';

/** The counters of the bucket an instant falls in, and its latency histogram. */
export interface TimelineBucket extends Record<CountField, number> {
  record(latencyMs: number): void;
}

/** One resolution: dense entries from bucket 0, histograms for the two latest buckets. */
class Series {
  readonly entries: TimelineEntry[] = [];
  private readonly histograms: [Histogram, Histogram] = [newHistogram(), newHistogram()];
  /** Which bucket each histogram holds (slot = bucket & 1). */
  private readonly holds = [-1, -1];

  constructor(readonly bucketMs: number, private readonly maxBuckets: number) {}

  /** The entry of bucket `i`, creating entries up to it; undefined past maxBuckets. */
  entry(i: number): TimelineEntry | undefined {
    if (i >= this.maxBuckets) return undefined;
    while (this.entries.length <= i) {
      const t = Math.round(this.entries.length * this.bucketMs) / 1000;
      this.entries.push({ t, sent: 0, ok: 0, errors: 0, throttles: 0, dropped: 0, cold: 0, p50: 0, p90: 0, p99: 0 });
    }
    return this.entries[i];
  }

  /**
   * A latency for bucket `i`. Completions arrive in time order give or take a few ms, so a
   * bucket's histogram is kept until the one after next starts; a latency later than that
   * (a bucket already closed) is counted in the oldest bucket still open.
   */
  record(i: number, latencyMs: number): void {
    const newest = this.entries.length - 1;
    const bucket = Math.max(i, newest - 1);
    const slot = (bucket & 1) as 0 | 1;
    if (this.holds[slot] !== bucket) {
      this.close(slot);
      this.holds[slot] = bucket;
    }
    recordMs(this.histograms[slot], latencyMs);
  }

  /** Writes the percentiles of the histogram in `slot` into its entry, and empties it. */
  private close(slot: 0 | 1): void {
    const entry = this.entries[this.holds[slot]!];
    if (entry !== undefined) writePercentiles(entry, this.histograms[slot]);
    this.histograms[slot].reset();
    this.holds[slot] = -1;
  }

  finish(): TimelineEntry[] {
    this.close(0);
    this.close(1);
    if (isEmpty(this.entries.at(-1))) this.entries.pop();
    return this.entries;
  }

  /**
   * The series as finish() would give it now, leaving it as it is: copies of the entries, with
   * the percentiles of the buckets still open read from their histograms (not reset).
   */
  snapshot(): TimelineEntry[] {
    const copies = this.entries.map((entry) => ({ ...entry }));
    for (const slot of [0, 1] as const) {
      const entry = copies[this.holds[slot]!];
      if (entry !== undefined) writePercentiles(entry, this.histograms[slot]);
    }
    if (isEmpty(copies.at(-1))) copies.pop();
    return copies;
  }
}

function writePercentiles(entry: TimelineEntry, h: Histogram): void {
  if (h.totalCount === 0) return;
  const q = (p: number): number => Math.round(h.getValueAtPercentile(p)) / 1000;
  entry.p50 = q(50);
  entry.p90 = q(90);
  entry.p99 = q(99);
}

/** A last bucket with nothing in it (the run ended just past a boundary) is left out. */
function isEmpty(last: TimelineEntry | undefined): boolean {
  return last !== undefined && last.sent + last.ok + last.errors + last.throttles + last.dropped + last.cold === 0;
}

/** Writes to the fine entry (while there is one) and the coarse entry of one instant. */
class BucketView implements TimelineBucket {
  constructor(
    private readonly timeline: { fine: Series; coarse: Series },
    private readonly fineIndex: number,
    private readonly fine: TimelineEntry | undefined,
    private readonly coarseIndex: number,
    private readonly coarse: TimelineEntry,
  ) {}

  get sent(): number { return this.coarse.sent; }
  set sent(v: number) { this.add('sent', v); }
  get ok(): number { return this.coarse.ok; }
  set ok(v: number) { this.add('ok', v); }
  get errors(): number { return this.coarse.errors; }
  set errors(v: number) { this.add('errors', v); }
  get throttles(): number { return this.coarse.throttles; }
  set throttles(v: number) { this.add('throttles', v); }
  get dropped(): number { return this.coarse.dropped; }
  set dropped(v: number) { this.add('dropped', v); }
  get cold(): number { return this.coarse.cold; }
  set cold(v: number) { this.add('cold', v); }

  record(latencyMs: number): void {
    if (this.fine !== undefined) this.timeline.fine.record(this.fineIndex, latencyMs);
    this.timeline.coarse.record(this.coarseIndex, latencyMs);
  }

  /** `view.cold++` reads the coarse count and writes it back plus one: both entries get the +1. */
  private add(field: CountField, value: number): void {
    const delta = value - this.coarse[field];
    this.coarse[field] = value;
    if (this.fine !== undefined) this.fine[field] += delta;
  }

  covers(fineIndex: number, coarseIndex: number): boolean {
    return this.fineIndex === fineIndex && this.coarseIndex === coarseIndex;
  }
}

export class Timeline {
  private readonly series = {
    fine: new Series(FINE_BUCKET_MS, FINE_SPAN_MS / FINE_BUCKET_MS),
    coarse: new Series(COARSE_BUCKET_MS, Infinity),
  };
  private latestMs = 0;
  /** The view of the newest bucket, reused while events keep falling in it. */
  private view: BucketView | undefined;

  constructor(private readonly startedAt: number) {}

  /**
   * The bucket that clock time `at` falls in: any instant of the run, past ones included
   * (a count added to a past bucket lands there; see Series.record for latencies).
   */
  at(at: number): TimelineBucket {
    const ms = Math.max(0, at - this.startedAt);
    if (ms > this.latestMs) this.latestMs = ms;
    const fineIndex = Math.floor(ms / FINE_BUCKET_MS);
    const coarseIndex = Math.floor(ms / COARSE_BUCKET_MS);
    if (this.view?.covers(fineIndex, coarseIndex)) return this.view;
    const { fine, coarse } = this.series;
    const view = new BucketView(this.series, fineIndex, fine.entry(fineIndex), coarseIndex, coarse.entry(coarseIndex)!);
    if (fineIndex >= fine.entries.length - 1 && coarseIndex >= coarse.entries.length - 1) this.view = view;
    return view;
  }

  /** 100 while every event fell in the first minute, else 1000. */
  get bucketMs(): number {
    return this.latestMs < FINE_SPAN_MS ? FINE_BUCKET_MS : COARSE_BUCKET_MS;
  }

  /** The whole timeline at `bucketMs`; call once, at the end of the run. */
  finish(): TimelineEntry[] {
    const fine = this.series.fine.finish();
    const coarse = this.series.coarse.finish();
    return this.bucketMs === FINE_BUCKET_MS ? fine : coarse;
  }

  /** The timeline so far at `bucketMs`, as finish() would give it, changing nothing (for checkpoints). */
  snapshot(): TimelineEntry[] {
    return this.bucketMs === FINE_BUCKET_MS ? this.series.fine.snapshot() : this.series.coarse.snapshot();
  }
}
