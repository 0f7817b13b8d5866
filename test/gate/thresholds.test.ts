import { describe, expect, it } from 'vitest';
import { evaluateLive, evaluateLiveCounts, evaluateLiveResult, evaluateThresholds, liveGate, parseThresholds, readFromCounts, unknownStartsWarning } from '../../src/gate/index.js';
import { formatValue } from '../../src/gate/metrics.js';
import type { LambdaReport } from '../../src/lambda/records.js';
import { Recorder } from '../../src/run/recorder.js';
import { CostAccumulator } from '../../src/lambda/cost.js';
import { buildFixture } from '../diff/fixtures.js';

describe('threshold grammar', () => {
  it.each([
    ['warm.p99 < 250ms', 'warm.p99', '<', 250],
    ['warm.p99<250ms', 'warm.p99', '<', 250],
    ['all.p99.9 <= 1.5s', 'all.p999', '<=', 1500],
    ['init.p90 < 800 ms', 'init.p90', '<', 800],
    ['cold.mean > 0.25s', 'cold.mean', '>', 250],
    ['cold.rate < 5%', 'cold.rate', '<', 0.05],
    ['errors.rate <= 0.5%', 'errors.rate', '<=', 0.005],
    ['throttles.count == 0', 'throttles.count', '==', 0],
    ['dropped.count != 3', 'dropped.count', '!=', 3],
    ['rate.achieved >= 95/s', 'rate.achieved', '>=', 95],
    ['rate.achieved >= 95', 'rate.achieved', '>=', 95],
    ['cost.per1M < $0.50', 'cost.per1M', '<', 0.5],
    ['cost.per1M < 0.5', 'cost.per1M', '<', 0.5],
    ['cost.total <= $5', 'cost.total', '<=', 5],
  ])('%s', (source, metric, op, value) => {
    const { rules, problems } = parseThresholds([source]);
    expect(problems).toEqual([]);
    expect(rules[0]).toMatchObject({ metric: { id: metric }, op, abortOnFail: false });
    expect(rules[0]!.value).toBeCloseTo(value, 12);
  });

  it.each([
    ['', 'empty rule: expected "<metric> <op> <value>", e.g. "warm.p99 < 250ms"'],
    ['warm.p98 < 250ms', 'unknown metric "warm.p98": expected one of all|warm|cold|init|billed|memoryUsed|queueDelay|endToEnd.{p50,p90,p95,p99,p999,max,mean}, cold.rate, cold.count, errors.rate, errors.count, throttles.rate, throttles.count, dropped.count, unknown.rate, unknown.count, rate.achieved, cost.per1M, cost.total, and per request of a mix requests.<name>.{all,warm,cold}.<stat> or requests.<name>.{errors,throttles,cold}.{rate,count}'],
    ['warm.p99 250ms', 'missing operator after "warm.p99": expected one of <= >= == != < >'],
    ['throttles.count = 0', 'missing operator after "throttles.count": expected one of <= >= == != < > (use == to compare for equality)'],
    ['warm.p99 <', 'missing value after "warm.p99 <": expected "<metric> <op> <value>", e.g. "warm.p99 < 250ms"'],
    ['warm.p99 < 250', '"250" needs a unit: 250ms or 0.25s'],
    ['warm.p99 < 5%', '"5%" has the wrong unit for warm.p99: warm.p99 takes a time in ms or s, e.g. 250ms or 1.5s'],
    ['cold.rate < 5', '"5" needs a %: rates are percentages, e.g. cold.rate < 5%'],
    ['errors.count < 1.5', '"1.5" must be a whole number: errors.count counts requests'],
    ['errors.count < 2ms', '"2ms" has the wrong unit for errors.count: errors.count takes a whole number, e.g. 0'],
    ['cost.total < 5ms', '"5ms" has the wrong unit for cost.total: cost.total takes US dollars for the whole run, e.g. $5'],
    ['cost.per1M < 5ms', '"5ms" has the wrong unit for cost.per1M: cost.per1M takes US dollars per million invocations, e.g. $0.50'],
    ['warm.p99 < fast', '"fast" is not a number with a unit: warm.p99 takes a time in ms or s, e.g. 250ms or 1.5s'],
    ['< 250ms', '"< 250ms" does not start with a metric name: expected "<metric> <op> <value>", e.g. "warm.p99 < 250ms"'],
  ])('rejects %j', (source, message) => {
    expect(parseThresholds([source]).problems).toEqual([{ index: 0, message }]);
  });

  it('reports every bad entry with its index and keeps the good ones', () => {
    const { rules, problems } = parseThresholds(['warm.p99 < 250ms', 'nope', { rule: 'errors.count < 10', abortOnFail: true }, 'cold.rate < 5']);
    expect(rules.map((r) => [r.source, r.abortOnFail])).toEqual([['warm.p99 < 250ms', false], ['errors.count < 10', true]]);
    expect(problems.map((p) => p.index)).toEqual([1, 3]);
  });
});

