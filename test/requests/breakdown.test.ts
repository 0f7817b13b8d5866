/**
 * The per-request breakdown counts starts decided later, from the function's logs, as the run's
 * own figures do: a request handed to the start join comes back with its name.
 */
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/run/recorder.js';

describe('starts decided from the logs', () => {
  it('are counted under the request name the answer carried', () => {
    const recorder = new Recorder(0, undefined, 128, ['browse', 'checkout']);
    const deferred: number[] = [];
    recorder.startJoin = { defer: (ticket) => deferred.push(ticket) };
    recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 30, outcome: { kind: 'ok', request: 1 } });
    recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 400, outcome: { kind: 'ok', request: 1 } });
    recorder.completed({ plannedAt: 0, sentAt: 0, endedAt: 10, outcome: { kind: 'ok', request: 0 } });
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 2, warm: 0, cold: 0 });
    recorder.decideStart(deferred[0]!, { start: 'warm', basis: 'REPORT without Init Duration', reason: 'warm' });
    recorder.decideStart(deferred[1]!, { start: 'cold', basis: 'Init Duration', reason: 'cold', report: { type: 'report', durationMs: 5, initDurationMs: 350 } });
    recorder.decideStart(deferred[2]!, undefined);
    expect(recorder.requests[1]!.counts).toMatchObject({ completed: 2, ok: 2, warm: 1, cold: 1 });
    expect(recorder.requests[1]!.histograms.cold.totalCount).toBe(1);
    expect(recorder.requests[1]!.histograms.warm.totalCount).toBe(1);
    expect(recorder.requests[0]!.counts).toMatchObject({ completed: 1, warm: 0, cold: 0, unknown: 0 });
    expect(recorder.counts.cold).toBe(1);
  });
});
