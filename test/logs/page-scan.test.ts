import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { logEventsOf, scanFilterPage } from '../../src/logs/page-scan.js';
import type { EventList } from '../../src/logs/page-scan.js';
import type { LogEvent } from '../../src/logs/api.js';

/** Every event of a list, read in slices of `size`, as the reader takes them. */
function readAll(events: EventList, size: number): LogEvent[] {
  const out: LogEvent[] = [];
  for (let from = 0; from < events.length; from += size) out.push(...events.slice(from, from + size));
  return out;
}

/**
 * What one JSON.parse of the page's bytes gives: the reference the scan is held to. (A page comes
 * as UTF-8 bytes: a lone surrogate the mutations below leave in a text is U+FFFD in both.)
 */
function parsedWhole(text: string): { events: LogEvent[]; nextToken?: string } {
  const page = JSON.parse(Buffer.from(text, 'utf8').toString('utf8')) as { events?: unknown; nextToken?: unknown };
  const events = Array.isArray(page.events) ? logEventsOf(page.events) : [];
  return typeof page.nextToken === 'string' ? { events, nextToken: page.nextToken } : { events };
}

function scannedWhole(text: string, size: number): { events: LogEvent[]; nextToken?: string } {
  const page = scanFilterPage(Buffer.from(text, 'utf8'));
  const events = readAll(page.events, size);
  return page.nextToken !== undefined ? { events, nextToken: page.nextToken } : { events };
}

// Strings with what JSON escapes, what UTF-8 spreads over several bytes, and the page's own
// delimiters, so that a scan that takes them for structure is caught.
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', '\t', 'a', 'é', '€', '😀', '\u0000', '\u2028') }),
  fc.string({ unit: 'grapheme' }),
  fc.constant('REPORT RequestId: 8f5c\tDuration: 1.23 ms\tBilled Duration: 2 ms\t\n'),
);

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(tricky, tie('value'), { maxKeys: 3 })),
})).value;

const event = fc.record(
  {
    eventId: fc.oneof(fc.stringMatching(/^[0-9]{56}$/), tricky, fc.integer()),
    logStreamName: fc.oneof(tricky, fc.constant(null)),
    timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant('1')),
    ingestionTime: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), tricky),
    message: tricky,
    extra: json,
  },
  { requiredKeys: [] },
);

/** A value written as JSON with random whitespace between its tokens and keys in random order. */
function write(value: unknown, space: () => string): string {
  if (Array.isArray(value)) return `[${space()}${value.map((v) => write(v, space)).join(`${space()},${space()}`)}${space()}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${space()}:${space()}${write(v, space)}`);
    return `{${space()}${parts.join(`${space()},${space()}`)}${space()}}`;
  }
  return JSON.stringify(value);
}

const page = fc
  .record({
    events: fc.oneof(fc.array(fc.oneof(event, json), { maxLength: 30 }), json),
    nextToken: fc.oneof(tricky, json),
    searchedLogStreams: json,
    twice: fc.boolean(),
    spaces: fc.array(fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 50 }),
    order: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  })
  .map(({ events, nextToken, searchedLogStreams, twice, spaces, order }) => {
    let n = 0;
    const space = (): string => spaces[n++ % spaces.length]!;
    const entries: [string, unknown][] = [
      ['events', events],
      ['nextToken', nextToken],
      ['searchedLogStreams', searchedLogStreams],
    ];
    entries.sort((a, b) => order[entries.indexOf(a)]! - order[entries.indexOf(b)]!);
    // A key given twice: JSON.parse keeps the last value, and so must the scan.
    const parts = entries.map(([k, v]) => `${JSON.stringify(k)}${space()}:${space()}${write(v, space)}`);
    if (twice) parts.unshift(`"events":${write([{ eventId: 'early', timestamp: 1, message: 'm' }], space)}`);
    return `${space()}{${space()}${parts.join(`${space()},${space()}`)}${space()}}${space()}`;
  });

describe('scanFilterPage', () => {
  it('gives the events and nextToken that one JSON.parse of the page gives, in any slices', () => {
    fc.assert(
      fc.property(page, fc.integer({ min: 1, max: 40 }), (text, size) => {
        expect(scannedWhole(text, size)).toEqual(parsedWhole(text));
      }),
      { numRuns: 500 },
    );
  });

  it('fails on a page that is not JSON, on its structure or when the slice is taken, and never gives other events', () => {
    fc.assert(
      fc.property(page, fc.nat(), fc.constantFrom('cut', 'drop', 'byte'), fc.constantFrom(...'{}[]",:x0 \\'), (text, at, how, byte) => {
        const i = at % text.length;
        const broken = how === 'cut' ? text.slice(0, i) : how === 'drop' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + byte + text.slice(i);
        let reference: ReturnType<typeof parsedWhole> | undefined;
        try {
          reference = parsedWhole(broken);
        } catch {
          // Not JSON: the scan must fail too.
        }
        if (reference === undefined) expect(() => scannedWhole(broken, 7)).toThrow();
        else expect(scannedWhole(broken, 7)).toEqual(reference);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a page as the API writes it, and lazily: a bad event fails only the slice it is in', () => {
    const good = (k: number): string => JSON.stringify({ logStreamName: 's', timestamp: k, message: `line ${k}`, ingestionTime: k + 5, eventId: String(k).padStart(56, '0') });
    const text = `{"events":[${good(1)},${good(2)},{"eventId":"3","timestamp":3,"message":tru},${good(4)}],"searchedLogStreams":[],"nextToken":"abc\\"d"}`;
    const scanned = scanFilterPage(Buffer.from(text));
    expect(scanned.nextToken).toBe('abc"d');
    expect(scanned.events.length).toBe(4);
    expect(scanned.events.slice(0, 2).map((e) => e.message)).toEqual(['line 1', 'line 2']);
    expect(() => scanned.events.slice(2, 3)).toThrow(SyntaxError);
    expect(scanned.events.slice(3, 10)).toEqual([{ logStreamName: 's', timestamp: 4, message: 'line 4', ingestionTime: 9, eventId: '4'.padStart(56, '0') }]);
    expect(scanned.events.slice(5, 9)).toEqual([]);
  });

  it('throws on what is not an object', () => {
    const one = '{"eventId":"1","timestamp":1,"message":"m"}';
    for (const text of ['', '   ', '[]', '"events"', '{', '{"events":[]', '{"events":[]}x', '{"events" []}', '{events:[]}', `{"events":[${one}}`, `{"events":[${one},]}`, `{"events":[${one} ${one}]}`, `{"events":[${one}],}`]) {
      expect(() => scanFilterPage(Buffer.from(text)), text).toThrow(SyntaxError);
    }
    expect(scanFilterPage(Buffer.from(' {} ')).events.length).toBe(0);
  });
});
