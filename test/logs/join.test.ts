import { describe, expect, it } from 'vitest';
import { CostAccumulator, resolvePrices } from '../../src/lambda/cost.js';
import type { LambdaReport } from '../../src/lambda/records.js';
import type { PlatformEvent } from '../../src/logs/events.js';
import { LogJoin } from '../../src/logs/join.js';
import { countDecided, JoinClient, tallySetupOf, ThreadRecorder } from '../../src/logs/thread-join.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Outcome } from '../../src/targets/target.js';

/** Clock ms 0 is epoch EPOCH: the run starts there. */
const EPOCH = 1_750_000_000_000;

function setUp(mode: 'sync' | 'async' = 'sync', viaAccessLog = false) {
  const recorder = new Recorder(0, new CostAccumulator('x86_64', resolvePrices(undefined)), 256);
  const client = new JoinClient(viaAccessLog);
  recorder.startJoin = client;
  const there = new ThreadRecorder();
  // As a run's reading thread does: plain decisions counted there, as sums.
  there.countPlainHere(tallySetupOf(recorder));
  const logJoin = new LogJoin({ recorder: there, mode, viaAccessLog, epochOf: (t) => EPOCH + t, asyncMaxAttempts: 3 });
  const { join, meet } = besideTheRun(logJoin, client, there, recorder);
  /** A request planned at `at` ms, sent then, answered `serviceMs` later, and taken by the join at once. */
  const request = (at: number, serviceMs: number, outcome: Partial<Outcome> = {}) => {
    recorder.sent(at, at);
    recorder.completed({ plannedAt: at, sentAt: at, endedAt: at + serviceMs, outcome: { kind: 'ok', status: 200, ...outcome } as Outcome });
    meet();
  };
  return { recorder, join, request };
}

/**
 * The join as a run drives it, the reading thread's side on this one: before each use of the
 * join, the requests the recorder handed over since come to it in their batches; after, the
 * decisions it made go back to the recorder. `meet` does both at once (a request handed over
 * and taken at once: a line read before it is joined to it then).
 */
function besideTheRun(join: LogJoin, client: JoinClient, there: ThreadRecorder, recorder: Recorder): { join: LogJoin; meet(): void } {
  const handOver = () => {
    for (const batch of client.takeBatches() ?? []) there.add(batch, (ticket, ids, row) => join.deferRow(ticket, ids, row), (id) => join.known(id));
  };
  const countBack = () => {
    const decisions = there.takeDecisions();
    if (decisions !== undefined) countDecided(decisions, client, recorder);
  };
  const meet = () => {
    handOver();
    countBack();
  };
  const proxy = new Proxy(join, {
    get(target, key) {
      handOver();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        handOver();
        const out: unknown = value.apply(target, args);
        countBack();
        return out;
      };
    },
  });
  return { join: proxy, meet };
}

function report(requestId: string, atClockMs: number, fields: Partial<LambdaReport> = {}, stream = 'env-1'): PlatformEvent {
  return {
    kind: 'report',
    requestId,
    report: { type: 'report', requestId, durationMs: 20, billedDurationMs: 20, memorySizeMB: 256, maxMemoryUsedMB: 70, ...fields },
    atMs: EPOCH + atClockMs,
    lagMs: 1500,
    stream,
  };
}

