/**
 * Lines of the summary about where starts came from: how each was decided (counts by rule), how
 * complete the join with the function's logs got, and async invokes' queue and end-to-end times.
 * Shared by the terminal summary and the Markdown report.
 */
import type { Result } from '../result/result.js';
import type { StartKind } from '../targets/target.js';

const KINDS: StartKind[] = ['cold', 'proactive', 'warm', 'unknown'];

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);

/** [start, rule, count] rows, largest first within each start kind. */
export function decisionRows(r: Result): [StartKind, string, number][] {
  const reasons = r.startReasons as Result['startReasons'] | undefined; // absent in files written before it existed
  if (reasons === undefined) return [];
  const rows: [StartKind, string, number][] = [];
  for (const kind of KINDS) {
    const byRule = Object.entries(reasons[kind] ?? {}).sort((a, b) => b[1] - a[1]);
    for (const [rule, n] of byRule) rows.push([kind, rule, n]);
  }
  return rows;
}

/** One sentence on the join with the function's logs, or undefined when the run read none. */
export function logsLine(r: Result): string | undefined {
  const l = r.logs;
  if (l === undefined) return undefined;
  // Requests the join could match: those the function ran, with an id to join on.
  const joinable = l.deferred - l.notInvoked - l.withoutId;
  const share = joinable > 0 ? ` (${((100 * l.matched) / joinable).toFixed(1)}%)` : '';
  const lag = l.lagMs === null ? '' : `; log lag p50 ${fmtMs(l.lagMs.p50)}, max ${fmtMs(l.lagMs.max)}`;
  const calls = `; ${l.apiCalls} FilterLogEvents calls${l.throttledCalls > 0 ? ` (${l.throttledCalls} throttled)` : ''}`;
  // Absent from files merged by versions that left out a value the shards disagreed on.
  const waited = typeof l.waitedMs === 'number' ? `; read ${fmtMs(l.waitedMs)} after the load` : '';
  const via = l.accessLogGroup === undefined ? '' : ` through the access log ${l.accessLogGroup}`;
  const notInvoked = l.notInvoked > 0 ? `; ${l.notInvoked} never reached the function${(l.throttledBehindFront ?? 0) > 0 ? ` (${l.throttledBehindFront} throttled by Lambda behind the front)` : ''}` : '';
  const noId = l.withoutId > 0 ? `; ${l.withoutId} answered without a request id` : '';
  return `starts from ${l.logGroup}${via}: ${l.matched} of ${joinable} requests matched${share}${notInvoked}${noId}${lag}${calls}${waited}${l.complete ? '' : ' (incomplete)'}`;
}

/** Async invokes: [label, p50, p99, max] rows. */
export function asyncRows(r: Result): string[][] {
  const a = r.async;
  if (a === undefined) return [];
  const row = (label: string, s: { count: number; p50: number; p99: number; max: number }): string[] =>
    s.count === 0 ? [label, '-', '-', '-'] : [label, fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max)];
  return [row('queue delay (send to START)', a.queueDelay), row('end to end (planned to end of last attempt)', a.endToEnd)];
}

export function asyncLine(r: Result): string | undefined {
  const a = r.async;
  if (a === undefined) return undefined;
  const attempts = Object.entries(a.attempts).sort(([x], [y]) => Number(x) - Number(y)).map(([n, k]) => `${k} in ${n}`).join(', ');
  return `async events: ${attempts === '' ? 'none ran' : `attempts ${attempts}`}; ${a.retries} retries; ${a.neverRan} never ran within the wait`;
}
