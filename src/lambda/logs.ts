/**
 * Lambda platform log parser: text lines (START / END / REPORT / INIT_START / INIT_REPORT /
 * RESTORE_REPORT) and JSON telemetry events (platform.*), from an Invoke `LogResult` tail, a
 * CloudWatch export or `aws logs tail`. Pure and total: no I/O, never throws, and a line it
 * does not recognise (or one cut short) is skipped, never guessed. Variants and sources are
 * listed in docs/log-formats.md.
 */
import { parseCanonicalLine } from './canonical-lines.js';
import type { InitReportRecord, InitStartRecord, LambdaReport, LogRecord } from './records.js';

/** Longest keys first, so `Billed Restore Duration` wins over `Restore Duration` / `Duration`. */
const FIELD_KEYS = [
  'Billed Restore Duration',
  'Restore Duration',
  'Billed Duration',
  'Init Duration',
  'Max Memory Used',
  'Memory Size',
  'Duration',
  'Runtime Version ARN',
  'Runtime Version',
  'RequestId',
  'Version',
  'Phase',
  'Status',
  'Error Type',
  'XRAY TraceId',
  'SegmentId',
  'Sampled',
] as const;
type FieldKey = (typeof FIELD_KEYS)[number];

const FIELD_RE = new RegExp(`(${FIELD_KEYS.map((k) => k.replace(/ /g, '\\s+')).join('|')})\\s*:`, 'gi');
const CANONICAL_KEY = new Map<string, FieldKey>(FIELD_KEYS.map((k) => [k.toLowerCase(), k]));

/** A line's keyword, after an optional prefix (timestamp, log stream, table pipes, quotes). */
const KEYWORD_RE = /(REPORT|START(?=\s+RequestId)|END(?=\s+RequestId)|INIT_START|INIT_REPORT|RESTORE_REPORT)(?![A-Za-z_])/;
/** What may stand before the keyword: timestamps, epoch ms, log stream names, separators. */
const PREFIX_RE = new RegExp(
  '^(?:' +
    [
      '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?',
      '\\([+-]\\d{2}:?\\d{2}\\)',
      '\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?',
      '\\d{10,13}',
      '\\d{4}/\\d{2}/\\d{2}/\\[[^\\]]*\\][0-9A-Za-z]*',
      '[\\s|"\'`,\\-\\[\\]]',
    ].join('|') +
    ')*$',
);
/** Longer prefixes are function output, not a timestamp column (also bounds regex work). */
const MAX_PREFIX_CHARS = 160;
const ISO_IN_PREFIX_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/;
const EPOCH_IN_PREFIX_RE = /(?:^|[^\d])(\d{13})(?!\d)/;

interface Field {
  key: FieldKey;
  value: string;
  /** True when this field is the last one on the line (its value runs to the end). */
  last: boolean;
}

/**
 * Parses one line (text or a one-line JSON event). Never throws. Lambda's own START / END /
 * REPORT lines, as it writes them, are read by a faster path that gives the same records.
 */
export function parseLogLine(line: string): LogRecord | undefined {
  try {
    return parseCanonicalLine(line) ?? parseLine(line);
  } catch {
    return undefined;
  }
}

/** parseLogLine without the faster path: every variant, through the general parser. */
export function parseGeneralLogLine(line: string): LogRecord | undefined {
  try {
    return parseLine(line);
  } catch {
    return undefined;
  }
}

