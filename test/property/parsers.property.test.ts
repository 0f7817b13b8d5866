/**
 * The small parsers users type into: durations (`30s`, `1m30s`) and threshold rules
 * (`warm.p99 < 250ms`). On any text they return a value or say what is wrong, never throw; what
 * they accept means what it says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseThreshold, parseThresholds } from '../../src/gate/parse.js';
import { formatDuration, parseDuration } from '../../src/util/duration.js';
import { params, TIMEOUT_MS } from './settings.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

describe('parseDuration', () => {
  it('any text: undefined or a finite number of ms >= 0, never an exception', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[\d.msh ]{0,20}$/)), (text) => {
      const ms = parseDuration(text);
      if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    }), params(2000));
  }, TIMEOUT_MS);

  it('any number: seconds, or undefined when negative or not finite', () => {
    fc.assert(fc.property(fc.double(), (n) => {
      const ms = parseDuration(n);
      expect(ms).toBe(Number.isFinite(n) && n >= 0 ? n * 1000 : undefined);
    }), params(1000));
  }, TIMEOUT_MS);

  it('a sum of terms is the sum of its parts', () => {
    const term = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('ms', 's', 'm', 'h') as fc.Arbitrary<keyof typeof UNIT_MS>);
    fc.assert(fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), (terms) => {
      const text = terms.map(([n, unit]) => `${n}${unit}`).join('');
      expect(parseDuration(text)).toBe(terms.reduce((sum, [n, unit]) => sum + n * UNIT_MS[unit], 0));
    }), params(1000));
  }, TIMEOUT_MS);

  it('formatDuration reads back as the same duration (to the microsecond below 1 s, the millisecond above)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e10, noNaN: true }), (ms) => {
      const back = parseDuration(formatDuration(ms));
      expect(back).toBeDefined();
      expect(Math.abs(back! - ms)).toBeLessThanOrEqual((ms >= 1000 ? 0.5 : 0.0005) + ms * 1e-12);
    }), params(1000));
  }, TIMEOUT_MS);
});

const METRICS = ['all.p99', 'warm.p50', 'cold.max', 'init.p90', 'cold.rate', 'errors.count', 'throttles.rate', 'dropped.count', 'rate.achieved', 'cost.per1M'];
const OPS = ['<', '<=', '>', '>=', '==', '!='];

describe('threshold rules', () => {
  it('any text: a rule or a message, never an exception', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      const parsed = parseThreshold(text);
      if (typeof parsed === 'string') expect(parsed.length).toBeGreaterThan(0);
      else expect(Number.isFinite(parsed.value)).toBe(true);
    }), params(2000));
  }, TIMEOUT_MS);

  it('rules built from the grammar, with noise around them: parsed, with the metric and operator written', () => {
    const rule = fc.record({
      metric: fc.constantFrom(...METRICS),
      op: fc.constantFrom(...OPS),
      value: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => Math.round(x * 100) / 100)),
      space: fc.constantFrom('', ' ', '  ', '\t'),
    });
    fc.assert(fc.property(rule, ({ metric, op, value: drawn, space }) => {
      // Counts are whole numbers; a fractional count is rightly refused.
      const value = metric.endsWith('.count') ? Math.round(drawn) : drawn;
      const unit = metric.endsWith('.rate') ? '%' : metric.startsWith('cost') ? '' : metric.includes('.p') || metric.endsWith('.max') ? 'ms' : '';
      const text = `${space}${metric}${space}${op}${space}${metric.startsWith('cost') ? '$' : ''}${value}${unit}${space}`;
      const parsed = parseThreshold(text);
      expect(typeof parsed, `${text}: ${String(parsed)}`).toBe('object');
      if (typeof parsed === 'string') return;
      expect(parsed.op).toBe(op);
      expect(parsed.source).toBe(text.trim());
      expect(parsed.value).toBeCloseTo(unit === '%' ? value / 100 : value, 9);
    }), params(1000));
  }, TIMEOUT_MS);

  it('a list of entries: every bad one reported with its index, the good ones kept', () => {
    const entry = fc.oneof(fc.constantFrom('warm.p99 < 250ms', 'errors.count == 0'), fc.string({ maxLength: 20 }), fc.record({ rule: fc.string({ maxLength: 20 }), abortOnFail: fc.boolean() }));
    fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
      const { rules, problems } = parseThresholds(entries);
      expect(rules.length + problems.length).toBe(entries.length);
      for (const p of problems) expect(p.index).toBeLessThan(entries.length);
    }), params(1000));
  }, TIMEOUT_MS);
});
