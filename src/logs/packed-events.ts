/**
 * Parsed platform lines in columns, for the message from the log reading thread to the run's
 * thread. A slice of PlatformEvent objects is cloned field by field on both threads, and on the
 * run's thread becomes several objects and strings per line; in columns a REPORT travels as its
 * request id, an index into the slice's log streams and its numbers in one Float64Array, and the
 * run's thread builds its two objects with fixed shapes. Other lines (START, INIT_START), and the
 * rare REPORT fields, travel as they are. Unpacking gives the same events in the same order.
 */
import type { LambdaReport } from '../lambda/records.js';
import type { PlatformEvent } from './events.js';

type ReportEvent = PlatformEvent & { kind: 'report' };

/** A REPORT's numbers, in column order; NaN where the line has none. */
const NUMBERS = ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs', 'restoreDurationMs', 'billedRestoreDurationMs'] as const;
/** atMs and lagMs, then NUMBERS. */
const WIDTH = 2 + NUMBERS.length;
/** The fields a packed REPORT may have: any other makes it travel as it is. */
const PACKED_FIELDS = new Set<string>(['type', 'requestId', ...NUMBERS]);

export interface PackedEvents {
  /** Each REPORT's request id. */
  ids: string[];
  /** Each REPORT's log stream, as an index into `streams`. */
  streamOf: Uint32Array;
  streams: string[];
  /** WIDTH values a REPORT: atMs, lagMs, then its numbers. */
  numbers: Float64Array;
  /** The events that travel as they are, each with its place in the slice. */
  others: { at: number; event: PlatformEvent }[];
}

export function packEvents(events: readonly PlatformEvent[]): PackedEvents {
  const reports: ReportEvent[] = [];
  const others: PackedEvents['others'] = [];
  events.forEach((event, at) => {
    if (packable(event)) reports.push(event);
    else others.push({ at, event });
  });
  const streamIndex = new Map<string, number>();
  const streamOf = new Uint32Array(reports.length);
  const numbers = new Float64Array(reports.length * WIDTH);
  const ids: string[] = [];
  reports.forEach((e, i) => {
    ids.push(e.requestId);
    let stream = streamIndex.get(e.stream);
    if (stream === undefined) streamIndex.set(e.stream, (stream = streamIndex.size));
    streamOf[i] = stream;
    const row = i * WIDTH;
    numbers[row] = e.atMs;
    numbers[row + 1] = e.lagMs;
    const report = e.report as unknown as Record<string, number | undefined>;
    for (let k = 0; k < NUMBERS.length; k++) numbers[row + 2 + k] = report[NUMBERS[k]!] ?? Number.NaN;
  });
  return { ids, streamOf, streams: [...streamIndex.keys()], numbers, others };
}

export function unpackEvents(packed: PackedEvents): PlatformEvent[] {
  const { ids, streamOf, streams, numbers, others } = packed;
  const out: PlatformEvent[] = [];
  let other = 0;
  for (let i = 0; i < ids.length; i++) {
    while (other < others.length && others[other]!.at === out.length) out.push(others[other++]!.event);
    const row = i * WIDTH;
    const requestId = ids[i]!;
    const report: LambdaReport = { type: 'report', requestId };
    for (let k = 0; k < NUMBERS.length; k++) {
      const value = numbers[row + 2 + k]!;
      if (!Number.isNaN(value)) report[NUMBERS[k]!] = value;
    }
    out.push({ kind: 'report', requestId, report, atMs: numbers[row]!, lagMs: numbers[row + 1]!, stream: streams[streamOf[i]!]! });
  }
  while (other < others.length) out.push(others[other++]!.event);
  return out;
}

/** A REPORT whose report object holds only its id and numbers (a Status, an error type or a time travels as it is). */
function packable(event: PlatformEvent): event is ReportEvent {
  if (event.kind !== 'report' || event.report.requestId !== event.requestId) return false;
  const report = event.report as unknown as Record<string, unknown>;
  for (const key in report) {
    if (!PACKED_FIELDS.has(key)) return false;
    const value = report[key];
    if (NUMBERS.includes(key as (typeof NUMBERS)[number]) && (typeof value !== 'number' || Number.isNaN(value))) return false;
  }
  return true;
}