describe('evaluateThresholds', () => {
  const result = buildFixture({ seed: 3, requests: 2000, coldRate: 0.05, errorRate: 0.02 });

  it('compares each metric of the result against its rule', () => {
    const { rules } = parseThresholds([
      `all.p50 < ${result.latency.all.p50 + 1}ms`, `all.p50 < ${result.latency.all.p50 - 1}ms`,
      'cold.rate < 50%', 'cold.rate < 0.1%', `errors.count == ${result.counts.errors}`, 'errors.rate < 1%',
      'throttles.count == 0', `cost.per1M < $${(result.cost!.per1M + 0.01).toFixed(4)}`, 'rate.achieved > 1000',
    ]);
    const verdicts = evaluateThresholds(rules, result);
    expect(verdicts.map((v) => v.pass)).toEqual([true, false, true, false, true, false, true, true, false]);
    expect(verdicts[2]!.actual).toBe(result.coldStartRate);
    expect(verdicts[5]!.actual).toBeCloseTo(result.counts.errors / result.counts.sent, 12);
  });

  it('fails a rule on a metric with no data, with actual null; counts count zero', () => {
    const http = buildFixture({ seed: 4, requests: 200, kind: 'http' });
    const { rules } = parseThresholds(['cold.p99 < 10s', 'init.p50 < 10s', 'cold.rate < 100%', 'cost.per1M < $100', 'cost.total < $100', 'cold.count == 0']);
    expect(evaluateThresholds(rules, http)).toEqual([
      { rule: 'cold.p99 < 10s', actual: null, pass: false },
      { rule: 'init.p50 < 10s', actual: null, pass: false },
      { rule: 'cold.rate < 100%', actual: null, pass: false },
      { rule: 'cost.per1M < $100', actual: null, pass: false },
      { rule: 'cost.total < $100', actual: null, pass: false },
      { rule: 'cold.count == 0', actual: 0, pass: true },
    ]);
  });
});

/** A recorder of 150 warm requests answered with this REPORT each (enough samples to be judged live). */
function recorderOfReports(report: LambdaReport): Recorder {
  const r = new Recorder(0);
  for (let i = 0; i < 150; i++) {
    r.planned();
    r.sent(i, i);
    r.completed({ plannedAt: i, sentAt: i, endedAt: i + 5, outcome: { kind: 'ok', start: 'warm', report } });
  }
  return r;
}

describe('billed.*', () => {
  it('reads the billed durations of the REPORTs, and has no value without them', () => {
    const lambda = buildFixture({ seed: 3, requests: 2000, coldRate: 0.05 });
    const billed = lambda.billed!;
    const { rules } = parseThresholds([`billed.p99 < ${billed.p99 + 1}ms`, `billed.max < ${billed.max - 1}ms`]);
    expect(evaluateThresholds(rules, lambda)).toEqual([
      { rule: `billed.p99 < ${billed.p99 + 1}ms`, actual: billed.p99, pass: true },
      { rule: `billed.max < ${billed.max - 1}ms`, actual: billed.max, pass: false },
    ]);
    const http = buildFixture({ seed: 4, requests: 200, kind: 'http' });
    expect(evaluateThresholds(parseThresholds(['billed.p50 < 1s']).rules, http)).toEqual([{ rule: 'billed.p50 < 1s', actual: null, pass: false }]);
  });

  it('is judged during the run from the REPORTs counted so far', () => {
    const r = recorderOfReports({ type: 'report', durationMs: 299.2, billedDurationMs: 300 });
    const { rules } = parseThresholds([{ rule: 'billed.p99 < 100ms', abortOnFail: true }]);
    const [verdict] = evaluateLive(rules, r);
    expect(verdict?.pass).toBe(false);
    expect(verdict?.actual).toBeCloseTo(300, 0);
  });
});