describe('LogJoin (sync)', () => {
  it('decides each request from its REPORT, whichever arrives first, and leaves unmatched ones unknown', () => {
    const { recorder, join, request } = setUp();
    request(0, 30, { requestId: 'warm-1' });
    request(100, 450, { requestId: 'cold-1' });
    join.onPlatform(report('early-1', 1400, { initDurationMs: 200, durationMs: 25, billedDurationMs: 225 }));
    request(1000, 400, { requestId: 'early-1' });
    request(2000, 30, { requestId: 'lost-1' });
    expect(recorder.counts.cold + recorder.counts.warm).toBe(1); // early-1 matched at once
    join.onPlatform(report('warm-1', 25));
    join.onPlatform(report('cold-1', 540, { initDurationMs: 300, durationMs: 40, billedDurationMs: 340 }));
    expect(join.pending).toBe(1);
    const figures = join.finish();
    expect(recorder.counts).toMatchObject({ warm: 1, cold: 2, proactive: 0, unknown: 1 });
    expect(figures).toMatchObject({ deferred: 4, matched: 3, unmatched: 1, withoutId: 0 });
    expect(recorder.histograms.init.totalCount).toBe(2);
    expect(recorder.histograms.billed.totalCount).toBe(3);
    expect(recorder.startBases.cold.get('CloudWatch Logs: REPORT Init Duration, caller waited')).toBe(2);
    expect(recorder.startBases.unknown.get('CloudWatch Logs: no REPORT line read within the wait')).toBe(1);
    expect(recorder.coldStarts.map((e) => e.requestId).sort()).toEqual(['cold-1', 'early-1']);
    expect(recorder.coldStarts[0]!.reason).toMatch(/^CloudWatch Logs: REPORT Init Duration, caller waited \(service/);
    // Billed: the three that ran (with their REPORT) and one with no REPORT at all.
    const cost = recorder.cost!.summary();
    expect(cost.invocations).toBe(4);
    expect(cost.unreported).toBe(1);
  });

  it('counts a REPORT read before its request was handed over once in the run-level figures, sync and async', () => {
    for (const mode of ['sync', 'async'] as const) {
      const { join, request } = setUp(mode);
      join.setRunWindow(EPOCH, EPOCH + 10_000);
      join.onPlatform(report('early-1', 400, { initDurationMs: 200 }));
      join.onPlatform(report('other-1', 500));
      request(0, 450, { requestId: 'early-1', status: mode === 'async' ? 202 : 200 });
      const figures = join.finish();
      expect(figures.matched, mode).toBe(1);
      expect(figures.runLevel.invocations, mode).toBe(2);
      expect(figures.runLevel.coldStarts, mode).toBe(1);
      expect(figures.runLevel.init.totalCount, mode).toBe(1);
      expect(figures, mode).toMatchObject({ claimedReports: 1, unclaimedReports: 1 });
    }
  });

  it('joins a line that may have been read before to a request waiting for it, and never counts it again', () => {
    for (const mode of ['sync', 'async'] as const) {
      const { join, request } = setUp(mode);
      join.setRunWindow(EPOCH, EPOCH + 10_000);
      request(0, 450, { requestId: 'late-1', status: mode === 'async' ? 202 : 200 });
      join.onPlatform({ ...report('late-1', 400, { initDurationMs: 200 }), readBefore: true });
      join.onPlatform({ ...report('other-1', 500), readBefore: true });
      join.onPlatform(report('other-2', 600));
      const figures = join.finish();
      expect(figures, mode).toMatchObject({ matched: 1, claimedReports: 1, unclaimedReports: 1 });
      expect(figures.runLevel.invocations, mode).toBe(1);
    }
  });

  it('does not hand the join a request that failed without an answer (a timeout): unknown at once, with its reason', () => {
    const { recorder, join, request } = setUp();
    request(0, 500, { kind: 'error', errorClass: 'timeout', status: undefined } as Partial<Outcome>);
    request(10, 30, { requestId: 'ok-1' });
    join.onPlatform(report('ok-1', 35));
    const figures = join.finish();
    expect(figures).toMatchObject({ deferred: 1, withoutId: 0, matched: 1 });
    expect(recorder.counts).toMatchObject({ errors: 1, unknown: 1, warm: 1 });
    expect([...recorder.startBases.unknown.keys()]).toEqual(['no answer (a timeout or a network failure): nothing to join its line to']);
  });

  it('bills a request the front answered with an error when its REPORT says the function ran', () => {
    const { recorder, join, request } = setUp();
    request(0, 30, { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: 'failed-1' } as Partial<Outcome>);
    join.onPlatform(report('failed-1', 25, { billedDurationMs: 100, memorySizeMB: 1024, status: 'error', errorType: 'Runtime.ExitError' }));
    join.finish();
    expect(recorder.counts).toMatchObject({ errors: 1, warm: 1 });
    expect(recorder.cost!.summary()).toMatchObject({ invocations: 1, unreported: 0, gbSeconds: 0.1 });
  });

  it('claims the REPORT of a request its target decided (a log tail), read before or after it ended', () => {
    const { recorder, join } = setUp();
    const decided = (id: string) => recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 30, outcome: { kind: 'ok', status: 200, requestId: id, start: 'warm', startReason: 'tail' } });
    join.onPlatform(report('tail-early', 20));
    decided('tail-early');
    decided('tail-late');
    join.onPlatform(report('tail-late', 25));
    join.onPlatform(report('stranger', 26));
    const figures = join.finish();
    expect(figures).toMatchObject({ deferred: 0, claimedReports: 2, unclaimedReports: 1 });
    expect(recorder.counts.warm).toBe(2);
  });

  it('counts a cold start in the second its request ended, also when the REPORT comes seconds later', () => {
    const { recorder, join, request } = setUp();
    request(500, 700, { requestId: 'c' });
    recorder.sent(5000, 5000); // the run has moved on to second 5
    join.onPlatform(report('c', 1150, { initDurationMs: 600, durationMs: 40 }));
    recorder.completed({ plannedAt: 5000, sentAt: 5000, endedAt: 5010, outcome: { kind: 'ok' } });
    const timeline = recorder.timeline.finish();
    // The request ended at 1.2 s: its bucket (100 ms wide in a short run) holds the cold start.
    expect(timeline.filter((b) => b.cold > 0).map((b) => [b.t, b.cold])).toEqual([[1.2, 1]]);
  });

  it('calls an init the caller did not wait for proactive', () => {
    const { recorder, join, request } = setUp();
    request(0, 50, { requestId: 'p' });
    join.onPlatform(report('p', 40, { initDurationMs: 1200, durationMs: 30 }));
    join.finish();
    expect(recorder.counts).toMatchObject({ proactive: 1, cold: 0, warm: 0 });
    expect(recorder.histograms.warm.totalCount).toBe(1);
  });

  it('does not defer throttles, and counts answers without an id as unknown at once', () => {
    const { recorder, join, request } = setUp();
    recorder.sent(0, 0);
    recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 5, outcome: { kind: 'throttled', reason: 'http-429', requestId: 't' } });
    request(10, 10, {});
    expect(join.pending).toBe(0);
    expect(join.finish()).toMatchObject({ deferred: 1, withoutId: 1, unmatched: 0 });
    expect(recorder.counts).toMatchObject({ throttles: 1, unknown: 1 });
  });

  it('bounds the log clock against the client clock from the requests matched', () => {
    const { join, request } = setUp();
    // Sent at 0, answered at 100; the REPORT (Duration 20) is stamped 30 ms late by the log clock.
    request(0, 100, { requestId: 'a' });
    join.onPlatform(report('a', 100 + 30));
    const { skew } = join.finish();
    expect(skew.lowMs).toBe(30);
    expect(skew.highMs).toBe(110);
  });
});

