/**
 * Traces to replay: read a file in one of the formats, then keep the window the replay phase
 * asks for. Everything here is a pure function of the file's text and the phase.
 */
import { readAzure2019 } from './azure-2019.js';
import { readPerMinute, readTimestamps } from './text-formats.js';
import type { Trace, TraceFormat, TraceResult } from './types.js';
import { fail, ok } from './types.js';

export type { Trace, TraceFormat, TraceProblem, TraceResult } from './types.js';

export const TRACE_FORMATS: readonly TraceFormat[] = ['azure-functions-2019', 'timestamps', 'per-minute'];

export function readTrace(text: string, format: TraceFormat, functionId: string | undefined): TraceResult<Trace> {
  switch (format) {
    case 'azure-functions-2019':
      return readAzure2019(text, functionId ?? '');
    case 'per-minute':
      return readPerMinute(text);
    case 'timestamps':
      return readTimestamps(text);
  }
}

const MINUTE_MS = 60_000;

/** The part of a trace a replay sends, in trace time: arrivals relative to the window's start. */
export type TraceWindow =
  | { kind: 'per-minute'; counts: number[]; windowMs: number }
  | { kind: 'timestamps'; offsetsMs: number[]; windowMs: number };

/**
 * [from, from + duration) of the trace. A per-minute trace is cut on whole minutes; without a
 * duration the window runs to the end of the trace (for timestamps: to the end of the second
 * that holds the last arrival).
 */
export function traceWindow(trace: Trace, fromMs: number, durationMs: number | undefined): TraceResult<TraceWindow> {
  if (trace.kind === 'per-minute') {
    if (fromMs % MINUTE_MS !== 0) return fail('from', 'a per-minute trace is replayed from a whole minute, like 0m or 90m');
    if (durationMs !== undefined && durationMs % MINUTE_MS !== 0) return fail('duration', 'a per-minute trace is replayed for whole minutes, like 60m');
    const first = fromMs / MINUTE_MS;
    const total = trace.counts.length;
    const label = trace.firstMinuteLabel === undefined ? '' : ` (columns ${trace.firstMinuteLabel} to ${trace.firstMinuteLabel + total - 1})`;
    if (first >= total) return fail('from', `the trace holds ${total} minutes${label}: from must be below ${total}m`);
    const minutes = durationMs === undefined ? total - first : durationMs / MINUTE_MS;
    if (first + minutes > total) {
      return fail('duration', `the trace holds ${total} minutes${label}: from ${first}m plus ${minutes}m runs past its end`);
    }
    return ok({ kind: 'per-minute', counts: trace.counts.slice(first, first + minutes), windowMs: minutes * MINUTE_MS });
  }
  const last = trace.offsetsMs.at(-1) ?? 0;
  const windowMs = durationMs ?? Math.floor(last / 1000) * 1000 + 1000 - fromMs;
  if (!(windowMs > 0)) return fail('from', `the trace's last arrival is at ${last / 1000} s: from must be earlier`);
  const offsetsMs = trace.offsetsMs.filter((t) => t >= fromMs && t < fromMs + windowMs).map((t) => t - fromMs);
  return ok({ kind: 'timestamps', offsetsMs, windowMs });
}