describe('cost.total', () => {
  it('judges the whole run\'s cost, a budget', () => {
    const lambda = buildFixture({ seed: 3, requests: 2000 });
    const total = lambda.cost!.total;
    expect(total).toBeGreaterThan(0);
    const { rules } = parseThresholds([`cost.total < $${(total * 1.01).toFixed(8)}`, `cost.total < $${(total * 0.99).toFixed(8)}`]);
    const verdicts = evaluateThresholds(rules, lambda);
    expect(verdicts.map((v) => v.pass)).toEqual([true, false]);
    expect(verdicts[0]!.actual).toBe(total);
  });

  it('stops a run during the load once the spend passes it (abortOnFail)', () => {
    const cost = new CostAccumulator('x86_64');
    const r = new Recorder(0, cost);
    // 1 GB for 100 ms a request: $0.0000018667 with the request price; 150 of them $0.00028.
    for (let i = 0; i < 150; i++) {
      r.planned();
      r.sent(i, i);
      r.completed({ plannedAt: i, sentAt: i, endedAt: i + 5, outcome: { kind: 'ok', start: 'warm', report: { type: 'report', billedDurationMs: 100, memorySizeMB: 1024 } } });
    }
    const [over] = evaluateLive(parseThresholds([{ rule: 'cost.total < $0.0002', abortOnFail: true }]).rules, r);
    expect(over?.pass).toBe(false);
    expect(over?.actual).toBeCloseTo(150 * (0.1 * 0.0000166667 + 0.0000002), 12);
    // Checked at every request, as counts are, not once per interval.
    const gate = liveGate(parseThresholds([{ rule: 'cost.total < $0.0002', abortOnFail: true }]).rules, { intervalMs: 1000, now: () => 0 });
    expect(gate(r)?.pass).toBe(false);
    expect(gate(r)?.pass).toBe(false);
    // Under the budget, or a rule the growing spend may still meet: nothing stops the run.
    expect(evaluateLive(parseThresholds([{ rule: 'cost.total < $0.01', abortOnFail: true }, { rule: 'cost.total > $0.01', abortOnFail: true }]).rules, r)).toEqual([]);
  });
});

describe('memoryUsed.*', () => {
  it('takes a size in MB, and says so of any other unit', () => {
    expect(parseThresholds(['memoryUsed.max < 200MB']).rules[0]!.value).toBe(200);
    expect(parseThresholds(['memoryUsed.p99 <= 1.5 MB']).rules[0]!.value).toBe(1.5);
    expect(parseThresholds(['memoryUsed.max < 200']).problems[0]?.message).toMatch(/needs a unit: 200MB/);
    expect(parseThresholds(['memoryUsed.max < 200ms']).problems[0]?.message).toMatch(/wrong unit for memoryUsed.max: memoryUsed.max takes a memory size in MB/);
  });

  it('reads the REPORTs\' Max Memory Used, and has no value without them', () => {
    const lambda = buildFixture({ seed: 3, requests: 2000, memoryMB: 70 });
    expect(lambda.memoryUsedMB!.max).toBeCloseTo(76, 1);
    const { rules } = parseThresholds(['memoryUsed.max < 80MB', 'memoryUsed.p50 < 70MB']);
    expect(evaluateThresholds(rules, lambda).map((v) => v.pass)).toEqual([true, false]);
    const http = buildFixture({ seed: 4, requests: 200, kind: 'http' });
    expect(evaluateThresholds(parseThresholds(['memoryUsed.max < 1000MB']).rules, http)).toEqual([{ rule: 'memoryUsed.max < 1000MB', actual: null, pass: false }]);
  });

  it('is judged during the run, and its verdict is written in MB', () => {
    const r = recorderOfReports({ type: 'report', billedDurationMs: 5, maxMemoryUsedMB: 310 });
    const [verdict] = evaluateLive(parseThresholds([{ rule: 'memoryUsed.max < 256MB', abortOnFail: true }]).rules, r);
    expect(verdict?.pass).toBe(false);
    expect(verdict?.actual).toBeCloseTo(310, 0);
    expect(formatValue('mb', verdict!.actual)).toMatch(/^310\.\d MB$/);
  });
});

