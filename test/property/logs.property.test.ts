/**
 * The Lambda log parser on damaged input: random mutations of the real platform lines in
 * test/lambda/fixtures.ts (and whole damaged log tails). It never throws, and never reports an
 * Init Duration the line does not carry: a cold start is never invented.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLogResult, parseLogLine, parseLogText, reportOf } from '../../src/lambda/logs.js';
import { JSON_FIXTURES, TEXT_FIXTURES } from '../lambda/fixtures.js';
import { params, TIMEOUT_MS } from './settings.js';

const LINES = [...TEXT_FIXTURES, ...JSON_FIXTURES].map((f) => f.line);

/** A real line with a few characters deleted, inserted, replaced, or the line cut short. */
const damagedLine = fc
  .tuple(fc.constantFrom(...LINES), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([line, edits, cut]) => {
    let text = edits.reduce((t, [at, length, piece]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return t.slice(0, i) + piece + t.slice(i + length);
    }, line);
    if (cut) text = text.slice(0, edits[0]![0] % (text.length + 1));
    return text;
  });

/** Whether the line carries an init duration, in either format, with a number after it. */
function carriesInit(line: string): boolean {
  return /Init Duration:?\s*[-+]?[\d.]/.test(line) || /"initDurationMs"\s*:\s*[-+]?[\d.]/.test(line) || /"durationMs"\s*:\s*[-+]?[\d.]/.test(line);
}

describe('the Lambda log parser on damaged lines', () => {
  it('never throws, and an Init Duration comes only from a line that carries one', () => {
    fc.assert(fc.property(damagedLine, (line) => {
      const record = parseLogLine(line);
      const init = (record as { initDurationMs?: number } | undefined)?.initDurationMs;
      if (init !== undefined) {
        expect(carriesInit(line), line).toBe(true);
        expect(Number.isFinite(init)).toBe(true);
      }
    }), params(3000));
  }, TIMEOUT_MS);

  it('a REPORT without "Init Duration" never gets one, however damaged', () => {
    const warm = LINES.filter((l) => l.includes('REPORT') && !l.includes('Init Duration'));
    fc.assert(fc.property(fc.constantFrom(...warm), fc.string({ unit: 'binary', maxLength: 30 }), fc.nat(), (line, noise, at) => {
      const i = at % (line.length + 1);
      const damaged = line.slice(0, i) + noise.replace(/Init Duration/g, '') + line.slice(i);
      if (damaged.includes('Init Duration')) return; // the noise completed the words
      const record = parseLogLine(damaged) as { initDurationMs?: number } | undefined;
      expect(record?.initDurationMs, damaged).toBeUndefined();
    }), params(2000));
  }, TIMEOUT_MS);

  it('whole damaged log tails: parsed line by line, never an exception', () => {
    const separator = fc.constantFrom('\n', '\r\n', '\n\n');
    fc.assert(fc.property(fc.array(fc.oneof(damagedLine, fc.constantFrom(...LINES)), { maxLength: 12 }), separator, fc.option(fc.string({ maxLength: 40 })), (lines, sep, requestId) => {
      const text = lines.join(sep);
      parseLogText(text);
      reportOf(text, requestId ?? undefined);
    }), params(1000));
  }, TIMEOUT_MS);

  it('any base64 (or not) as a LogResult: decoded or empty, never an exception', () => {
    fc.assert(fc.property(fc.oneof(fc.base64String({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      const decoded = decodeLogResult(text);
      expect(typeof decoded).toBe('string');
      reportOf(decoded);
    }), params(1000));
  }, TIMEOUT_MS);
});