describe('LogJoin through an API Gateway access log', () => {
  it('maps API Gateway ids to Lambda ids, in either order, and tells apart a request that never reached the function', () => {
    const { recorder, join, request } = setUp('sync', true);
    request(0, 400, { frontRequestId: 'gw-1', requestId: 'gw-1' });
    join.onAccess({ frontId: 'gw-1', lambdaId: 'lam-1', integrationStatus: 200, lagMs: 900, hasLambdaField: true });
    join.onPlatform(report('lam-1', 390, { initDurationMs: 250, durationMs: 40 }));
    join.onAccess({ frontId: 'gw-2', lambdaId: 'lam-2', integrationStatus: 200, lagMs: 900, hasLambdaField: true });
    join.onPlatform(report('lam-2', 1040));
    request(1000, 60, { frontRequestId: 'gw-2' });
    request(2000, 5, { frontRequestId: 'gw-3', kind: 'error', errorClass: 'http-5xx' } as Partial<Outcome>);
    join.onAccess({ frontId: 'gw-3', lambdaId: undefined, integrationStatus: undefined, lagMs: 900, hasLambdaField: true });
    // Throttled by Lambda behind API Gateway: the integration has a request id, but never ran.
    request(2500, 5, { frontRequestId: 'gw-5', kind: 'error', errorClass: 'http-5xx' } as Partial<Outcome>);
    join.onAccess({ frontId: 'gw-5', lambdaId: 'lam-5', integrationStatus: 429, lagMs: 900, hasLambdaField: true });
    request(3000, 30, { frontRequestId: 'gw-4' });
    // A REPORT keyed by API Gateway's id means nothing: only the access log joins.
    join.onPlatform(report('gw-4', 3020));
    const figures = join.finish();
    expect(recorder.counts).toMatchObject({ cold: 1, warm: 1, unknown: 1 });
    expect(figures).toMatchObject({ matched: 2, notInvoked: 2, throttledBehindFront: 1, unmatched: 1, withoutAccessLog: 1 });
    expect(recorder.startBases.unknown.get('CloudWatch Logs: no access-log line read within the wait')).toBe(1);
  });

  it('leaves a request unknown, not "never invoked", when its access-log line has no Lambda id field at all', () => {
    const { recorder, join, request } = setUp('sync', true);
    request(0, 400, { frontRequestId: 'gw-1' });
    join.onAccess({ frontId: 'gw-1', lambdaId: undefined, integrationStatus: undefined, lagMs: 900, hasLambdaField: false });
    join.onPlatform(report('lam-1', 390));
    const figures = join.finish();
    expect(figures).toMatchObject({ notInvoked: 0, withoutLambdaField: 1, unmatched: 1, unclaimedReports: 1 });
    expect(recorder.counts).toMatchObject({ unknown: 1, warm: 0 });
  });
});

