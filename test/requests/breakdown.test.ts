/**
 * The per-request breakdown counts starts decided later, from the function's logs, as the run's
 * own figures do: a request handed to the start join comes back with its name.
 */
import { describe, expect, it } from 'vitest';
import { CostAccumulator, resolvePrices } from '../../src/lambda/cost.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Answered } from '../../src/run/recorder.js';

/**
 * A recorder of a mix of two requests whose start join keeps what it is handed (copies), after
 * three answers: two of `checkout`, one of `browse`.
 */
function threeCarried(cost?: CostAccumulator): { recorder: Recorder; carried: Answered[] } {
  const recorder = new Recorder(0, cost, 128, ['browse', 'checkout']);
  const carried: Answered[] = [];
  recorder.startJoin = { carry: (a) => carried.push({ ...a }) };
  recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 30, outcome: { kind: 'ok', request: 1 } });
  recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 400, outcome: { kind: 'ok', request: 1 } });
  recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 10, outcome: { kind: 'ok', request: 0 } });
  return { recorder, carried };
}

describe('starts decided from the logs', () => {
  it('are counted under the request name the answer carried', () => {
    const { recorder, carried: deferred } = threeCarried();
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 2, warm: 0, cold: 0 });
    recorder.decided(deferred[0]!, { start: 'warm', basis: 'REPORT without Init Duration', reason: 'warm' });
    recorder.decided(deferred[1]!, { start: 'cold', basis: 'Init Duration', reason: 'cold', report: { type: 'report', durationMs: 5, initDurationMs: 350 } });
    recorder.decided(deferred[2]!, undefined);
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 2, ok: 2, warm: 1, cold: 1 });
    expect(recorder.requests[1]!.histograms.cold.totalCount).toBe(1);
    expect(recorder.requests[1]!.histograms.warm.totalCount).toBe(1);
    expect(recorder.requests[0]!.counts).toMatchObject({ completed: 1, warm: 0, cold: 0, unknown: 0 });
    expect(recorder.counts.cold).toBe(1);
  });
});

describe('requests the start join carries', () => {
  it('are counted when given back, and those never given back are counted unknown, under their names and billed', () => {
    const cost = new CostAccumulator('x86_64', resolvePrices(undefined));
    const { recorder, carried } = threeCarried(cost);
    recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 20, outcome: { kind: 'error', errorClass: 'http-5xx', status: 502, request: 0 } });
    expect(recorder.undecided).toBe(4);
    recorder.decided(carried[1]!, { start: 'cold', basis: 'Init Duration', reason: 'cold', report: { type: 'report', durationMs: 5, billedDurationMs: 360, memorySizeMB: 128, initDurationMs: 350 } });
    expect(recorder.undecided).toBe(3);
    expect(recorder.requests[1]!.counts).toMatchObject({ cold: 1, unknown: 0 });
    expect(recorder.histograms.cold.totalCount).toBe(1);
    expect(recorder.leftUndecided('the reading ended')).toBe(3);
    expect(recorder.undecided).toBe(0);
    expect(recorder.counts).toMatchObject({ cold: 1, unknown: 3 });
    expect(recorder.startBases.unknown.get('the reading ended')).toBe(3);
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 2, cold: 1, unknown: 1 });
    expect(recorder.requests[0]!.counts).toMatchObject({ completed: 2, unknown: 2 });
    // The cold one with its REPORT, and the two answers without one: the 502 of a front never reached the function.
    expect(cost.summary()).toMatchObject({ invocations: 3, unreported: 2 });
    expect(recorder.leftUndecided('again')).toBe(0);
    expect(recorder.startBases.unknown.has('again')).toBe(false);
  });
});
