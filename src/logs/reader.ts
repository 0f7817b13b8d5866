/**
 * Reads one log group by event time. FilterLogEvents returns the events whose timestamp falls in
 * a window and that were ingested by the time of the call; an event ingested late is only seen
 * by a later call whose window still covers its timestamp.
 *
 * So a poll reads up to `now - trail`, where the trail is the recent ingestion lag (p90): an
 * event that late or less is visible by then, and is read once. Each window starts before the
 * last one ended, by the spread of the lag beyond the trail plus a margin, so an event a little
 * later than usual is read by the next poll; events read twice are dropped by `eventId`. An
 * event later than that is found by a sweep around the request still waiting for it (join.ts).
 * Reading everything again each time would cost, at 2,000 requests/s and a 10 s overlap, five
 * reads and a JSON parse of each line.
 *
 * What the API documents and this handles (API_FilterLogEvents): pages of up to 10,000 events or
 * 1 MB, "partially full, or even empty" pages that still carry a nextToken (only a page without
 * one ends the window), and ThrottlingException (a quota of 5 requests per second per account
 * and Region): the same page is asked for again after a backoff, so a throttle costs time, never
 * a part of the window.
 */
import type { LogEvent, LogsApi } from './api.js';
import { LogsApiError, logsFailureOf } from './api.js';
import type { EventList } from './page-scan.js';
import { SeenEvents } from './seen-events.js';

export interface ReaderClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Date.now() and timers. */
export const realReaderClock: ReaderClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Counters of one reading, shared by the readers of a run (the result reports them). */
export interface ReadStats {
  apiCalls: number;
  throttled: number;
  failed: number;
  /** Distinct events read. */
  events: number;
  /** Events read again by an overlapping window, and dropped. */
  duplicates: number;
  /** The largest ingestion lag (ingestionTime - timestamp) of an event read, ms (the group readers' largest). */
  largestLagMs: number;
}

export function newReadStats(): ReadStats {
  return { apiCalls: 0, throttled: 0, failed: 0, events: 0, duplicates: 0, largestLagMs: 0 };
}

export interface GroupReaderOptions {
  api: LogsApi;
  logGroup: string;
  filterPattern?: string;
  clock: ReaderClock;
  stats: ReadStats;
  /** Called with the distinct events of each slice of a page, in the page's order. */
  onEvents(events: LogEvent[]): void;
  /** Events taken between two turns of the event loop (default 100). */
  sliceSize?: number;
  /** Each poll reads again this much before the last one ended, beyond the lag's spread (default 1 s). */
  overlapMarginMs?: number;
  /** Sweeps end this far past now: the producer's clock may be ahead of ours. */
  skewMarginMs?: number;
  /** Longest one window may take, retries and backoff included, before it is left incomplete. */
  windowBudgetMs?: number;
}

/** Consecutive failures of one call (other than throttles) before a window is left incomplete. */
const MAX_TRANSIENT_RETRIES = 4;
const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/**
 * Most event ids remembered for deduplication; the oldest go first: a million covers 25 s of
 * windows read again at 40,000 events/s, in 33 MB (seen-events.ts). An event read again after
 * its id is forgotten is marked maybe read before (LogEvent.maybeReadBefore), never counted twice.
 */
const DEDUPE_MAX = 1_000_000;
/** Ingestion lags kept to set the trail and overlap: the most recent ones. */
const LAG_SAMPLES = 1024;
/** Events taken between two turns of the event loop, unless told otherwise. */
const TAKE_SLICE = 100;
/** Before any lag is known, polls read this far back from where the last one ended. */
const FIRST_OVERLAP_MS = 10_000;

export class GroupReader {
  /** Every event with a timestamp before this, ingested by then, has been read by a complete poll (epoch ms). */
  private cursor: number | undefined;
  /** When that poll ran (epoch ms): it could see only what was ingested by then. */
  private cursorReadAt = 0;
  private readonly seen = new SeenEvents(DEDUPE_MAX);
  private maxLagMs = 0;
  private readonly lags = new Float64Array(LAG_SAMPLES);
  private lagCount = 0;
  private readonly overlapMarginMs: number;
  private readonly skewMarginMs: number;
  private readonly windowBudgetMs: number;
  private readonly sliceSize: number;

  constructor(private readonly opts: GroupReaderOptions) {
    this.overlapMarginMs = opts.overlapMarginMs ?? 1_000;
    this.skewMarginMs = opts.skewMarginMs ?? 5_000;
    this.windowBudgetMs = opts.windowBudgetMs ?? 30_000;
    this.sliceSize = Math.max(1, opts.sliceSize ?? TAKE_SLICE);
  }

  get logGroup(): string {
    return this.opts.logGroup;
  }

