import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/diff/diff.js';
import { parseFailOn } from '../../src/diff/fail-on.js';
import { UsageError } from '../../src/errors.js';
import { buildFixture } from './fixtures.js';
import type { FixtureSpec } from './fixtures.js';

const LAMBDA: Omit<FixtureSpec, 'seed'> = { requests: 3000, coldRate: 0.05, errorRate: 0.01, throttleRate: 0.01, summaries: false };

function failOn(...rules: string[]) {
  const parsed = parseFailOn(rules);
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
}

describe('diff of runs from one distribution', () => {
  it('reads ~ on every tested metric in at least 95 of 100 seeded trials', () => {
    let clean = 0;
    let tested = 0;
    for (let trial = 0; trial < 100; trial++) {
      const d = diffResults([buildFixture({ ...LAMBDA, seed: 1000 + trial })], [buildFixture({ ...LAMBDA, seed: 2000 + trial })]);
      tested = Math.max(tested, d.tested);
      if (d.rows.every((r) => r.verdict === '~' || r.verdict === 'n/a')) clean++;
    }
    expect(tested).toBeGreaterThanOrEqual(10); // quantiles, rates and cost were all tested
    expect(clean).toBeGreaterThanOrEqual(95);
  });

  it('prints the same numbers for the same inputs', () => {
    const a = buildFixture({ ...LAMBDA, seed: 1 });
    const b = buildFixture({ ...LAMBDA, seed: 2 });
    expect(JSON.stringify(diffResults([a], [b]))).toBe(JSON.stringify(diffResults([a], [b])));
  });
});

describe('diff of a 20% shift of p99', () => {
  it('always reads worse on p99 with 20,000 requests a side, and ~ on p50', () => {
    let p50Same = 0;
    for (let trial = 0; trial < 10; trial++) {
      const base = buildFixture({ requests: 20_000, seed: 300 + trial, kind: 'http', summaries: false });
      const cand = buildFixture({ requests: 20_000, seed: 400 + trial, kind: 'http', tailFactor: 1.2, summaries: false });
      const d = diffResults([base], [cand], { failOn: failOn('all.p99 > +10%') });
      const p99 = d.rows.find((r) => r.metric === 'all.p99')!;
      expect(p99.verdict).toBe('worse');
      expect(p99.deltaPct!).toBeGreaterThan(10);
      expect(d.failOn[0]!.pass).toBe(false);
      if (d.rows.find((r) => r.metric === 'all.p50')!.verdict === '~') p50Same++;
    }
    expect(p50Same).toBeGreaterThanOrEqual(9);
  });

  it('reads better when the candidate is the faster one', () => {
    const slow = buildFixture({ requests: 20_000, seed: 7, kind: 'http', tailFactor: 1.2, summaries: false });
    const fast = buildFixture({ requests: 20_000, seed: 8, kind: 'http', summaries: false });
    expect(diffResults([slow], [fast]).rows.find((r) => r.metric === 'all.p99')!.verdict).toBe('better');
  });
});

