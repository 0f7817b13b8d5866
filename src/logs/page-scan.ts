/**
 * A FilterLogEvents answer read from its bytes, its events a slice at a time.
 *
 * One JSON.parse of a whole page makes an object and three strings per event, all alive until
 * the page's last slice is joined: a page of thousands of events holds a few MB of them, more
 * than the reading thread's young generation, so every page's objects were copied and promoted
 * to the old generation, to be marked and swept there (about 300 MB promoted per 350,000 events,
 * closed run at full speed, `--trace-gc`). Here one pass over the bytes finds where each event
 * starts and ends, and a slice's events are parsed only when the slice is taken: they become
 * garbage while young. The bytes stay outside the JS heap.
 *
 * The pass reads the page's structure only: the top-level object, its `events` array and
 * `nextToken`. Every other top-level value is checked by JSON.parse, and each slice of events is
 * parsed by JSON.parse, so a page that is not JSON fails, here or when the slice is taken, and
 * never gives events JSON.parse would not (a property test holds the two together).
 */
import type { LogEvent } from './api.js';

/** The events of a page, parsed when taken: an array is one too. */
export interface EventList {
  readonly length: number;
  /** The events in [start, end) that carry what the reader needs (logEventsOf). */
  slice(start: number, end: number): LogEvent[];
}

export interface ScannedPage {
  events: EventList;
  nextToken?: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Reads a page's structure. Throws a SyntaxError when the bytes are not a JSON object. */
export function scanFilterPage(bytes: Buffer): ScannedPage {
  let events: EventList = [];
  /** Where a scanned `events` array is: parsed whole if a later key replaces it (JSON.parse would still check it). */
  let scanned: [number, number] | undefined;
  let nextToken: string | undefined;
  let i = skipSpace(bytes, 0);
  expect(bytes, i, OPEN_BRACE);
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACE) return finished(bytes, i + 1, { events });
  for (;;) {
    expect(bytes, i, QUOTE);
    const keyEnd = stringEnd(bytes, i);
    const key = JSON.parse(bytes.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(bytes, keyEnd);
    expect(bytes, i, COLON);
    i = skipSpace(bytes, i + 1);
    // As JSON.parse reads an object, a key given twice keeps its last value.
    if (key === 'events' && scanned !== undefined) JSON.parse(bytes.toString('utf8', scanned[0], scanned[1]));
    if (key === 'events' && bytes[i] === OPEN_BRACKET) {
      const list = scanArray(bytes, i);
      events = list.events;
      scanned = [i, list.end];
      i = list.end;
    } else {
      const end = valueEnd(bytes, i);
      const value: unknown = JSON.parse(bytes.toString('utf8', i, end));
      if (key === 'events') {
        events = [];
        scanned = undefined;
      } else if (key === 'nextToken') nextToken = typeof value === 'string' ? value : undefined;
      i = end;
    }
    i = skipSpace(bytes, i);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    expect(bytes, i, CLOSE_BRACE);
    return finished(bytes, i + 1, nextToken === undefined ? { events } : { events, nextToken });
  }
}

/** The page, once nothing but whitespace follows its object. */
function finished(bytes: Buffer, at: number, page: ScannedPage): ScannedPage {
  if (skipSpace(bytes, at) !== bytes.length) throw new SyntaxError(`unexpected byte after the page's object at ${at}`);
  return page;
}

/** The elements of the array that opens at `at`: where each starts and ends. */
function scanArray(bytes: Buffer, at: number): { events: ScannedEvents; end: number } {
  let bounds = new Uint32Array(2 * Math.max(16, Math.ceil(bytes.length / 256)));
  let count = 0;
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACKET) return { events: new ScannedEvents(bytes, bounds, 0), end: i + 1 };
  for (;;) {
    const end = valueEnd(bytes, i);
    if (2 * count + 2 > bounds.length) {
      const grown = new Uint32Array(bounds.length * 2);
      grown.set(bounds);
      bounds = grown;
    }
    bounds[2 * count] = i;
    bounds[2 * count + 1] = end;
    count++;
    i = skipSpace(bytes, end);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    expect(bytes, i, CLOSE_BRACKET);
    return { events: new ScannedEvents(bytes, bounds, count), end: i + 1 };
  }
}

/** A page's events, each parsed when its slice is taken. */
class ScannedEvents implements EventList {
  /** Where a slice is bracketed: one buffer a page, as large as its largest slice. */
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly bytes: Buffer,
    /** Element k is bytes[bounds[2k], bounds[2k + 1]). */
    private readonly bounds: Uint32Array,
    readonly length: number,
  ) {}

  slice(start: number, end: number): LogEvent[] {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    if (to <= from) return [];
    // The elements and the commas and whitespace between them, in brackets: one parse a slice.
    // Bracketed as bytes, so the text is made once: brackets added to a string would make a
    // second text, which JSON.parse copies whole into a third.
    const first = this.bounds[2 * from]!;
    const last = this.bounds[2 * (to - 1) + 1]!;
    const length = last - first + 2;
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.scratch.length));
    this.scratch[0] = OPEN_BRACKET;
    this.bytes.copy(this.scratch, 1, first, last);
    this.scratch[length - 1] = CLOSE_BRACKET;
    return logEventsOf(JSON.parse(this.scratch.toString('utf8', 0, length)) as unknown[]);
  }
}

/**
 * The events that carry what the reader needs, as parsed (the API's field names are the
 * LogEvent's): the others, never seen from the API, are skipped.
 */
export function logEventsOf(raw: readonly unknown[]): LogEvent[] {
  const events: LogEvent[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Partial<Record<keyof LogEvent, unknown>>;
    if (typeof e.eventId !== 'string' || typeof e.timestamp !== 'number' || typeof e.message !== 'string') continue;
    if (typeof e.logStreamName !== 'string') e.logStreamName = '';
    if (typeof e.ingestionTime !== 'number') e.ingestionTime = e.timestamp;
    events.push(e as LogEvent);
  }
  return events;
}

function expect(bytes: Buffer, at: number, byte: number): void {
  if (bytes[at] !== byte) {
    throw new SyntaxError(at < bytes.length ? `expected '${String.fromCharCode(byte)}' at ${at}` : `the page ends early, at ${at}`);
  }
}

/** JSON's whitespace: space, line feed, carriage return, tab. */
function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, at: number): number {
  let i = at;
  while (isSpace(bytes[i])) i++;
  return i;
}

/** Just past the string that opens at `at`: its closing quote is the first with an even run of backslashes before it. */
function stringEnd(bytes: Buffer, at: number): number {
  for (let from = at + 1; ; ) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) throw new SyntaxError(`a string that opens at ${at} does not end`);
    let k = quote - 1;
    while (bytes[k] === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * Just past the value that starts at `at`: a string, an object or array (by depth, skipping
 * strings), or anything else up to the next delimiter. Its content is JSON.parse's to check.
 */
function valueEnd(bytes: Buffer, at: number): number {
  const c = bytes[at];
  if (c === QUOTE) return stringEnd(bytes, at);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < bytes.length; ) {
      const d = bytes[i];
      if (d === QUOTE) {
        i = stringEnd(bytes, i);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return i + 1;
      i++;
    }
    throw new SyntaxError(`a value that opens at ${at} does not end`);
  }
  let i = at;
  while (i < bytes.length) {
    const d = bytes[i];
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
    i++;
  }
  if (i === at) throw new SyntaxError(`expected a value at ${at}`);
  return i;
}
