/**
 * A result warns about problems with the measurement itself, so a reader does not take a
 * generator's lag, dropped arrivals, requests left unanswered, truncated cold-start events, client
 * retries or an early stop for the target's behaviour; and says nothing when there were none.
 */
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { LogsResultParts } from '../../src/logs/section.js';
import { parseProfileText } from '../../src/profile/index.js';
import { buildResult, LAG_WARNING_P99_MS, LOOP_DELAY_WARNING_P99_MS } from '../../src/run/build-result.js';
import { MAX_COLD_START_EVENTS } from '../../src/result/result.js';
import { Recorder } from '../../src/run/recorder.js';
import { CostAccumulator } from '../../src/lambda/cost.js';
import type { RunRecord } from '../../src/run/runner.js';
import { runWarnings } from '../../src/run/run-profile.js';

const loaded = parseProfileText('name: w\ntarget: { kind: http, url: "http://127.0.0.1:1/" }\nload: { phases: [ { constant: { rate: 100, duration: 1s } } ] }\n', {
  file: 'w.yaml',
  baseDir: '.',
  env: {},
});

/** A run of `sent` requests of 5 ms each, sent `lagMs` after their planned instants. */
function run(opts: { sent?: number; lagMs?: number; dropped?: number; abandoned?: number; cold?: number } = {}): RunRecord {
  const recorder = new Recorder(0);
  const sent = opts.sent ?? 100;
  for (let i = 0; i < sent; i++) {
    const plannedAt = i * 10;
    const sentAt = plannedAt + (opts.lagMs ?? 0);
    recorder.planned();
    recorder.sent(plannedAt, sentAt);
    const start = i < (opts.cold ?? 0) ? 'cold' : 'warm';
    recorder.completed({ plannedAt, sentAt, endedAt: sentAt + 5, outcome: { kind: 'ok', start, requestId: `r${i}` } });
  }
  for (let i = 0; i < (opts.dropped ?? 0); i++) {
    recorder.planned();
    recorder.dropped(i * 10);
  }
  return { status: 'completed', recorder, startedAt: 0, endedAt: sent * 10, abandoned: opts.abandoned ?? 0 };
}

const warningsOf = (r: RunRecord): string[] => buildResult({ run: r, loaded, startedAt: new Date(0) }).warnings;

describe('result warnings', () => {
  it('the thread held during the load (event-loop delay p99 over the limit), with or without logs', () => {
    const logs = {
      logs: { logGroup: '/aws/lambda/f', deferred: 100, matched: 100, unmatched: 0, withoutId: 0, notInvoked: 0, perRequest: true, stoppedEarly: false, problems: [] },
      histograms: {},
    } as unknown as LogsResultParts;
    /** Event-loop delays as the monitor records them (ns): 10 ms is its floor. */
    const delays = (ms: number[]) => {
      const h = createHistogram();
      for (const x of ms) h.record(Math.round(x * 1e6));
      return h as never;
    };
    const held = delays([...Array<number>(97).fill(10), 45, 45, 60]);
    const calm = delays([...Array<number>(99).fill(10), LOOP_DELAY_WARNING_P99_MS]);
    const warnings = (eventLoopDelay: never, withLogs: boolean) =>
      buildResult({ run: run(), loaded, startedAt: new Date(0), eventLoopDelay, ...(withLogs && { logs }) }).warnings;
    const [warning, ...rest] = warnings(held, false);
    expect(rest).toEqual([]);
    expect(warning).toMatch(/held up to 60\.\d+ ms during the load \(event-loop delay p99 45\.\d+ ms\)/);
    expect(warnings(calm, false)).toEqual([]);
    // Reading the logs is not what it blames: the reading has a thread of its own.
    expect(warnings(held, true)).toEqual([warning]);
  });

  it('none for a clean run', () => {
    expect(warningsOf(run())).toEqual([]);
  });

  it('the generator lagged: schedule lag p99 over the limit', () => {
    expect(warningsOf(run({ lagMs: LAG_WARNING_P99_MS - 1 }))).toEqual([]);
    const [warning] = warningsOf(run({ lagMs: LAG_WARNING_P99_MS + 5 }));
    expect(warning).toMatch(/^the load generator lagged: schedule lag p99 15(\.\d+)? ms/);
  });

  it('arrivals dropped at maxInFlight', () => {
    expect(warningsOf(run({ dropped: 7 }))).toEqual([
      '7 arrivals were dropped at maxInFlight; raise load.maxInFlight if the target should have been offered them',
    ]);
  });

  it('requests still in flight when the run stopped', () => {
    expect(warningsOf(run({ abandoned: 3 }))).toEqual(['3 requests were still in flight when the run stopped and are not counted']);
  });

  it('cold-start events past the cap', () => {
    const r = run({ sent: MAX_COLD_START_EVENTS + 5, cold: MAX_COLD_START_EVENTS + 5 });
    const result = buildResult({ run: r, loaded, startedAt: new Date(0) });
    expect(result.coldStarts).toHaveLength(MAX_COLD_START_EVENTS);
    expect(result.counts.cold).toBe(MAX_COLD_START_EVENTS + 5);
    expect(result.warnings).toEqual([`only the first ${MAX_COLD_START_EVENTS} cold-start events are listed; the counts are exact`]);
  });

  it('requests retried inside the client, and a run stopped by an abortOnFail threshold', () => {
    expect(runWarnings(0, undefined)).toEqual([]);
    expect(runWarnings(2, { rule: 'errors.count < 10', actual: 10, pass: false })).toEqual([
      '2 requests were retried inside the client: a retry can hide a throttle and run the function twice',
      'stopped early: threshold "errors.count < 10" failed during the run (abortOnFail)',
    ]);
  });

  it('requests with no answer that the function may have run, when the run has a cost', () => {
    const r = run();
    const cost = new CostAccumulator('x86_64');
    for (let i = 0; i < 100; i++) cost.add(2, 128);
    const fail = (errorClass: 'timeout' | 'reset' | 'connect-refused', n: number) => {
      for (let i = 0; i < n; i++) r.recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 5000, outcome: { kind: 'error', errorClass } });
    };
    fail('timeout', 3);
    fail('reset', 1);
    // A refused connection never reached the function: not among them.
    fail('connect-refused', 2);
    const withCost = buildResult({ run: r, loaded, startedAt: new Date(0), cost: cost.summary() }).warnings;
    expect(withCost).toEqual([
      '4 requests got no answer (timeout: 3, reset: 1): Lambda bills an invocation that ran even when its caller gave up, and with no answer there is no request id to join a REPORT to, so cost.total leaves them out',
    ]);
    // An HTTP run without a cost has nothing to leave out.
    expect(warningsOf(r)).toEqual([]);
    // With the function's logs read, their REPORT lines may be among those no request claimed.
    const logs = {
      logs: { logGroup: '/aws/lambda/f', deferred: 100, matched: 100, unmatched: 0, withoutId: 0, notInvoked: 0, unclaimedReports: 4, perRequest: true, stoppedEarly: false, problems: [] },
      histograms: {},
    } as unknown as LogsResultParts;
    const [withLogs] = buildResult({ run: r, loaded, startedAt: new Date(0), cost: cost.summary(), logs }).warnings;
    expect(withLogs).toMatch(/so cost\.total leaves them out; logs\.unclaimedReports \(4\) counts the REPORT lines read that no request claimed, theirs among them if the function ran them$/);
  });
});