  /** The largest ingestion lag seen (ingestionTime - timestamp), ms. */
  get largestLagMs(): number {
    return this.maxLagMs;
  }

  /**
   * One regular poll: from the last complete poll's end, less the overlap, to now less the
   * trail. The first poll starts at `from`. Returns false when the window could not be read to
   * its end (it is then read again next time). Throws a LogsApiError when reading cannot go on
   * (denied, not found).
   */
  async poll(from: number, signal?: AbortSignal): Promise<boolean> {
    const { trailMs, overlapMs } = this.window();
    const now = this.opts.clock.now();
    const end = now - trailMs;
    const start = this.cursor === undefined ? from : Math.max(from, this.coveredUpTo(trailMs) - overlapMs);
    if (end <= start) return true;
    const complete = await this.read(start, end, signal);
    if (complete && (this.cursor === undefined || end >= this.cursor)) {
      this.cursor = end;
      this.cursorReadAt = now;
    }
    return complete;
  }

  /** Events with a timestamp from here on are still read by polls; older ones only by sweeps. */
  coveredFrom(): number | undefined {
    if (this.cursor === undefined) return undefined;
    const { trailMs, overlapMs } = this.window();
    return this.coveredUpTo(trailMs) - overlapMs;
  }

  /**
   * Up to where the last complete poll read everything with a lag of at most `trailMs`: its end,
   * or less when it trailed by less than that (the first poll, before any lag is known, reads up
   * to now; a lag that grew since): what it could not see then is read again.
   */
  private coveredUpTo(trailMs: number): number {
    return Math.min(this.cursor!, this.cursorReadAt - trailMs);
  }

  /** Reads each [from, to) range (to no later than now + the skew margin): events polls no longer reach. */
  async sweep(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<boolean> {
    let complete = true;
    for (const [from, to] of ranges) {
      const end = Math.min(to, this.opts.clock.now() + this.skewMarginMs);
      if (end > from) complete = (await this.read(from, end, signal)) && complete;
    }
    return complete;
  }

  /** The trail (recent lag, p90) and the overlap (the lag's spread beyond it, plus the margin). */
  private window(): { trailMs: number; overlapMs: number } {
    const n = Math.min(this.lagCount, LAG_SAMPLES);
    if (n === 0) return { trailMs: 0, overlapMs: FIRST_OVERLAP_MS };
    const recent = Array.from(this.lags.subarray(0, n)).sort((a, b) => a - b);
    const trailMs = Math.max(0, recent[Math.floor(0.9 * (n - 1))]!);
    const spreadMs = recent[n - 1]! - trailMs;
    return { trailMs, overlapMs: spreadMs + this.overlapMarginMs };
  }

  /** Reads every page of [from, to); false when left incomplete. */
  async read(from: number, to: number, signal?: AbortSignal): Promise<boolean> {
    const { api, logGroup, filterPattern, clock, stats } = this.opts;
    // The API takes whole milliseconds (a Long); widen the window rather than cut it.
    const startTime = Math.floor(from);
    const endTime = Math.ceil(to);
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
        await this.takeAll(page.events);
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

  /**
   * A page of 10,000 events is handed over in slices, the first one too, with a turn of the
   * event loop between them: on a thread that also serves a load, one piece would hold it for
   * tens of milliseconds, and an open model at thousands of requests/s would send late and pile
   * up requests in flight meanwhile.
   */
  private async takeAll(events: EventList): Promise<void> {
    for (let from = 0; from < events.length; from += this.sliceSize) {
      await yieldToLoad();
      // A slice of a page read from the API is parsed here (page-scan.ts): a page that turns out
      // not to be JSON throws, and is asked for again.
      const distinct = events.slice(from, from + this.sliceSize).filter((event) => this.take(event));
      if (distinct.length > 0) this.opts.onEvents(distinct);
    }
  }

  /** Counts an event; false when it was read before. */
  private take(event: LogEvent): boolean {
    if (!this.seen.add(event.eventId, event.timestamp)) {
      this.opts.stats.duplicates++;
      return false;
    }
    this.opts.stats.events++;
    if (event.timestamp <= this.seen.forgottenUpTo) event.maybeReadBefore = true;
    const lagMs = event.ingestionTime - event.timestamp;
    if (lagMs > this.maxLagMs) this.maxLagMs = lagMs;
    this.lags[this.lagCount++ % LAG_SAMPLES] = lagMs;
    return true;
  }

  /**
   * Forgets the ids of events with a timestamp before `before`: the owner passes the start of the
   * oldest window it may still read (a poll's overlap, or the oldest unmatched request's sweep).
   */
  forgetBefore(before: number): void {
    this.seen.forgetBefore(Math.min(before, this.coveredFrom() ?? before));
  }
}

function yieldToLoad(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
