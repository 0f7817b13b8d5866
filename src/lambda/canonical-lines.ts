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
import type { LambdaReport, LogRecord } from './records.js';

/**
 * Each REPORT key (with the ": " after it) and the unit Lambda writes it in, in the order of the
 * record's fields (durationMs, billedDurationMs, memorySizeMB, maxMemoryUsedMB, initDurationMs,
 * restoreDurationMs, billedRestoreDurationMs: the order the general parser builds them in).
 */
const REPORT_KEYS: readonly { key: string; unit: string }[] = [
  { key: 'Duration: ', unit: ' ms' },
  { key: 'Billed Duration: ', unit: ' ms' },
  { key: 'Memory Size: ', unit: ' MB' },
  { key: 'Max Memory Used: ', unit: ' MB' },
  { key: 'Init Duration: ', unit: ' ms' },
  { key: 'Restore Duration: ', unit: ' ms' },
  { key: 'Billed Restore Duration: ', unit: ' ms' },
];

const ID_RE = /^[0-9A-Za-z-]+$/;
const VERSION_RE = /^(?:\$LATEST|\d+)$/;
const REPORT_PREFIX = 'REPORT RequestId: ';
const TAB = 9;
const ZERO = 48;
const DOT = 46;
/** Up to this many digits, a decimal's digits read as an integer are exact, and so are the powers of ten. */
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The record of one of Lambda's own START / END / REPORT lines, or undefined. */
export function parseCanonicalLine(line: string): LogRecord | undefined {
  switch (line.charCodeAt(0)) {
    case 82: // R
      return line.startsWith(REPORT_PREFIX) ? report(line) : undefined;
    case 83: // S
      return line.startsWith('START RequestId: ') ? start(line) : undefined;
    case 69: // E
      return line.startsWith('END RequestId: ') ? end(line) : undefined;
    default:
      return undefined;
  }
}

/**
 * A REPORT, read in one pass over the line without cutting it into fields: a reading parses a
 * line per request, and a substring per field, key and unit cost more than the rest of it. The
 * numbers stay in locals until the record is built (NaN: not in the line): an array of them
 * would be garbage on every line.
 */
function report(line: string): LogRecord | undefined {
  const length = line.endsWith('\n') ? line.length - 1 : line.length;
  if (length === 0 || line.charCodeAt(length - 1) !== TAB) return undefined;
  const tab = line.indexOf('\t', REPORT_PREFIX.length);
  if (tab < 0) return undefined;
  const requestId = line.slice(REPORT_PREFIX.length, tab);
  if (!ID_RE.test(requestId)) return undefined;
  let duration = Number.NaN;
  let billed = Number.NaN;
  let memory = Number.NaN;
  let maxMemory = Number.NaN;
  let init = Number.NaN;
  let restore = Number.NaN;
  let billedRestore = Number.NaN;
  /** Bit k: REPORT_KEYS[k] was read. */
  let read = 0;
  for (let from = tab + 1; from < length; ) {
    const next = line.indexOf('\t', from);
    const k = keyAt(line, from);
    if (k < 0 || (read & (1 << k)) !== 0) return undefined;
    const { key, unit } = REPORT_KEYS[k]!;
    const numberEnd = next - unit.length;
    if (!line.startsWith(unit, numberEnd)) return undefined;
    const value = decimal(line, from + key.length, numberEnd);
    if (Number.isNaN(value)) return undefined;
    read |= 1 << k;
    switch (k) {
      case 0: duration = value; break;
      case 1: billed = value; break;
      case 2: memory = value; break;
      case 3: maxMemory = value; break;
      case 4: init = value; break;
      case 5: restore = value; break;
      default: billedRestore = value;
    }
    from = next + 1;
  }
  if ((read & 0b11) === 0) return undefined;
  // Named stores, in REPORT_KEYS' order: a store by a computed key would cost more than the read.
  const record: LambdaReport = { type: 'report', requestId };
  if (!Number.isNaN(duration)) record.durationMs = duration;
  if (!Number.isNaN(billed)) record.billedDurationMs = billed;
  if (!Number.isNaN(memory)) record.memorySizeMB = memory;
  if (!Number.isNaN(maxMemory)) record.maxMemoryUsedMB = maxMemory;
  if (!Number.isNaN(init)) record.initDurationMs = init;
  if (!Number.isNaN(restore)) record.restoreDurationMs = restore;
  if (!Number.isNaN(billedRestore)) record.billedRestoreDurationMs = billedRestore;
  return record;
}

/** Which REPORT key the line has at `at` (an index into REPORT_KEYS), or -1. */
function keyAt(line: string, at: number): number {
  for (let k = 0; k < REPORT_KEYS.length; k++) if (line.startsWith(REPORT_KEYS[k]!.key, at)) return k;
  return -1;
}

/**
 * The number written in line[from, to) as digits with an optional fraction (`\d+(\.\d+)?`), or
 * NaN for anything else. The value is Number()'s: up to EXACT_DIGITS digits, the digits as
 * an integer and the power of ten are exact, and IEEE division rounds their quotient as Number()
 * rounds the decimal; longer numbers go through Number().
 */
function decimal(line: string, from: number, to: number): number {
  let digits = 0;
  let fraction = -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c === DOT) {
      if (fraction >= 0 || i === from || i === to - 1) return Number.NaN;
      fraction = 0;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits === 0) return Number.NaN;
  if (digits > EXACT_DIGITS) return Number(line.slice(from, to));
  return fraction > 0 ? value / POWERS_OF_TEN[fraction]! : value;
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