describe('fail-on', () => {
  const base = buildFixture({ ...LAMBDA, seed: 11 });
  const same = buildFixture({ ...LAMBDA, seed: 12 });

  it('compares billed durations, and reads worse when the candidate is billed longer', () => {
    // Warm invocations twice as long: their billed durations (most of them) too.
    const slower = buildFixture({ ...LAMBDA, seed: 13, warmMedianMs: 100 });
    const faster = buildFixture({ ...LAMBDA, seed: 14 });
    const d = diffResults([faster], [slower], { failOn: failOn('billed.p50 > +5%') });
    expect(d.rows.find((r) => r.metric === 'billed.p50')?.verdict).toBe('worse');
    expect(d.failOn[0]!.pass).toBe(false);
    expect(diffResults([faster], [buildFixture({ ...LAMBDA, seed: 15 })], { failOn: failOn('billed.p50 > +5%') }).failOn[0]!.pass).toBe(true);
    // Not a default row: only when a rule or --metrics names it.
    expect(diffResults([faster], [slower]).rows.some((r) => r.metric.startsWith('billed.'))).toBe(false);
  });

  it('compares Max Memory Used in MB, relatively or absolutely', () => {
    const small = buildFixture({ ...LAMBDA, seed: 16, memoryMB: 70 });
    const large = buildFixture({ ...LAMBDA, seed: 17, memoryMB: 90 });
    const d = diffResults([small], [large], { failOn: failOn('memoryUsed.p50 > +10%', 'memoryUsed.max > +30MB') });
    const row = d.rows.find((r) => r.metric === 'memoryUsed.p50')!;
    expect([row.kind, row.verdict]).toEqual(['mb', 'worse']);
    expect(d.failOn.map((v) => v.pass)).toEqual([false, true]);
    expect(parseFailOn(['memoryUsed.max > +30ms']).problems[0]?.message).toMatch(/changes in MB/);
  });

  it('passes a change that is not significant unless --strict', () => {
    // Pick a rule whose limit the noise alone crosses: any increase at all.
    const d = diffResults([base], [same], { failOn: failOn('all.p50 > +0%', 'all.p50 < -0%') });
    const crossed = d.failOn.find((v) => v.change !== null && (v.rule.includes('>') ? v.change > 0 : v.change < 0))!;
    expect(crossed.significant).toBe(false);
    expect(crossed.pass).toBe(true);
    const strict = diffResults([base], [same], { failOn: failOn(crossed.rule), strict: true });
    expect(strict.failOn[0]!.pass).toBe(false);
  });

  it('fails on a significant rate regression in percentage points', () => {
    const worse = buildFixture({ ...LAMBDA, seed: 13, coldRate: 0.15 });
    const d = diffResults([base], [worse], { failOn: failOn('cold.rate > +2pp', 'cold.rate > +20pp') });
    expect(d.rows.find((r) => r.metric === 'cold.rate')!.verdict).toBe('worse');
    expect(d.failOn.map((v) => v.pass)).toEqual([false, true]);
  });

  it('pools repeated runs: three base runs against three candidate runs', () => {
    const bases = [21, 22, 23].map((seed) => buildFixture({ ...LAMBDA, seed }));
    const cands = [31, 32, 33].map((seed) => buildFixture({ ...LAMBDA, seed, warmMedianMs: 80 }));
    const d = diffResults(bases, cands, { failOn: failOn('warm.p50 > +50%', 'warm.p50 > +70%') });
    expect(d.base.runs).toBe(3);
    expect(d.base.sent).toBe(9000);
    const row = d.rows.find((r) => r.metric === 'warm.p50')!;
    expect(row.verdict).toBe('worse');
    expect(row.deltaPct!).toBeGreaterThan(50);
    expect(d.failOn.map((v) => v.pass)).toEqual([false, true]);
  });

  it('refuses a rule on a metric one side did not measure (exit 2)', () => {
    const http = buildFixture({ requests: 500, seed: 5, kind: 'http', summaries: false });
    const http2 = buildFixture({ requests: 500, seed: 6, kind: 'http', summaries: false });
    expect(() => diffResults([http], [http2], { failOn: failOn('cold.p99 > +10%') })).toThrow(/cannot compare cold\.p99: the base: no cold starts/);
    expect(() => diffResults([http], [base])).toThrow(UsageError);
    expect(() => diffResults([http], [base])).toThrow(/different target kinds/);
    expect(() => diffResults([base, { ...same, name: 'other' }], [same])).toThrow(/different profiles/);
  });

  it('marks quantiles with too few samples instead of testing them; their rules pass unless --strict', () => {
    const rules = failOn('cold.p99 > -100%');
    const d = diffResults([base], [same], { failOn: rules });
    const coldP99 = d.rows.find((r) => r.metric === 'cold.p99')!;
    expect(coldP99.verdict).toBe('n/a');
    expect(coldP99.note).toMatch(/^too few samples to test \(1\d\d; p99 needs 1,000\)$/);
    expect(d.failOn[0]).toMatchObject({ significant: false, tested: false, pass: true });
    // A rule that passed untested says so: it could not have failed without --strict.
    expect(d.warnings.join('\n')).toMatch(/cold\.p99 > -100%: too few samples to test, so it passes whatever the change/);
    expect(diffResults([base], [same], { failOn: rules, strict: true }).failOn[0]!.pass).toBe(false);
  });

  it('takes counts as exact: a count rule fails on the change alone', () => {
    const more = buildFixture({ ...LAMBDA, seed: 14, errorRate: 0.05 });
    const d = diffResults([base], [more], { failOn: failOn('errors.count > +20') });
    expect(d.failOn[0]).toMatchObject({ significant: null, pass: false });
  });

  it('prices invocations whose REPORT was never read at the others\' compute, not as free', () => {
    // The same run, its REPORTs read for a quarter of the invocations only: the compute of the
    // others is unknown, and per1M must not read as a saving.
    const partial = structuredClone(base);
    const cost = partial.cost!;
    cost.unreported = Math.round(cost.invocations * 0.75);
    cost.computeCost *= 0.25;
    cost.total = cost.requestCost + cost.computeCost;
    const d = diffResults([base], [partial]);
    const row = d.rows.find((r) => r.metric === 'cost.per1M')!;
    expect(Math.abs(row.deltaPct!)).toBeLessThan(1);
  });

  it('compares cost.total as a point value, in dollars or relatively', () => {
    const dearer = structuredClone(base);
    dearer.cost!.total = base.cost!.total * 1.5;
    const d = diffResults([base], [dearer], { failOn: failOn('cost.total > +20%', `cost.total > +$${(base.cost!.total).toFixed(8)}`) });
    const row = d.rows.find((r) => r.metric === 'cost.total')!;
    expect(row).toMatchObject({ test: 'none', base: base.cost!.total, candidate: base.cost!.total * 1.5 });
    expect(d.failOn.map((v) => v.pass)).toEqual([false, true]);
    expect(parseFailOn(['cost.total > +5ms']).problems[0]?.message).toMatch(/cost\.total changes in US dollars/);
  });

  it('says when a side\'s join with the logs left requests unknown', () => {
    const partial = structuredClone(same);
    (partial as { logs?: unknown }).logs = { complete: false };
    partial.counts.unknown = 37;
    expect(diffResults([base], [partial]).warnings.join('\n')).toMatch(/candidate run 1 \([^)]+\): 37 requests have an unknown start \(its join with the logs was incomplete\)/);
    expect(diffResults([base], [same]).warnings.join('\n')).not.toMatch(/unknown start/);
  });

  it('says when one side invoked asynchronously, and why an async metric has no value on the other', () => {
    const async = structuredClone(same);
    async.profile = { target: { invocationType: 'Event' } };
    expect(diffResults([base], [async]).warnings.join('\n')).toMatch(/one side invoked asynchronously \(Event\)/);
    expect(diffResults([base], [same]).warnings.join('\n')).not.toMatch(/asynchronously/);
    expect(() => diffResults([base], [same], { failOn: failOn('queueDelay.p50 > +10%') })).toThrow(/the base: no async invokes read from the logs/);
  });
});
