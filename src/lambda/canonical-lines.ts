/**
 * Lambda's own text lines exactly as it writes them to CloudWatch Logs, read without the general
 * parser (logs.ts): a log reading parses a line per request, and the general parser's regular
 * expressions cost several times this. Only the exact shapes below are read here:
 *
 *   START RequestId: <id> Version: <$LATEST | number>
 *   END RequestId: <id>
 *   REPORT RequestId: <id>\tDuration: <n> ms\tBilled Duration: <n> ms\t...\t
 *
 * with a REPORT's fields each `Key: <number> <ms | MB>` followed by a tab, from the seven numeric
 * keys, each once. Anything else (a prefix, a Status or Error Type, an XRAY line, another unit, a
 * line cut short, an id with other characters) gives undefined, and the general parser reads it.
 * Where this reads a line, it gives the record the general parser gives (a property test holds
 * the two together).
 */
import type { LogRecord } from './records.js';

type ReportNumbers = 'durationMs' | 'billedDurationMs' | 'memorySizeMB' | 'maxMemoryUsedMB' | 'initDurationMs' | 'restoreDurationMs' | 'billedRestoreDurationMs';

/** Each REPORT key, with its record field and the unit Lambda writes it in. */
const REPORT_KEYS = new Map<string, { field: ReportNumbers; unit: 'ms' | 'MB' }>([
  ['Duration', { field: 'durationMs', unit: 'ms' }],
  ['Billed Duration', { field: 'billedDurationMs', unit: 'ms' }],
  ['Memory Size', { field: 'memorySizeMB', unit: 'MB' }],
  ['Max Memory Used', { field: 'maxMemoryUsedMB', unit: 'MB' }],
  ['Init Duration', { field: 'initDurationMs', unit: 'ms' }],
  ['Restore Duration', { field: 'restoreDurationMs', unit: 'ms' }],
  ['Billed Restore Duration', { field: 'billedRestoreDurationMs', unit: 'ms' }],
]);
/** The record's field order, as the general parser builds it. */
const REPORT_ORDER: readonly ReportNumbers[] = ['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs', 'restoreDurationMs', 'billedRestoreDurationMs'];

const ID_RE = /^[0-9A-Za-z-]+$/;
const NUMBER_RE = /^\d+(?:\.\d+)?$/;
const VERSION_RE = /^(?:\$LATEST|\d+)$/;

/** The record of one of Lambda's own START / END / REPORT lines, or undefined. */
export function parseCanonicalLine(line: string): LogRecord | undefined {
  switch (line.charCodeAt(0)) {
    case 82: // R
      return line.startsWith('REPORT RequestId: ') ? report(line) : undefined;
    case 83: // S
      return line.startsWith('START RequestId: ') ? start(line) : undefined;
    case 69: // E
      return line.startsWith('END RequestId: ') ? end(line) : undefined;
    default:
      return undefined;
  }
}

function report(line: string): LogRecord | undefined {
  const body = withoutNewline(line);
  const tab = body.indexOf('\t', 18);
  if (tab < 0 || !body.endsWith('\t')) return undefined;
  const requestId = body.slice(18, tab);
  if (!ID_RE.test(requestId)) return undefined;
  const numbers: Partial<Record<ReportNumbers, number>> = {};
  for (let from = tab + 1; from < body.length; ) {
    const next = body.indexOf('\t', from);
    const field = body.slice(from, next);
    from = next + 1;
    const colon = field.indexOf(': ');
    const space = field.lastIndexOf(' ');
    const key = colon < 0 ? undefined : REPORT_KEYS.get(field.slice(0, colon));
    if (key === undefined || space <= colon + 1 || field.slice(space + 1) !== key.unit || key.field in numbers) return undefined;
    const text = field.slice(colon + 2, space);
    if (!NUMBER_RE.test(text)) return undefined;
    numbers[key.field] = Number(text);
  }
  if (numbers.durationMs === undefined && numbers.billedDurationMs === undefined) return undefined;
  const record: Record<string, unknown> = { type: 'report', requestId };
  for (const field of REPORT_ORDER) if (numbers[field] !== undefined) record[field] = numbers[field];
  return record as unknown as LogRecord;
}

function start(line: string): LogRecord | undefined {
  const body = withoutNewline(line);
  const at = body.indexOf(' Version: ', 17);
  if (at < 0) return undefined;
  const requestId = body.slice(17, at);
  const version = body.slice(at + 10);
  return ID_RE.test(requestId) && VERSION_RE.test(version) ? { type: 'start', requestId, version } : undefined;
}

function end(line: string): LogRecord | undefined {
  const requestId = withoutNewline(line).slice(15);
  return ID_RE.test(requestId) ? { type: 'end', requestId } : undefined;
}

/** The line without the one newline CloudWatch keeps at its end. */
function withoutNewline(line: string): string {
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}
