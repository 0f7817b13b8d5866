/**
 * Per-request metrics: thresholds and diff rules name `requests.<name>.<metric>`, read from the
 * result's breakdown and its stored histograms, so a regression of one request of a mix is
 * caught even when the whole run hides it.
 */
import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { parseFailOn } from '../../src/diff/fail-on.js';
import { evaluateLive, evaluateThresholds } from '../../src/gate/evaluate.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Outcome } from '../../src/targets/target.js';
import { lookupMetric, metricValue } from '../../src/gate/metrics.js';
import { parseThresholds } from '../../src/gate/parse.js';
import type { Result } from '../../src/result/result.js';
import { buildFixture } from '../diff/fixtures.js';
import type { FixtureSpec } from '../diff/fixtures.js';

/** A run of a mix: the breakdown's counts and histograms are those of one fixture per name. */
function mixResult(seed: number, parts: Record<string, Partial<FixtureSpec>>): Result {
  const whole = buildFixture({ seed, requests: 4000, name: 'mix' });
  whole.requests = {};
  Object.entries(parts).forEach(([name, spec], i) => {
    const part = buildFixture({ seed: seed * 100 + i, requests: 4000, name: 'mix', ...spec });
    const c = part.counts;
    whole.requests![name] = {
      counts: { completed: c.ok + c.errors + c.throttles, ok: c.ok, errors: c.errors, throttles: c.throttles, warm: c.warm, cold: c.cold, proactive: 0, unknown: 0 },
      latency: { all: part.latency.all, warm: part.latency.warm, cold: part.latency.cold },
      errors: c.errors > 0 ? { 'http-5xx': c.errors } : {},
      throttles: {},
    };
    for (const group of ['all', 'warm', 'cold'] as const) whole.histograms[`requests.${name}.latency.${group}`] = part.histograms[group]!;
  });
  return whole;
}

describe('per-request metric names', () => {
  it.each([
    ['requests.checkout.warm.p99', 'time'],
    ['requests.checkout.all.p99.9', 'time'],
    ['requests.browse-2.errors.rate', 'rate'],
    ['requests.browse_2.cold.count', 'count'],
  ])('%s is a %s metric', (name, kind) => {
    expect(lookupMetric(name)?.kind).toBe(kind);
  });

  it.each(['requests.checkout.init.p50', 'requests.checkout.dropped.count', 'requests.checkout.rate.achieved', 'requests.checkout', 'requests..warm.p99', 'requests.a.b.warm.p99'])(
    '%s is not a metric',
    (name) => {
      expect(lookupMetric(name)).toBeUndefined();
    },
  );
});

describe('thresholds on a request of the mix', () => {
  const result = mixResult(1, { browse: { warmMedianMs: 20 }, checkout: { warmMedianMs: 300, errorRate: 0.05 } });

  it('reads the request breakdown, not the whole run', () => {
    const { rules, problems } = parseThresholds(['requests.checkout.warm.p99 < 200ms', 'requests.browse.warm.p99 < 200ms', 'requests.checkout.errors.rate < 1%', 'requests.nope.warm.p99 < 1s']);
    expect(problems).toEqual([]);
    const verdicts = evaluateThresholds(rules, result);
    expect(verdicts.map((v) => v.pass)).toEqual([false, true, false, false]);
    expect(verdicts[0]!.actual).toBe(result.requests!.checkout!.latency.warm.p99);
    expect(verdicts[2]!.actual).toBeCloseTo(result.requests!.checkout!.counts.errors / result.requests!.checkout!.counts.completed, 9);
    // A name the run does not have: no data, so the gate fails rather than passing blind.
    expect(verdicts[3]!.actual).toBeNull();
    expect(metricValue('requests.checkout.errors.count', result)).toBe(result.requests!.checkout!.counts.errors);
  });
});

describe('diff of a request of the mix', () => {
  const base = mixResult(2, { browse: {}, checkout: {} });
  const slower = mixResult(3, { browse: {}, checkout: { tailFactor: 1.5 } });

  it('fails a rule on the request that regressed and passes the one that did not', () => {
    const { rules } = parseFailOn(['requests.checkout.warm.p99 > +10%', 'requests.browse.warm.p99 > +10%']);
    const diff = diffResults([base], [slower], { failOn: rules });
    expect(diff.failOn.map((v) => [v.metric, v.pass])).toEqual([
      ['requests.checkout.warm.p99', false],
      ['requests.browse.warm.p99', true],
    ]);
    const row = diff.rows.find((r) => r.metric === 'requests.checkout.warm.p99')!;
    expect(row.verdict).toBe('worse');
    expect(row.ci!.lo).toBeGreaterThan(0);
  });

  it('shows each request name by default', () => {
    const diff = diffResults([base], [slower]);
    const metrics = diff.rows.map((r) => r.metric);
    expect(metrics).toEqual(expect.arrayContaining(['requests.browse.all.p50', 'requests.checkout.all.p99', 'requests.checkout.errors.rate']));
  });
});

describe('abortOnFail on a request of the mix', () => {
  it('judges the live breakdown: the run stops when one request fails its rule', () => {
    const recorder = new Recorder(0, undefined, undefined, ['browse', 'checkout']);
    const { rules } = parseThresholds([{ rule: 'requests.checkout.errors.count < 3', abortOnFail: true }, { rule: 'requests.browse.warm.p99 < 50ms', abortOnFail: true }]);
    const complete = (request: number, outcome: Partial<Outcome>, ms: number) =>
      recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: ms, outcome: { kind: 'ok', start: 'warm', request, ...outcome } as Outcome });
    for (let i = 0; i < 200; i++) complete(0, {}, 10);
    complete(1, { kind: 'error', errorClass: 'http-5xx' }, 5);
    complete(1, { kind: 'error', errorClass: 'http-5xx' }, 5);
    expect(evaluateLive(rules, recorder)).toEqual([]);
    complete(1, { kind: 'error', errorClass: 'http-5xx' }, 5);
    expect(evaluateLive(rules, recorder).map((v) => [v.rule, v.actual])).toEqual([['requests.checkout.errors.count < 3', 3]]);
    for (let i = 0; i < 10; i++) complete(0, {}, 400);
    expect(evaluateLive(rules, recorder).map((v) => v.rule)).toContain('requests.browse.warm.p99 < 50ms');
  });
});
