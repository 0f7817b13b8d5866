/**
 * The join's two halves talk in columns: the requests the run's thread hands over come out on
 * the reading thread with their ids and times, and the decisions come back to the recorder as
 * they were made (a REPORT's numbers, status and error type; the request id of a cold or
 * proactive start); the figures of a reading survive their trip, histograms included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogJoin } from '../../src/logs/join.js';
import { applyDecisions, decodeFigures, encodeFigures, JoinClient, ThreadRecorder } from '../../src/logs/thread-join.js';
import type { DecisionBatch, DeferBatch } from '../../src/logs/thread-join.js';
import { recordMs, valuesAtPercentiles } from '../../src/result/histogram.js';
import type { Histogram } from '../../src/result/histogram.js';
import type { Answered, StartDecision } from '../../src/run/recorder.js';
import { params } from '../property/settings.js';
import { asRead } from '../helpers/as-read.js';

const ms = fc.double({ min: 0, max: 1e6, noNaN: true });
const report = fc.record({ durationMs: ms, billedDurationMs: ms, memorySizeMB: fc.integer({ min: 128, max: 10_240 }), maxMemoryUsedMB: fc.integer({ min: 1, max: 10_240 }), initDurationMs: ms, restoreDurationMs: ms, billedRestoreDurationMs: ms, status: fc.constantFrom('success', 'timeout'), errorType: fc.string() }, { requiredKeys: [] })
  .map((r) => ({ type: 'report' as const, ...r }));
const decision = fc.option(
  fc.record({ start: fc.constantFrom('warm', 'cold', 'proactive', 'unknown'), basis: fc.constantFrom('REPORT without Init Duration', 'REPORT Init Duration, caller waited'), reason: fc.string(), requestId: fc.uuid(), report }, { requiredKeys: ['start', 'basis', 'reason'] }),
  { nil: undefined },
) as fc.Arbitrary<StartDecision | undefined>;

describe('the join across threads', () => {
  it('decisions come back to the recorder as made: what it reads, the request id of cold and proactive starts only', () => {
    fc.assert(fc.property(fc.array(decision, { maxLength: 40 }), (made) => {
      const there = new ThreadRecorder();
      made.forEach((d, ticket) => there.decideStart(ticket, d));
      const got: [number, StartDecision | undefined][] = [];
      const batch = there.takeDecisions();
      if (batch !== undefined) applyDecisions(structuredClone(batch), { decideStart: (t, d) => got.push([t, asRead(d)]) });
      expect(there.takeDecisions()).toBeUndefined();
      expect(got).toStrictEqual(made.map((d, t) => {
        if (d === undefined) return [t, undefined];
        const { requestId, ...rest } = d;
        const named = (d.start === 'cold' || d.start === 'proactive') && requestId !== undefined;
        return [t, { ...rest, ...(named && { requestId }) }];
      }));
    }), params(300));
  });

  it('decisions past the first columns\' room come back whole, and the next batch starts afresh', () => {
    const there = new ThreadRecorder();
    const made = (ticket: number): StartDecision => ({ start: ticket % 50 === 0 ? 'cold' : 'warm', basis: 'b', reason: `r${ticket % 3}`, requestId: `id-${ticket}`, report: { type: 'report', durationMs: ticket / 4, billedDurationMs: ticket } });
    const expected = (ticket: number): StartDecision => {
      const { requestId, ...rest } = made(ticket);
      return ticket % 50 === 0 ? { ...rest, requestId } : rest;
    };
    const readBack = (): [number, StartDecision | undefined][] => {
      const got: [number, StartDecision | undefined][] = [];
      applyDecisions(structuredClone(there.takeDecisions()!), { decideStart: (t, d) => got.push([t, asRead(d)]) });
      return got;
    };
    for (let t = 0; t < 3000; t++) there.decideStart(t, made(t));
    expect(readBack()).toStrictEqual(Array.from({ length: 3000 }, (_, t) => [t, expected(t)]));
    there.decideStart(7, undefined);
    there.decideStart(9000, made(9000));
    expect(readBack()).toStrictEqual([[7, undefined], [9000, expected(9000)]]);
  });

  it('requests reach the reading thread\'s join with their ids and times, as epochs', () => {
    // The recorder's columns, by ticket: the client reads the times there when it takes the batch.
    const answers = new Map<number, Answered>([
      [7, { plannedAt: 10, endedAt: 50, latencyMs: 40, serviceMs: 30, outcome: { kind: 'ok', requestId: 'r-7' } }],
      [8, { plannedAt: 20, endedAt: 60, latencyMs: 40, serviceMs: 35, outcome: { kind: 'ok', frontRequestId: 'f-8' } }],
      [5000, { plannedAt: 30, endedAt: 70, latencyMs: 40, serviceMs: 36, outcome: { kind: 'ok' } }],
    ]);
    const kept = { plannedAtOf: (t: number) => answers.get(t)!.plannedAt, endedAtOf: (t: number) => answers.get(t)!.endedAt, serviceMsOf: (t: number) => answers.get(t)!.serviceMs };
    const client = new JoinClient((t) => 1_000_000 + t, kept);
    for (const [ticket, answered] of answers) client.defer(ticket, answered);
    expect(client.unsent).toBe(3);
    const there = new ThreadRecorder();
    const seen: unknown[] = [];
    there.add(structuredClone(client.takeBatch()!), (ticket, answered) => seen.push([ticket, asRead(answered.outcome)]));
    expect(client.unsent).toBe(0);
    expect(seen).toEqual([[7, { requestId: 'r-7' }], [8, { frontRequestId: 'f-8' }], [5000, {}]]);
    expect([there.deferred.plannedAtOf(8), there.deferred.endedAtOf(8), there.deferred.serviceMsOf(8)]).toEqual([1_000_020, 1_000_060, 35]);
    expect([there.deferred.plannedAtOf(7), there.deferred.serviceMsOf(5000)]).toEqual([1_000_010, 36]);
  });

  it('a batch given back once read holds the next one, which comes out whole', () => {
    let now = 0;
    const kept = { plannedAtOf: (t: number) => now + t, endedAtOf: (t: number) => now + t + 1, serviceMsOf: () => 0.5 };
    const client = new JoinClient((t) => t, kept);
    const there = new ThreadRecorder();
    const read = (batch: ReturnType<JoinClient['takeBatch']>): unknown[] => {
      const seen: unknown[] = [];
      there.add(batch!, (ticket, answered) => seen.push([ticket, answered.outcome.requestId, there.deferred.plannedAtOf(ticket), there.deferred.endedAtOf(ticket)]));
      return seen;
    };
    // A first batch larger than the next: its buffers have room for them.
    for (let t = 0; t < 3000; t++) client.defer(t, { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok', requestId: `id-${t}` } });
    const first = client.takeBatch()!;
    const moved = structuredClone(first);
    expect(read(moved)).toHaveLength(3000);
    const back = structuredClone(moved);
    client.recycle(back);
    now = 100;
    // The requests after the take went to new columns; those after the recycle to the spare's.
    for (let t = 0; t < 5; t++) client.defer(t, { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok', requestId: `next-${t}` } });
    const second = client.takeBatch()!;
    expect(second.requestIds.bytes.buffer).not.toBe(back.requestIds.bytes.buffer);
    expect(second.plannedEpoch.buffer).toBe(back.plannedEpoch.buffer);
    for (let t = 0; t < 4; t++) client.defer(t + 10, { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok', requestId: `third-${t}` } });
    const third = client.takeBatch()!;
    expect(third.tickets.buffer).toBe(back.tickets.buffer);
    expect(third.requestIds.bytes.buffer).toBe(back.requestIds.bytes.buffer);
    expect(third.requestIds.ends.buffer).toBe(back.requestIds.ends.buffer);
    expect(read(structuredClone(second))).toEqual([0, 1, 2, 3, 4].map((t) => [t, `next-${t}`, 100 + t, 101 + t]));
    expect(read(structuredClone(third))).toEqual([0, 1, 2, 3].map((t) => [t + 10, `third-${t}`, 110 + t, 111 + t]));
  });

  it('every column of both batches is in shared memory, grown ones too: posted, none is detached from its thread', () => {
    const client = new JoinClient((t) => t, { plannedAtOf: () => 1, endedAtOf: () => 2, serviceMsOf: () => 1 });
    const there = new ThreadRecorder();
    // Past the first columns' room on both sides.
    for (let t = 0; t < 3000; t++) client.defer(t, { plannedAt: 0, endedAt: 0, latencyMs: 0, serviceMs: 0, outcome: { kind: 'ok', requestId: `id-${t}`, frontRequestId: `f-${t}` } });
    client.known('k');
    const requests: DeferBatch = client.takeBatch()!;
    for (let t = 0; t < 3000; t++) there.decideStart(t, { start: 'warm', basis: 'b', reason: 'r', report: { type: 'report', durationMs: 1 } });
    const decisions: DecisionBatch = there.takeDecisions()!;
    const columns = [
      ...Object.values(requests).flatMap((c: DeferBatch[keyof DeferBatch]) => ('ends' in c ? [c.bytes, c.ends] : [c])),
      ...Object.values(decisions).filter((c): c is Exclude<DecisionBatch[keyof DecisionBatch], string[]> => !Array.isArray(c)),
    ];
    expect(columns).toHaveLength(7 + 3 + 9);
    for (const column of columns) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    const posted = structuredClone({ requests, decisions });
    expect(requests.tickets.length).toBe(3000);
    expect(posted.requests.tickets[2999]).toBe(2999);
  });

  it('a reading\'s figures survive the trip, histograms included', () => {
    const join = new LogJoin({ recorder: new ThreadRecorder(), mode: 'async', viaAccessLog: false, epochOf: (t) => t, asyncMaxAttempts: 3 });
    const figures = join.finish();
    recordMs(figures.lag, 2000);
    recordMs(figures.lag, 2500);
    recordMs(figures.async!.queueDelay, 12);
    figures.skew.lowMs = -3;
    const back = decodeFigures(structuredClone(encodeFigures(figures)));
    expect(plain(back)).toEqual(plain(figures));
    expect(plain(back).lag.count).toBe(2);
  });
});

/** Figures with each histogram as its count, median and maximum, to compare. */
function plain(value: unknown): any {
  if (value !== null && typeof value === 'object' && 'totalCount' in value) return { count: (value as Histogram).totalCount, p50AndMax: valuesAtPercentiles(value as Histogram, [50, 100]) };
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}