function parseLine(raw: string): LogRecord | undefined {
  const line = raw.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{')) return parseJsonEvent(trimmed);
  const embedded = trimmed.search(/\{\s*"(?:time|type)"\s*:/);
  if (embedded > 0) {
    const fromJson = parseJsonEvent(trimmed.slice(embedded));
    if (fromJson !== undefined) return fromJson;
  }
  return parseTextLine(line);
}

function parseTextLine(line: string): LogRecord | undefined {
  const match = KEYWORD_RE.exec(line);
  if (match === null) return undefined;
  const prefix = line.slice(0, match.index);
  if (prefix.length > MAX_PREFIX_CHARS || !PREFIX_RE.test(prefix)) return undefined;
  const fields = parseFields(line.slice(match.index + match[0].length));
  const time = timeFromPrefix(prefix);
  const record = buildTextRecord(match[1] as string, fields);
  if (record === undefined) return undefined;
  if (time !== undefined) record.time = time;
  return record;
}

function timeFromPrefix(prefix: string): string | undefined {
  const iso = ISO_IN_PREFIX_RE.exec(prefix);
  if (iso !== null) return iso[0];
  const epoch = EPOCH_IN_PREFIX_RE.exec(prefix);
  if (epoch?.[1] !== undefined) {
    const date = new Date(Number(epoch[1]));
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

/** Splits `Key: value<sep>Key: value...` whatever the separator (tab, spaces, nothing). */
function parseFields(body: string): Field[] | undefined {
  const hits = [...body.matchAll(FIELD_RE)];
  const fields: Field[] = [];
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as RegExpMatchArray;
    const next = hits[i + 1];
    const start = (hit.index ?? 0) + hit[0].length;
    const end = next?.index ?? body.length;
    const key = CANONICAL_KEY.get((hit[1] as string).replace(/\s+/g, ' ').toLowerCase());
    if (key === undefined) continue;
    fields.push({ key, value: body.slice(start, end), last: next === undefined });
  }
  return fields;
}

/** Every record kind may carry the time of its line. */
type TextRecord = LogRecord;

function buildTextRecord(keyword: string, fields: Field[] | undefined): TextRecord | undefined {
  if (fields === undefined) return undefined;
  const get = (key: FieldKey): Field | undefined => fields.find((f) => f.key === key);
  switch (keyword) {
    case 'REPORT':
      return buildReport(fields, get);
    case 'START':
      return dropUndefined({ type: 'start', requestId: token(get('RequestId')), version: token(get('Version')) });
    case 'END':
      return dropUndefined({ type: 'end', requestId: token(get('RequestId')) });
    case 'INIT_START':
      return dropUndefined({
        type: 'initStart',
        runtimeVersion: token(get('Runtime Version')),
        runtimeVersionArn: token(get('Runtime Version ARN')),
      });
    case 'INIT_REPORT': {
      const initDurationMs = durationMs(get('Init Duration'));
      if (initDurationMs === TRUNCATED) return undefined;
      const status = token(get('Status'));
      if (initDurationMs === undefined && status === undefined) return undefined;
      return dropUndefined({ type: 'initReport', initDurationMs, phase: token(get('Phase')), status, errorType: token(get('Error Type')) });
    }
    case 'RESTORE_REPORT': {
      const restoreDurationMs = durationMs(get('Restore Duration'));
      if (restoreDurationMs === TRUNCATED) return undefined;
      const status = token(get('Status'));
      if (restoreDurationMs === undefined && status === undefined) return undefined;
      return dropUndefined({ type: 'restoreReport', restoreDurationMs, status, errorType: token(get('Error Type')) });
    }
    default:
      return undefined;
  }
}

function buildReport(fields: Field[], get: (key: FieldKey) => Field | undefined): TextRecord | undefined {
  const numbers = {
    durationMs: durationMs(get('Duration')),
    billedDurationMs: durationMs(get('Billed Duration')),
    memorySizeMB: megabytes(get('Memory Size')),
    maxMemoryUsedMB: megabytes(get('Max Memory Used')),
    initDurationMs: durationMs(get('Init Duration')),
    restoreDurationMs: durationMs(get('Restore Duration')),
    billedRestoreDurationMs: durationMs(get('Billed Restore Duration')),
  };
  const values = Object.values(numbers);
  // A number cut off at the end of the line (no unit) may be a prefix of the real value: the
  // whole REPORT is untrustworthy (an `Init Duration: 54` could have been 5400 ms).
  if (values.includes(TRUNCATED) || endsMidField(fields)) return undefined;
  if (numbers.durationMs === undefined && numbers.billedDurationMs === undefined) return undefined;
  return dropUndefined({
    type: 'report',
    requestId: token(get('RequestId')),
    ...(numbers as Record<keyof typeof numbers, number | undefined>),
    status: token(get('Status')),
    errorType: token(get('Error Type')),
  });
}

/** The last numeric field is followed by text with no `key:` in it: the line was cut mid-key. */
function endsMidField(fields: Field[]): boolean {
  const last = fields[fields.length - 1];
  if (last === undefined || !NUMERIC_KEYS.has(last.key)) return false;
  const rest = last.value.replace(NUMBER_WITH_UNIT_RE, '').trim();
  return rest !== '' && !rest.includes(':');
}

const NUMERIC_KEYS = new Set<FieldKey>([
  'Duration',
  'Billed Duration',
  'Memory Size',
  'Max Memory Used',
  'Init Duration',
  'Restore Duration',
  'Billed Restore Duration',
]);
const NUMBER_WITH_UNIT_RE = /^\s*-?\d+(?:\.\d+)?\s*(?:ms|s|sec|seconds|mb|gb|kb)?\b/i;
const NUMBER_RE = /^\s*(-?\d+(?:\.\d+)?)(?:\s*(ms|s|sec|seconds|mb|gb|kb)(?![A-Za-z]))?/i;
const TRUNCATED = Symbol('truncated');

/** `12.34 ms` -> 12.34; `2 s` -> 2000. A bare number at the end of the line is TRUNCATED. */
function durationMs(field: Field | undefined): number | undefined | typeof TRUNCATED {
  const parsed = numberWithUnit(field);
  if (parsed === undefined || parsed === TRUNCATED) return parsed;
  const unit = parsed.unit?.toLowerCase();
  return unit === 's' || unit === 'sec' || unit === 'seconds' ? parsed.value * 1000 : parsed.value;
}

/** `128 MB` -> 128; `1 GB` -> 1024. */
function megabytes(field: Field | undefined): number | undefined | typeof TRUNCATED {
  const parsed = numberWithUnit(field);
  if (parsed === undefined || parsed === TRUNCATED) return parsed;
  const unit = parsed.unit?.toLowerCase();
  if (unit === 'gb') return parsed.value * 1024;
  if (unit === 'kb') return parsed.value / 1024;
  return parsed.value;
}

function numberWithUnit(field: Field | undefined): { value: number; unit?: string } | undefined | typeof TRUNCATED {
  if (field === undefined) return undefined;
  const m = NUMBER_RE.exec(field.value);
  // `Init Duration:` with nothing (or junk) after it at the end of the line: cut short.
  if (m === null) return field.last ? TRUNCATED : undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return undefined;
  if (m[2] === undefined && field.last && field.value.trim() === m[1]) return TRUNCATED;
  return m[2] === undefined ? { value } : { value, unit: m[2] };
}

/** First whitespace-free token of a value; undefined when empty (e.g. a missing request id). */
function token(field: Field | undefined): string | undefined {
  const t = field?.value.trim().split(/\s+/)[0];
  return t === undefined || t === '' ? undefined : t;
}

function dropUndefined<T extends LogRecord>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

/**
 * Parses multi-line text: one record per recognised line; XRAY continuation lines and function
 * output are skipped; a JSON event may span several lines (pretty-printed) or share the text.
 */
export function parseLogText(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  try {
    for (const chunk of splitEvents(text)) {
      const record = parseLogLine(chunk);
      if (record !== undefined) records.push(record);
    }
  } catch {
    // splitEvents and parseLogLine do not throw; this only keeps the promise of totality.
  }
  return records;
}

/** Decodes an Invoke `LogResult` (base64 of the last 4 KB of the log). Never throws. */
export function decodeLogResult(base64: string | undefined): string {
  if (typeof base64 !== 'string') return '';
  const compact = base64.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return '';
  try {
    return Buffer.from(compact, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

export interface InvocationLog {
  report?: LambdaReport;
  initStart?: InitStartRecord;
  initReport?: InitReportRecord;
}

/**
 * One invocation's tail: its REPORT (the last one whose request id matches `requestId`; with no
 * match, the last REPORT that carries no request id at all) and the INIT_START / INIT_REPORT that
 * came after the previous REPORT. The tail is the last 4 KB, so START may be cut off; the REPORT
 * is at the end.
 */
export function reportOf(text: string, requestId?: string): InvocationLog {
  const records = parseLogText(text);
  const reportIndex = pickReport(records, requestId);
  const from = reportIndex === undefined ? 0 : previousReport(records, reportIndex) + 1;
  const to = reportIndex ?? records.length;
  const out: InvocationLog = {};
  if (reportIndex !== undefined) out.report = records[reportIndex] as LambdaReport;
  for (let i = from; i < to; i++) {
    const r = records[i] as LogRecord;
    if (r.type === 'initStart') out.initStart = r;
    if (r.type === 'initReport') out.initReport = r;
  }
  return out;
}

function pickReport(records: LogRecord[], requestId: string | undefined): number | undefined {
  let exact: number | undefined;
  let anonymous: number | undefined;
  let any: number | undefined;
  records.forEach((r, i) => {
    if (r.type !== 'report') return;
    any = i;
    if (r.requestId === undefined) anonymous = i;
    else if (requestId !== undefined && r.requestId.toLowerCase() === requestId.toLowerCase()) exact = i;
  });
  if (requestId === undefined || requestId === '') return any;
  return exact ?? anonymous;
}

function previousReport(records: LogRecord[], index: number): number {
  for (let i = index - 1; i >= 0; i--) if (records[i]?.type === 'report') return i;
  return -1;
}

// ---- JSON events (LogFormat=JSON, Telemetry API, CloudWatch event exports) ----

type Json = Record<string, unknown>;

/** Maps one `{"time","type":"platform.*","record"}` event, or a `{timestamp, message}` export row. */
function parseJsonEvent(text: string, depth = 0): LogRecord | undefined {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(event)) return undefined;
  const time = str(event.time);
  const record = isObject(event.record) ? event.record : {};
  switch (event.type) {
    case 'platform.initStart':
      return dropUndefined({
        type: 'initStart',
        runtimeVersion: str(record.runtimeVersion),
        runtimeVersionArn: str(record.runtimeVersionArn) ?? str(record.runtimeArn),
        initializationType: str(record.initializationType),
        phase: str(record.phase),
        time,
      });
    case 'platform.initReport':
      return dropUndefined({
        type: 'initReport',
        initDurationMs: num(metrics(record).durationMs),
        phase: str(record.phase),
        status: str(record.status),
        errorType: str(record.errorType),
        time,
      });
    case 'platform.restoreReport':
      return dropUndefined({
        type: 'restoreReport',
        restoreDurationMs: num(metrics(record).durationMs),
        status: str(record.status),
        errorType: str(record.errorType),
        time,
      });
    case 'platform.start':
      return dropUndefined({ type: 'start', requestId: str(record.requestId), version: str(record.version), time });
    case 'platform.end':
      return dropUndefined({ type: 'end', requestId: str(record.requestId), time });
    case 'platform.report':
      return jsonReport(record, time);
    default:
      return event.type === undefined && depth === 0 ? parseExportRow(event) : undefined;
  }
}

function jsonReport(record: Json, time: string | undefined): LogRecord | undefined {
  const m = metrics(record);
  const report = dropUndefined({
    type: 'report' as const,
    requestId: str(record.requestId),
    durationMs: num(m.durationMs),
    billedDurationMs: num(m.billedDurationMs),
    memorySizeMB: num(m.memorySizeMB),
    maxMemoryUsedMB: num(m.maxMemoryUsedMB),
    initDurationMs: num(m.initDurationMs),
    restoreDurationMs: num(m.restoreDurationMs),
    billedRestoreDurationMs: num(m.billedRestoreDurationMs),
    status: str(record.status),
    errorType: str(record.errorType),
    time,
  });
  return report.durationMs === undefined && report.billedDurationMs === undefined ? undefined : report;
}

/** A CloudWatch event as exported by FilterLogEvents / GetLogEvents: `{timestamp, message}`. */
function parseExportRow(event: Json): LogRecord | undefined {
  const message = str(event.message);
  if (message === undefined) return undefined;
  const inner = message.trim().startsWith('{') ? parseJsonEvent(message.trim(), 1) : parseTextLine(message.split(/\r?\n/)[0] ?? '');
  if (inner === undefined || 'time' in inner) return inner;
  const time = epochOrIso(event.timestamp);
  return time === undefined ? inner : { ...inner, time };
}

function epochOrIso(value: unknown): string | undefined {
  const n = num(value);
  if (n !== undefined && n > 1e11) {
    const date = new Date(n);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return str(value);
}

function metrics(record: Json): Json {
  return isObject(record.metrics) ? record.metrics : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Numbers as numbers; numeric strings too (some emitters quote them). */
function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i.test(value)) return Number(value);
  return undefined;
}

// ---- splitting text into events ----

/** Most events: 200 lines or 256 KB; a longer `{` run is not treated as one event. */
const MAX_EVENT_LINES = 200;
const MAX_EVENT_CHARS = 256 * 1024;

/** Lines, except that a pretty-printed JSON object spanning several lines becomes one chunk. */
function* splitEvents(text: string): Generator<string> {
  const lines = text.split(/\r\n|\r|\n/);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const end = line.trim().startsWith('{') ? jsonEnd(lines, i) : i;
    yield end === i ? line : lines.slice(i, end + 1).join('\n');
    i = end + 1;
  }
}

/** Index of the line where the JSON object starting at `start` closes, or `start` if none. */
function jsonEnd(lines: string[], start: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let chars = 0;
  for (let i = start; i < lines.length && i < start + MAX_EVENT_LINES; i++) {
    const line = lines[i] as string;
    chars += line.length;
    if (chars > MAX_EVENT_CHARS) return start;
    for (const ch of line) {
      if (escaped) escaped = false;
      else if (inString) {
        if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return i;
    }
  }
  return start;
}
