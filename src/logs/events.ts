/**
 * What the join needs from a CloudWatch Logs event: a function's platform line (START, REPORT,
 * INIT_START, in Lambda's text or JSON format, read by the same parser as the Invoke log tail),
 * or one line of an API Gateway stage's JSON access log. Pure; never throws.
 */
import { parseLogLine } from '../lambda/logs.js';
import type { InitStartRecord, LambdaReport } from '../lambda/records.js';
import type { LogEvent } from './api.js';

interface EventTimes {
  /** Epoch ms of the line (CloudWatch's `timestamp`), or of the record's own time when it has one. */
  atMs: number;
  /** Ingestion lag of the event, ms. */
  lagMs: number;
  stream: string;
  /** The event may have been handed over before (LogEvent.maybeReadBefore): joined, never counted again. */
  readBefore?: true;
}

export type PlatformEvent =
  | ({ kind: 'report'; requestId: string; report: LambdaReport } & EventTimes)
  | ({ kind: 'start'; requestId: string } & EventTimes)
  | ({ kind: 'initStart'; record: InitStartRecord } & EventTimes);

/** The platform line an event holds, or undefined (function output, a line cut short, ...). */
export function platformEventOf(event: LogEvent): PlatformEvent | undefined {
  const record = parseLogLine(event.message);
  if (record === undefined) return undefined;
  const timed = record as { time?: string };
  const own = timed.time === undefined ? Number.NaN : Date.parse(timed.time);
  // Each kind's fields written out, not spread from one object of times: an event per line.
  const atMs = Number.isFinite(own) ? own : event.timestamp;
  const lagMs = event.ingestionTime - event.timestamp;
  const stream = event.logStreamName;
  switch (record.type) {
    case 'report':
      return record.requestId === undefined ? undefined : { kind: 'report', requestId: record.requestId, report: record, atMs, lagMs, stream };
    case 'start':
      return record.requestId === undefined ? undefined : { kind: 'start', requestId: record.requestId, atMs, lagMs, stream };
    case 'initStart':
      return { kind: 'initStart', record: { ...record, time: new Date(atMs).toISOString() }, atMs, lagMs, stream };
    default:
      return undefined;
  }
}

/** Where the two ids are in an access-log line (field names of its JSON format). */
export interface AccessLogFields {
  requestIdField: string;
  lambdaRequestIdField: string;
  integrationStatusField: string;
}

export interface AccessRecord {
  /** API Gateway's id: the one its response carried. */
  frontId: string;
  /** The Lambda request id of the integration call; undefined when the function was never called. */
  lambdaId: string | undefined;
  /** Lambda's answer to the integration call: 429 when it throttled it (the function never ran). */
  integrationStatus: number | undefined;
  lagMs: number;
  /** False when the line has no field of the Lambda id's name at all (a format that does not log it), rather than `-`. */
  hasLambdaField: boolean;
}

/**
 * One access-log line. API Gateway writes `-` for a variable with no value (an integration that
 * did not run), so `-` and empty strings are no id.
 */
export function accessRecordOf(event: LogEvent, fields: AccessLogFields): AccessRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.message);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  const frontId = idOf(record[fields.requestIdField]);
  if (frontId === undefined) return undefined;
  const status = Number(record[fields.integrationStatusField]);
  return {
    frontId,
    lambdaId: idOf(record[fields.lambdaRequestIdField]),
    integrationStatus: Number.isInteger(status) ? status : undefined,
    lagMs: event.ingestionTime - event.timestamp,
    hasLambdaField: fields.lambdaRequestIdField in record,
  };
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = value.trim();
  return id === '' || id === '-' ? undefined : id;
}
