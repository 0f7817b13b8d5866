/**
 * The reading side of a log reading: the group readers, their polls and sweeps, and the parsing
 * of each distinct event into what the join takes. A round hands the join (join.ts) parsed
 * events and asks it where its unmatched requests are (`RoundLink`; `joinLink` for a join on the
 * same thread).
 *
 * `LocalLogSource` does this on the calling thread. A run reads through `WorkerLogSource`
 * (worker-source.ts, a `JoinedLogSource`), which runs a LocalLogSource and the join on a thread
 * of its own, so that fetching, parsing and joining pages of thousands of lines never holds the
 * thread that sends and times requests.
 */
import type { Recorder, StartJoin } from '../run/recorder.js';
import type { LogEvent, LogsApi } from './api.js';
import { accessRecordOf, platformEventOf } from './events.js';
import type { AccessLogFields, AccessRecord, PlatformEvent } from './events.js';
import type { JoinFigures, LogJoin } from './join.js';
import { GroupReader, newReadStats } from './reader.js';
import type { ReadStats, ReaderClock } from './reader.js';

/** One log group to read: the function's platform lines, or an API Gateway stage's access log. */
export interface GroupSpec {
  logGroup: string;
  filterPattern?: string;
  access?: AccessLogFields;
}

/** What a round gives the join and asks of it. */
export interface RoundLink {
  platform(events: PlatformEvent[]): void;
  access(records: AccessRecord[]): void;
  /** Where the lines of unmatched requests sent before `covered` should be (epoch ms ranges). */
  sweepRanges(covered: number): readonly (readonly [number, number])[];
  /** Event ids older than this (epoch ms) may be forgotten: no window will read them again. */
  keepFrom(): number;
}

export interface RoundRequest {
  /** Where the first poll of each group starts (epoch ms). */
  fromEpoch: number;
  /** Also read around the requests still unmatched that polls no longer reach. */
  sweep: boolean;
}

export interface LogSource {
  /** One round: a poll of every group (the access log first) and a sweep when asked. Throws a LogsApiError when reading cannot go on. */
  round(request: RoundRequest, link: RoundLink, signal?: AbortSignal): Promise<void>;
  /** The counters so far. */
  stats(): ReadStats;
  close(): void;
}

/**
 * A sweep reads from this long before an unmatched request's send to this long after its
 * answer: log clocks may be off by a little, and an init (INIT_START) starts before the REPORT.
 */
export const SWEEP_MARGIN_MS = 10_000;

/** A round's link to a join on the same thread. */
export function joinLink(join: LogJoin): RoundLink {
  return {
    platform: (events) => {
      for (const e of events) join.onPlatform(e);
    },
    access: (records) => {
      for (const r of records) join.onAccess(r);
    },
    sweepRanges: (covered) => join.unmatchedRanges(covered, SWEEP_MARGIN_MS),
    keepFrom: () => {
      const oldest = join.oldestPendingEpoch();
      return oldest === undefined ? Infinity : oldest - SWEEP_MARGIN_MS;
    },
  };
}

/** How a run's requests are joined to their lines (LogJoin's options but the recorder's). */
export interface JoinSetup {
  mode: 'sync' | 'async';
  viaAccessLog: boolean;
  asyncMaxAttempts: number;
}

/**
 * A reading with the join beside it (WorkerLogSource): the run hands it its recorder, drives its
 * rounds, and gets the join's figures when it ends.
 */
export interface JoinedLogSource {
  /** From now on the recorder's unclassified requests are joined; `epochOf` turns its clock into epoch ms. */
  attach(recorder: Recorder, setup: JoinSetup, epochOf: (clockMs: number) => number): StartJoin;
  /** The run's span (epoch ms): REPORTs inside it count in the run-level figures. */
  setRunWindow(fromMs: number, toMs: number): void;
  /** One round of reads (a poll of every group, and a sweep when asked). Throws when reading cannot go on. */
  round(request: RoundRequest, signal?: AbortSignal): Promise<void>;
  /** Requests still waiting for a line. */
  readonly pending: number;
  /** Of those, async events already run that may still be retried. */
  readonly retrying: number;
  /** Ends the join: requests never matched are counted `unknown`. */
  finish(): Promise<JoinFigures>;
  stats(): ReadStats;
  close(): void;
}

export interface LocalSourceOptions {
  api: LogsApi;
  clock: ReaderClock;
  groups: readonly GroupSpec[];
  /** Events parsed and handed over at a time (default 100). */
  sliceSize?: number;
}

export class LocalLogSource implements LogSource {
  private readonly counters = newReadStats();
  private readonly readers: { reader: GroupReader; spec: GroupSpec }[];
  /** The link of the round under way: readers hand their events to it. */
  private link: RoundLink | undefined;

  constructor(private readonly opts: LocalSourceOptions) {
    this.readers = opts.groups.map((spec) => ({
      spec,
      reader: new GroupReader({
        api: opts.api,
        clock: opts.clock,
        stats: this.counters,
        logGroup: spec.logGroup,
        ...(spec.filterPattern !== undefined && { filterPattern: spec.filterPattern }),
        ...(opts.sliceSize !== undefined && { sliceSize: opts.sliceSize }),
        onEvents: (events) => this.hand(spec, events),
      }),
    }));
  }

  async round(request: RoundRequest, link: RoundLink, signal?: AbortSignal): Promise<void> {
    this.link = link;
    try {
      // The access log first: its lines turn API Gateway ids into the Lambda ids REPORTs carry.
      for (const { reader } of [...this.readers].reverse()) {
        await reader.poll(request.fromEpoch, signal);
        const covered = reader.coveredFrom();
        if (request.sweep && covered !== undefined) await reader.sweep(link.sweepRanges(covered), signal);
        reader.forgetBefore(link.keepFrom());
      }
    } finally {
      this.link = undefined;
    }
  }

  stats(): ReadStats {
    return { ...this.counters, largestLagMs: Math.max(0, ...this.readers.map(({ reader }) => reader.largestLagMs)) };
  }

  close(): void {
    this.opts.api.close();
  }

  private hand(spec: GroupSpec, events: readonly LogEvent[]): void {
    const link = this.link;
    if (link === undefined) return;
    const access = spec.access;
    if (access !== undefined) {
      const records: AccessRecord[] = [];
      for (const event of events) {
        const record = accessRecordOf(event, access);
        if (record !== undefined) records.push(record);
      }
      if (records.length > 0) link.access(records);
      return;
    }
    const parsed: PlatformEvent[] = [];
    for (const event of events) {
      const e = platformEventOf(event);
      if (e === undefined) continue;
      if (event.maybeReadBefore === true) e.readBefore = true;
      parsed.push(e);
    }
    if (parsed.length > 0) link.platform(parsed);
  }
}