describe('unknown.rate and unknown.count', () => {
  it('gate on the requests whose start could not be decided, run-level only', () => {
    const result = buildFixture({ requests: 1000, seed: 3, coldRate: 0.1, summaries: false });
    const unknown = { ...result, counts: { ...result.counts, unknown: 50 } };
    const decided = unknown.counts.warm + unknown.counts.cold + unknown.counts.proactive + 50;
    const { rules, problems } = parseThresholds(['unknown.count == 0', 'unknown.rate < 1%', `unknown.rate < ${(100 * 51) / decided}%`]);
    expect(problems).toEqual([]);
    expect(evaluateThresholds(rules, unknown).map((v) => [v.actual, v.pass])).toEqual([[50, false], [50 / decided, false], [50 / decided, true]]);
    expect(evaluateThresholds(rules, result).map((v) => v.pass)).toEqual([true, true, true]);
    expect(parseThresholds(['requests.browse.unknown.count == 0']).problems[0]?.message).toMatch(/unknown metric/);
  });
});

describe('unknownStartsWarning', () => {
  it('says on how many requests rules on starts were judged when some starts are unknown', () => {
    const result = buildFixture({ requests: 1000, seed: 3, coldRate: 0.1, summaries: false });
    const rules = parseThresholds(['cold.rate < 20%', 'all.p99 < 1s', 'init.p50 < 1s']).rules;
    expect(unknownStartsWarning(rules, result)).toBeUndefined();
    const unknown = { ...result, counts: { ...result.counts, unknown: 37 } };
    const known = unknown.counts.warm + unknown.counts.cold + unknown.counts.proactive;
    expect(unknownStartsWarning(rules, unknown)).toBe(`37 requests have an unknown start: cold.rate < 20%, init.p50 < 1s were judged on the ${known} whose start is known`);
    expect(unknownStartsWarning(parseThresholds(['all.p99 < 1s']).rules, unknown)).toBeUndefined();
  });
});