describe('LogJoin (async)', () => {
  it('reads queue delay, end-to-end time and retries of async events, and waits for a retry of a failed attempt', () => {
    const { recorder, join, request } = setUp('async');
    request(0, 20, { requestId: 'ev-1', status: 202 });
    request(10, 20, { requestId: 'ev-2', status: 202 });
    request(20, 20, { requestId: 'ev-3', status: 202 });
    const start = (id: string, at: number): PlatformEvent => ({ kind: 'start', requestId: id, atMs: EPOCH + at, lagMs: 800, stream: 'env-1' });
    join.onPlatform(start('ev-1', 300));
    join.onPlatform(report('ev-1', 800, { initDurationMs: 150, durationMs: 500, status: 'error', errorType: 'Error' }));
    expect(join.pending).toBe(3); // ev-1 may be retried; ev-2 and ev-3 not seen yet
    join.onPlatform(start('ev-1', 61_000));
    join.onPlatform(report('ev-1', 61_100, { durationMs: 100, status: 'success' }));
    // The first attempt's lines read again (a window read twice, its ids forgotten): no third attempt.
    join.onPlatform(start('ev-1', 300));
    join.onPlatform(report('ev-1', 800, { initDurationMs: 150, durationMs: 500, status: 'error', errorType: 'Error' }));
    join.onPlatform(start('ev-2', 60));
    join.onPlatform(report('ev-2', 90, { durationMs: 30 }));
    // ev-3 was never seen; ev-2's REPORT has no Status (a text line): it may still be retried.
    expect(join.pending).toBe(2);
    const figures = join.finish();
    expect(recorder.counts).toMatchObject({ cold: 1, warm: 1, unknown: 1 });
    expect(figures.async).toMatchObject({ attempts: { '1': 1, '2': 1 }, retries: 1, neverRan: 1 });
    const queue = figures.async!.queueDelay;
    expect(queue.totalCount).toBe(2);
    expect(queue.maxValue / 1000).toBeCloseTo(300, -1); // ev-1: sent at 0, first START at 300
    expect(figures.async!.endToEnd.maxValue / 1000).toBeCloseTo(61_100, -2);
  });
});
