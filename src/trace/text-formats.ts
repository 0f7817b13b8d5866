/**
 * The two plain formats a user can write by hand or export from their own logs:
 *
 * - per-minute: one count of invocations per minute, the trace's first minute first, separated
 *   by new lines, commas or spaces; `#` starts a comment.
 * - timestamps: one arrival per line, either a number of seconds from the trace's origin
 *   (fractions allowed) or an ISO 8601 date-time with its offset (then the origin is the
 *   earliest line). Lines need not be sorted; `#` starts a comment.
 */
import type { Trace, TraceResult } from './types.js';
import { fail, ok } from './types.js';

function contentLines(text: string): { line: string; number: number }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.replace(/#.*$/, '').trim(), number: i + 1 }))
    .filter((l) => l.line !== '');
}

export function readPerMinute(text: string): TraceResult<Trace> {
  const counts: number[] = [];
  for (const { line, number } of contentLines(text)) {
    for (const token of line.split(/[\s,]+/).filter((t) => t !== '')) {
      const count = Number(token);
      if (!Number.isInteger(count) || count < 0) return fail('file', `line ${number}: expected a whole number of invocations, found "${token}"`);
      counts.push(count);
    }
  }
  if (counts.length === 0) return fail('file', 'the trace holds no counts');
  return ok({ kind: 'per-minute', counts });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function readTimestamps(text: string): TraceResult<Trace> {
  const lines = contentLines(text);
  if (lines.length === 0) return fail('file', 'the trace holds no timestamps');
  const dated = ISO.test(lines[0]!.line);
  const instants: number[] = [];
  for (const { line, number } of lines) {
    const value = dated ? (ISO.test(line) ? Date.parse(line) : Number.NaN) : /^\d+(\.\d+)?$/.test(line) ? Number(line) * 1000 : Number.NaN;
    if (!Number.isFinite(value)) {
      const expected = dated ? 'an ISO 8601 date-time with its offset, like the first line' : 'a number of seconds from the start of the trace';
      return fail('file', `line ${number}: expected ${expected}, found "${line.slice(0, 40)}"`);
    }
    instants.push(value);
  }
  instants.sort((a, b) => a - b);
  const origin = dated ? instants[0]! : 0;
  return ok({ kind: 'timestamps', offsetsMs: instants.map((t) => t - origin) });
}
