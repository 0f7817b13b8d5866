/**
 * FilterLogEvents, as the API reference describes it
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
 * - logGroupName or logGroupIdentifier (one of them), logStreamNames or logStreamNamePrefix (not
 *   both), filterPattern, limit (1 to 10,000, default 10,000), nextToken;
 * - startTime inclusive ("events with a timestamp before this time are not returned") and endTime
 *   inclusive ("events with a timestamp later than this time are not returned"), epoch ms;
 * - events ordered by timestamp across all streams (then by arrival), each
 *   {logStreamName, timestamp, message, ingestionTime, eventId};
 * - a page holds at most `limit` events and 1 MB of messages; nextToken only while more remain.
 *
 * What "visible" means: an event is returned only once now >= its ingestionTime. A pagination
 * keeps the instant of its first page, so its pages neither repeat nor skip an event; events
 * ingested meanwhile are found by the next query, as a poller with an overlap expects.
 * One call examines at most SCAN_BUDGET events; past that it returns what it has (maybe an empty
 * page) with a nextToken, as the real API may.
 */
import type { StoredEvent } from './event-list.js';
import { compileFilterPattern, FilterPatternError, type Matcher } from './filter-pattern.js';
import { eventId, type LogGroup, type LogStore } from './log-store.js';
import { invalid, LogsApiError, logGroupParam, Params } from './params.js';
import { decodeToken, encodeToken, isInt } from './tokens.js';

export const MAX_PAGE_EVENTS = 10_000;
export const MAX_PAGE_BYTES = 1024 * 1024;
export const SCAN_BUDGET = 200_000;

interface FilterToken {
  /** The group the pagination is over. */
  g: string;
  /** Epoch ms of the first page: the visibility instant of the whole pagination. */
  a: number;
  /** The last event consumed: its timestamp and sequence. */
  t: number;
  s: number;
}

interface Query {
  group: LogGroup;
  asOf: number;
  startTime: number;
  endTime: number;
  limit: number;
  after: { timestamp: number; seq: number } | undefined;
  streamOk: (name: string) => boolean;
  matches: Matcher;
}

export function filterLogEvents(store: LogStore, input: Record<string, unknown>, now: number): Record<string, unknown> {
  const q = parseQuery(store, new Params(input), now);
  const events: StoredEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let last: StoredEvent | undefined;
  let more = false;
  const list = q.group.events;
  let i = list.firstNotBefore(q.after !== undefined ? { timestamp: q.after.timestamp, seq: q.after.seq + 1 } : { timestamp: q.startTime, seq: 0 });
  for (; i < list.end; i += 1) {
    const e = list.at(i)!;
    if (e.timestamp > q.endTime) break;
    if (scanned >= SCAN_BUDGET) {
      more = true;
      break;
    }
    scanned += 1;
    if (e.dropped || e.ingestionTime > q.asOf || !q.streamOk(e.streamName) || !q.matches(e.message)) {
      if (events.length < q.limit) last = e;
      continue;
    }
    if (events.length >= q.limit || bytes + e.bytes > MAX_PAGE_BYTES) {
      more = true; // a further match exists: the page is full
      break;
    }
    events.push(e);
    bytes += e.bytes;
    last = e;
  }
  const out: Record<string, unknown> = {
    events: events.map((e) => ({ logStreamName: e.streamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventId(e) })),
    searchedLogStreams: [],
  };
  if (more) {
    const at = last ?? { timestamp: q.after?.timestamp ?? q.startTime - 1, seq: q.after?.seq ?? Number.MAX_SAFE_INTEGER };
    out['nextToken'] = encodeToken({ g: q.group.name, a: q.asOf, t: at.timestamp, s: at.seq } satisfies FilterToken);
  }
  return out;
}

function parseQuery(store: LogStore, p: Params, now: number): Query {
  const groupName = logGroupParam(p)!;
  const names = p.strings('logStreamNames');
  const prefix = p.string('logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) {
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  const startTime = p.int('startTime', 0) ?? 0;
  const endTime = p.int('endTime', 0) ?? Number.MAX_SAFE_INTEGER;
  const limit = p.int('limit', 1, MAX_PAGE_EVENTS) ?? MAX_PAGE_EVENTS;
  let matches: Matcher;
  try {
    matches = compileFilterPattern(p.string('filterPattern'));
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalid(err.message);
    throw err;
  }
  const group = store.group(groupName);
  if (group === undefined) throw new LogsApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  const tokenText = p.string('nextToken');
  const token =
    tokenText === undefined
      ? undefined
      : decodeToken<FilterToken>(tokenText, (v) => v['g'] === groupName && isInt(v['a']) && isInt(v['t']) && isInt(v['s']));
  const nameSet = names !== undefined ? new Set(names) : undefined;
  return {
    group,
    asOf: token?.a ?? now,
    startTime,
    endTime,
    limit,
    after: token !== undefined ? { timestamp: token.t, seq: token.s } : undefined,
    streamOk: nameSet !== undefined ? (n) => nameSet.has(n) : prefix !== undefined ? (n) => n.startsWith(prefix) : () => true,
    matches,
  };
}