describe('evaluateLive', () => {
  function recorderWith(n: number, latencyMs: number, kind: 'ok' | 'error' = 'ok'): Recorder {
    const r = new Recorder(0);
    for (let i = 0; i < n; i++) {
      r.planned();
      r.sent(i, i);
      r.completed({ plannedAt: i, sentAt: i, endedAt: i + latencyMs, outcome: kind === 'ok' ? { kind: 'ok', start: 'warm' } : { kind: 'error', errorClass: 'http-5xx', start: 'warm' } });
    }
    return r;
  }

  it('aborts only on abortOnFail rules, and only once enough samples are in', () => {
    const { rules } = parseThresholds([{ rule: 'warm.p99 < 100ms', abortOnFail: true }, 'all.p50 < 1ms']);
    expect(evaluateLive(rules, recorderWith(50, 300))).toEqual([]);
    expect(evaluateLive(rules, recorderWith(150, 300))).toEqual([{ rule: 'warm.p99 < 100ms', actual: 300.031, pass: false }]);
    expect(evaluateLive(rules, recorderWith(150, 50))).toEqual([]);
  });

  it('aborts a count rule as soon as the count is past its limit, never a rule that can still come true', () => {
    const { rules } = parseThresholds([
      { rule: 'errors.count < 5', abortOnFail: true }, { rule: 'errors.count > 100', abortOnFail: true }, { rule: 'errors.count == 2', abortOnFail: true },
    ]);
    expect(evaluateLive(rules, recorderWith(2, 10, 'error'))).toEqual([]);
    expect(evaluateLive(rules, recorderWith(5, 10, 'error')).map((v) => v.rule)).toEqual(['errors.count < 5', 'errors.count == 2']);
  });

  it('liveGate checks count rules on every call and the others at most once per interval', () => {
    let now = 0;
    const counts = liveGate(parseThresholds([{ rule: 'errors.count < 1', abortOnFail: true }]).rules, { intervalMs: 1000, now: () => now });
    expect(counts(recorderWith(0, 10))).toBeUndefined();
    // The first error fails the rule at once, without waiting for the interval.
    expect(counts(recorderWith(1, 10, 'error'))).toEqual({ rule: 'errors.count < 1', actual: 1, pass: false });

    const rates = liveGate(parseThresholds([{ rule: 'errors.rate < 5%', abortOnFail: true }]).rules, { intervalMs: 1000, now: () => now, minSamples: 10 });
    expect(rates(recorderWith(0, 100))).toBeUndefined();
    const failing = recorderWith(50, 100, 'error');
    expect(rates(failing)).toBeUndefined(); // checked too recently
    now = 1000;
    expect(rates(failing)).toEqual(expect.objectContaining({ rule: 'errors.rate < 5%', pass: false }));
  });
});

describe('evaluateLiveResult (the merged run so far of --workers)', () => {
  it('judges a result as evaluateLive judges a recorder: enough samples for latencies and rates, counts past their limit, never rate.achieved', () => {
    const { rules } = parseThresholds([
      { rule: 'warm.p99 < 1ms', abortOnFail: true },
      { rule: 'cold.rate < 1%', abortOnFail: true },
      { rule: 'cold.count < 3', abortOnFail: true },
      { rule: 'cold.count > 100000', abortOnFail: true },
      { rule: 'rate.achieved > 1000000/s', abortOnFail: true },
      'all.p50 < 1ms',
    ]);
    const few = buildFixture({ seed: 1, requests: 40, coldRate: 0.5 });
    expect(few.counts.cold).toBeGreaterThanOrEqual(3);
    // 40 requests: too few for the latency and the rate; the count has failed for good.
    expect(evaluateLiveResult(rules, few)).toEqual([{ rule: 'cold.count < 3', actual: few.counts.cold, pass: false }]);
    const many = buildFixture({ seed: 1, requests: 400, coldRate: 0.5 });
    const classified = many.counts.warm + many.counts.cold + many.counts.proactive;
    expect(evaluateLiveResult(rules, many)).toEqual([
      { rule: 'warm.p99 < 1ms', actual: many.latency.warm.p99, pass: false },
      { rule: 'cold.rate < 1%', actual: many.counts.cold / classified, pass: false },
      { rule: 'cold.count < 3', actual: many.counts.cold, pass: false },
    ]);
  });
});

describe('evaluateLiveCounts (the summed counts of --workers)', () => {
  it('judges the count and rate rules from counts alone, and reads no other metric', () => {
    const { rules } = parseThresholds([
      { rule: 'errors.count < 5', abortOnFail: true },
      { rule: 'errors.rate < 1%', abortOnFail: true },
      { rule: 'warm.p99 < 1ms', abortOnFail: true },
    ]);
    expect(rules.map(readFromCounts)).toEqual([true, true, false]);
    const counts = (sent: number, errors: number) => ({ planned: sent, sent, ok: sent - errors, errors, throttles: 0, dropped: 0, warm: sent - errors, cold: 0, proactive: 0, unknown: 0 });
    // 50 sent: the rate has too few observations; the count is past its limit.
    expect(evaluateLiveCounts(rules, counts(50, 5))).toEqual([{ rule: 'errors.count < 5', actual: 5, pass: false }]);
    expect(evaluateLiveCounts(rules, counts(200, 4))).toEqual([{ rule: 'errors.rate < 1%', actual: 0.02, pass: false }]);
  });
});
