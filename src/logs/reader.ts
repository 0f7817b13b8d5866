/**
 * Reads one log group by event time. FilterLogEvents returns the events whose timestamp falls in
 * a window and that were ingested by the time of the call; an event ingested late is only seen
 * by a later call whose window still covers its timestamp. So every poll reads again from a
 * little before where the last complete poll ended (the overlap, at least twice the largest lag
 * seen so far), events are deduplicated by `eventId`, and requests still unmatched are swept for
 * separately (join.ts) from their own send time.
 *
 * What the API documents and this handles (API_FilterLogEvents): pages of up to 10,000 events or
 * 1 MB, "partially full, or even empty" pages that still carry a nextToken (only a page without
 * one ends the window), and ThrottlingException (a quota of 5 requests per second per account
 * and Region): the same page is asked for again after a backoff, so a throttle costs time, never
 * a part of the window.
 */
import type { LogEvent, LogsApi } from './api.js';
import { LogsApiError, logsFailureOf } from './api.js';

export interface ReaderClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Counters of one reading, shared by the readers of a run (the result reports them). */
export interface ReadStats {
  apiCalls: number;
  throttled: number;
  failed: number;
  /** Distinct events read. */
  events: number;
  /** Events read again by an overlapping window, and dropped. */
  duplicates: number;
}

export function newReadStats(): ReadStats {
  return { apiCalls: 0, throttled: 0, failed: 0, events: 0, duplicates: 0 };
}

export interface GroupReaderOptions {
  api: LogsApi;
  logGroup: string;
  filterPattern?: string;
  clock: ReaderClock;
  stats: ReadStats;
  /** Called once per distinct event. */
  onEvent(event: LogEvent): void;
  /** Events up to this much older than the last complete poll are read again (grows with the lag seen). */
  minOverlapMs?: number;
  /** Producer clocks may be ahead of ours: windows end this far past now. */
  skewMarginMs?: number;
  /** Longest one window may take, retries and backoff included, before it is left incomplete. */
  windowBudgetMs?: number;
}

/** Consecutive failures of one call (other than throttles) before a window is left incomplete. */
const MAX_TRANSIENT_RETRIES = 4;
const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** Most event ids remembered for deduplication; the oldest go first. */
const DEDUPE_MAX = 200_000;

export class GroupReader {
  /** Every event with a timestamp before this has been read by a complete poll (epoch ms). */
  private cursor: number | undefined;
  private readonly seen = new Map<string, number>();
  private maxLagMs = 0;
  private readonly minOverlapMs: number;
  private readonly skewMarginMs: number;
  private readonly windowBudgetMs: number;

  constructor(private readonly opts: GroupReaderOptions) {
    this.minOverlapMs = opts.minOverlapMs ?? 10_000;
    this.skewMarginMs = opts.skewMarginMs ?? 5_000;
    this.windowBudgetMs = opts.windowBudgetMs ?? 30_000;
  }

  get logGroup(): string {
    return this.opts.logGroup;
  }

  /** The largest ingestion lag seen (ingestionTime - timestamp), ms. */
  get largestLagMs(): number {
    return this.maxLagMs;
  }

  /**
   * One regular poll: from the last complete poll's end, less the overlap, to now. The first poll
   * starts at `from`. Returns false when the window could not be read to its end (it is then
   * read again next time). Throws a LogsApiError when reading cannot go on (denied, not found).
   */
  async poll(from: number, signal?: AbortSignal): Promise<boolean> {
    const overlapMs = Math.max(this.minOverlapMs, 2 * this.maxLagMs);
    const start = this.cursor === undefined ? from : Math.max(from, this.cursor - overlapMs);
    const end = this.opts.clock.now() + this.skewMarginMs;
    const complete = await this.read(start, end, signal);
    if (complete) this.cursor = end - this.skewMarginMs;
    return complete;
  }

  /** Reads [start, now + margin) again: the sweep for requests still unmatched since `start`. */
  sweep(start: number, signal?: AbortSignal): Promise<boolean> {
    return this.read(start, this.opts.clock.now() + this.skewMarginMs, signal);
  }

  /** Reads every page of [startTime, endTime); false when left incomplete. */
  async read(startTime: number, endTime: number, signal?: AbortSignal): Promise<boolean> {
    const { api, logGroup, filterPattern, clock, stats } = this.opts;
    const deadline = clock.now() + this.windowBudgetMs;
    let nextToken: string | undefined;
    let failures = 0;
    let throttles = 0;
    for (;;) {
      if (isAborted(signal)) return false;
      stats.apiCalls++;
      try {
        const page = await api.filter(
          { logGroupName: logGroup, startTime, endTime, ...(filterPattern !== undefined && { filterPattern }), ...(nextToken !== undefined && { nextToken }) },
          signal,
        );
        failures = 0;
        throttles = 0;
        for (const event of page.events) this.take(event);
        if (page.nextToken === undefined) return true;
        nextToken = page.nextToken;
      } catch (err) {
        const failure = logsFailureOf(err);
        if (failure.kind === 'aborted' || isAborted(signal)) return false;
        if (failure.kind === 'throttled') {
          stats.throttled++;
          throttles++;
        } else if (failure.kind === 'transient') {
          stats.failed++;
          if (++failures > MAX_TRANSIENT_RETRIES) return false;
        } else {
          stats.failed++;
          throw failure;
        }
        const backoffMs = backoff(failure.kind === 'throttled' ? throttles : failures);
        if (clock.now() + backoffMs > deadline) return false;
        await clock.sleep(backoffMs, signal);
      }
      if (clock.now() > deadline) return false;
    }
  }

  private take(event: LogEvent): void {
    if (this.seen.has(event.eventId)) {
      this.opts.stats.duplicates++;
      return;
    }
    this.seen.set(event.eventId, event.timestamp);
    if (this.seen.size > DEDUPE_MAX) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.opts.stats.events++;
    const lagMs = event.ingestionTime - event.timestamp;
    if (lagMs > this.maxLagMs) this.maxLagMs = lagMs;
    this.opts.onEvent(event);
  }

  /**
   * Forgets the ids of events with a timestamp before `before`: the owner passes the start of the
   * oldest window it may still read (a poll's overlap, or the oldest unmatched request's sweep).
   */
  forgetBefore(before: number): void {
    const keepFrom = Math.min(before, this.cursor === undefined ? before : this.cursor - 2 * Math.max(this.minOverlapMs, 2 * this.maxLagMs));
    for (const [id, timestamp] of this.seen) {
      if (timestamp < keepFrom) this.seen.delete(id);
    }
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Exponential backoff with full jitter (the AWS SDKs' rule), attempt counted from 1. */
function backoff(attempt: number): number {
  const capMs = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, attempt - 1));
  return capMs / 2 + Math.random() * (capMs / 2);
}

export { LogsApiError };
