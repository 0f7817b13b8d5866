/**
 * GetLogEvents, as the API reference describes it
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html):
 * one stream; startTime inclusive, endTime exclusive ("events with a timestamp equal to or later
 * than this time are not included"); limit up to 10,000 events and 1 MB; startFromHead (default
 * false: the latest events); nextForwardToken / nextBackwardToken always present, and "if you have
 * reached the end of the stream, it returns the same token you passed in". Events come in time
 * order within a page, as {timestamp, message, ingestionTime}. Only ingested events are returned.
 */
import type { EventList, StoredEvent } from './event-list.js';
import { MAX_PAGE_BYTES, MAX_PAGE_EVENTS } from './filter-log-events.js';
import type { LogStore } from './log-store.js';
import { invalid, LogsApiError, logGroupParam, Params } from './params.js';

interface Key {
  timestamp: number;
  seq: number;
}

type Direction = 'f' | 'b';

interface Window {
  startTime: number;
  endTime: number;
  now: number;
}

export function getLogEvents(store: LogStore, input: Record<string, unknown>, now: number): Record<string, unknown> {
  const p = new Params(input);
  const groupName = logGroupParam(p)!;
  const streamName = p.string('logStreamName');
  if (streamName === undefined) throw invalid('logStreamName is required.');
  const window: Window = { startTime: p.int('startTime', 0) ?? 0, endTime: p.int('endTime', 0) ?? Number.MAX_SAFE_INTEGER, now };
  const limit = p.int('limit', 1, MAX_PAGE_EVENTS) ?? MAX_PAGE_EVENTS;
  const fromHead = p.bool('startFromHead') ?? false;
  const tokenText = p.string('nextToken');
  const token = tokenText !== undefined ? parseToken(tokenText) : undefined;
  const group = store.group(groupName);
  if (group === undefined) throw new LogsApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  const stream = group.streams.get(streamName);
  if (stream === undefined) throw new LogsApiError('ResourceNotFoundException', 'The specified log stream does not exist.');

  const direction: Direction = token?.direction ?? (fromHead ? 'f' : 'b');
  const cursor: Key = token?.key ?? (direction === 'f' ? { timestamp: -1, seq: 0 } : ingestedEnd(stream.events, now));
  const page = direction === 'f' ? forward(stream.events, cursor, limit, window) : backward(stream.events, cursor, limit, window);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: last !== undefined ? format('f', last) : direction === 'f' ? format('f', cursor) : format('f', { timestamp: cursor.timestamp, seq: cursor.seq - 1 }),
    nextBackwardToken: first !== undefined ? format('b', first) : direction === 'b' ? format('b', cursor) : format('b', { timestamp: cursor.timestamp, seq: cursor.seq + 1 }),
  };
}

/**
 * The key just after the last ingested event. Within a stream events are ingested in time order
 * (one delay per function), so the ingested ones are a prefix of the list.
 */
function ingestedEnd(list: EventList, now: number): Key {
  let i = list.end - 1;
  while (i >= list.start && list.at(i)!.ingestionTime > now) i -= 1;
  const next = list.at(i + 1);
  if (next !== undefined) return { timestamp: next.timestamp, seq: next.seq };
  const last = list.at(i);
  return last !== undefined && i >= list.start ? { timestamp: last.timestamp, seq: last.seq + 1 } : { timestamp: -1, seq: 1 };
}

function inWindow(e: StoredEvent, w: Window): boolean {
  return !e.dropped && e.ingestionTime <= w.now && e.timestamp >= w.startTime && e.timestamp < w.endTime;
}

/** The first `limit` events after `cursor`. */
function forward(list: EventList, cursor: Key, limit: number, w: Window): StoredEvent[] {
  const out: StoredEvent[] = [];
  let bytes = 0;
  for (let i = list.firstNotBefore({ timestamp: cursor.timestamp, seq: cursor.seq + 1 }); i < list.end && out.length < limit; i += 1) {
    const e = list.at(i)!;
    if (e.timestamp >= w.endTime || e.ingestionTime > w.now) break; // not ingested yet: nor is anything after it
    if (!inWindow(e, w)) continue;
    if (bytes + e.bytes > MAX_PAGE_BYTES) break;
    out.push(e);
    bytes += e.bytes;
  }
  return out;
}

/** The last `limit` events before `cursor`, in time order. */
function backward(list: EventList, cursor: Key, limit: number, w: Window): StoredEvent[] {
  const out: StoredEvent[] = [];
  let bytes = 0;
  for (let i = list.firstNotBefore(cursor) - 1; i >= list.start && out.length < limit; i -= 1) {
    const e = list.at(i)!;
    if (e.timestamp < w.startTime) break;
    if (!inWindow(e, w)) continue;
    if (bytes + e.bytes > MAX_PAGE_BYTES) break;
    out.push(e);
    bytes += e.bytes;
  }
  return out.reverse();
}

function format(direction: Direction, key: Key): string {
  return `${direction}/${key.timestamp}/${key.seq}`;
}

function parseToken(text: string): { direction: Direction; key: Key } {
  const m = /^([fb])\/(-?\d+)\/(-?\d+)$/.exec(text);
  if (m === null) throw invalid('The specified nextToken is invalid.');
  return { direction: m[1] as Direction, key: { timestamp: Number(m[2]), seq: Number(m[3]) } };
}
