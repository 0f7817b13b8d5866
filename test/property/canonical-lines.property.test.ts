/**
 * The faster path for Lambda's own START / END / REPORT lines (src/lambda/canonical-lines.ts)
 * against the general parser: on lines as Lambda writes them, on each of them changed a little
 * (a field dropped, cut short, a unit or separator changed, key words inside the id, a Status
 * or an XRAY line added) and on any text, the faster path gives either nothing or exactly the
 * general parser's record; and it does read Lambda's own lines, so the comparison is not empty.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCanonicalLine } from '../../src/lambda/canonical-lines.js';
import { parseGeneralLogLine, parseLogLine } from '../../src/lambda/logs.js';
import { params, TIMEOUT_MS } from './settings.js';

const uuid = fc.uuid();
const idLike = fc.oneof(uuid, fc.stringMatching(/^[0-9A-Za-z-]{1,40}$/), fc.constantFrom('Duration', 'Version', 'RequestId', 'x-Init-Duration', 'MemorySize'));
const number = fc.oneof(fc.integer({ min: 0, max: 100_000 }).map(String), fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${String(b).padStart(2, '0')}`));

const KEYS = [
  ['Duration', 'ms'],
  ['Billed Duration', 'ms'],
  ['Memory Size', 'MB'],
  ['Max Memory Used', 'MB'],
  ['Init Duration', 'ms'],
  ['Restore Duration', 'ms'],
  ['Billed Restore Duration', 'ms'],
] as const;

/** A REPORT as Lambda writes it: Duration, Billed Duration, Memory Size, Max Memory Used, then maybe Init or Restore. */
const report = fc
  .record({
    id: idLike,
    values: fc.array(number, { minLength: 7, maxLength: 7 }),
    extra: fc.constantFrom<readonly number[]>([], [4], [5, 6], [4, 5]),
    order: fc.boolean(),
  })
  .map(({ id, values, extra, order }) => {
    const keys = [0, 1, 2, 3, ...extra];
    if (order) keys.reverse();
    return `REPORT RequestId: ${id}\t${keys.map((k) => `${KEYS[k]![0]}: ${values[k]} ${KEYS[k]![1]}\t`).join('')}\n`;
  });
const start = fc.tuple(idLike, fc.oneof(fc.constant('$LATEST'), fc.nat(500).map(String))).map(([id, v]) => `START RequestId: ${id} Version: ${v}\n`);
const end = idLike.map((id) => `END RequestId: ${id}\n`);
const canonical = fc.oneof(report, start, end);

/** One small change to a line: the kinds of difference a real log can have. */
const changed = fc
  .tuple(canonical, fc.nat(), fc.constantFrom(
    'cut', 'drop-newline', 'crlf', 'unit', 'space', 'status', 'xray', 'prefix', 'bom', 'no-tab', 'seconds', 'exponent', 'negative', 'duplicate', 'insert',
  ), fc.string({ maxLength: 8 }))
  .map(([line, at, how, text]) => {
    const i = at % Math.max(1, line.length);
    switch (how) {
      case 'cut': return line.slice(0, i);
      case 'drop-newline': return line.replace(/\n$/, '');
      case 'crlf': return line.replace(/\n$/, '\r\n');
      case 'unit': return line.replace(' MB', ' mb').replace(' ms', ' s');
      case 'space': return line.replace(': ', ':  ');
      case 'status': return line.replace(/\n$/, 'Status: timeout\n');
      case 'xray': return `${line}XRAY TraceId: 1-5e9b-1\tSegmentId: 0c7d\tSampled: true\t\n`;
      case 'prefix': return `2026-12-05T10:00:00.000Z ${line}`;
      case 'bom': return `\uFEFF${line}`;
      case 'no-tab': return line.replace(/\t\n$/, '\n');
      case 'seconds': return line.replace(/Duration: ([\d.]+) ms/, 'Duration: $1 s');
      case 'exponent': return line.replace(/: (\d+)/, ': $1e2');
      case 'negative': return line.replace(/: (\d)/, ': -$1');
      case 'duplicate': return line.replace(/\t(Duration: [^\t]*\t)/, '\t$1Duration: 999.5 ms\t');
      default: return line.slice(0, i) + text + line.slice(i);
    }
  });

function sameAsGeneral(line: string): void {
  const fast = parseCanonicalLine(line);
  if (fast !== undefined) expect(fast).toStrictEqual(parseGeneralLogLine(line));
  expect(parseLogLine(line)).toStrictEqual(parseGeneralLogLine(line));
}

describe('Lambda\'s own lines, read by the faster path', () => {
  it('are all read by it, as the general parser reads them', () => {
    fc.assert(fc.property(canonical, (line) => {
      expect(parseCanonicalLine(line)).toBeDefined();
      sameAsGeneral(line);
    }), params(3000));
  }, TIMEOUT_MS);

  it('changed a little: the faster path gives nothing or the general parser\'s record', () => {
    fc.assert(fc.property(changed, sameAsGeneral), params(5000));
  }, TIMEOUT_MS);

  it('any text: the same', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ maxLength: 40 }).map((s) => `REPORT RequestId: ${s}`)), sameAsGeneral), params(3000));
  }, TIMEOUT_MS);

  it('reads each number as Number() does, whatever its digits', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
    const decimal = fc.oneof(digits(20), fc.tuple(digits(12), digits(12)).map(([a, b]) => `${a}.${b}`));
    fc.assert(fc.property(decimal, (text) => {
      const line = `REPORT RequestId: 8f5a1c2e\tDuration: ${text} ms\tBilled Duration: 1 ms\t\n`;
      expect(parseCanonicalLine(line)).toMatchObject({ durationMs: Number(text) });
      sameAsGeneral(line);
    }), params(3000));
    // Dots where a number has none: read as the general parser reads them, or not at all.
    const odd = fc.tuple(digits(4), digits(4)).chain(([a, b]) => fc.constantFrom(`${a}.`, `.${b}`, `${a}..${b}`, `${a}.${b}.${a}`, '.'));
    fc.assert(fc.property(odd, (text) => {
      const line = `REPORT RequestId: 8f5a1c2e\tDuration: ${text} ms\tBilled Duration: 1 ms\t\n`;
      expect(parseCanonicalLine(line)).toBeUndefined();
      sameAsGeneral(line);
    }), params(500));
  }, TIMEOUT_MS);

  it('reads a cold REPORT\'s numbers', () => {
    expect(parseCanonicalLine('REPORT RequestId: 8f5a1c2e-1b2c-4d5e-8f90-123456789abc\tDuration: 2.51 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 160.12 ms\t\n')).toStrictEqual({
      type: 'report', requestId: '8f5a1c2e-1b2c-4d5e-8f90-123456789abc', durationMs: 2.51, billedDurationMs: 3, memorySizeMB: 128, maxMemoryUsedMB: 67, initDurationMs: 160.12,
    });
  });
});
