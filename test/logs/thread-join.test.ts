/**
 * The join's two halves talk in columns: the requests the run's thread hands over come out on
 * the reading thread with their ids and times, and come back to the recorder as they were
 * handed over (an error's outcome whole), each with its decision as it was made (a REPORT's numbers, status and error type; the request id of a cold or
 * proactive start); the figures of a reading survive their trip, histograms included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogJoin } from '../../src/logs/join.js';
import { applyDecisions, BATCH_ROWS, countDecided, decodeFigures, encodeFigures, JoinClient, nextRows, RESERVED_ROWS, tallySetupOf, ThreadRecorder } from '../../src/logs/thread-join.js';
import type { DecisionBatch, DeferBatch } from '../../src/logs/thread-join.js';
import { addCounts, encodeHistogram, newHistogram, recordMs, summarize, takeCounts, valuesAtPercentiles } from '../../src/result/histogram.js';
import type { Histogram } from '../../src/result/histogram.js';
import { CostAccumulator, resolvePrices } from '../../src/lambda/cost.js';
import { Recorder } from '../../src/run/recorder.js';
import type { Answered, StartDecision } from '../../src/run/recorder.js';
import type { AnswerIds, PackedIds } from '../../src/logs/join.js';
import { textAt } from '../../src/logs/text-column.js';
import type { Outcome } from '../../src/targets/target.js';
import { params } from '../property/settings.js';
import { asRead } from '../helpers/as-read.js';

const ms = fc.double({ min: 0, max: 1e6, noNaN: true });
const report = fc.record({ durationMs: ms, billedDurationMs: ms, memorySizeMB: fc.integer({ min: 128, max: 10_240 }), maxMemoryUsedMB: fc.integer({ min: 1, max: 10_240 }), initDurationMs: ms, restoreDurationMs: ms, billedRestoreDurationMs: ms, status: fc.constantFrom('success', 'timeout'), errorType: fc.string() }, { requiredKeys: [] })
  .map((r) => ({ type: 'report' as const, ...r }));
const decision = fc.option(
  fc.record({ start: fc.constantFrom('warm', 'cold', 'proactive', 'unknown'), basis: fc.constantFrom('REPORT without Init Duration', 'REPORT Init Duration, caller waited'), reason: fc.string(), requestId: fc.uuid(), report }, { requiredKeys: ['start', 'basis', 'reason'] }),
  { nil: undefined },
) as fc.Arbitrary<StartDecision | undefined>;

/** A request ended at `at` (the run's clock), answered `serviceMs` after its send. */
const answer = (at: number, outcome: Outcome, serviceMs = 1): Answered => ({ plannedAt: at - 2 * serviceMs, endedAt: at, latencyMs: 2 * serviceMs, serviceMs, outcome });

/** The ids of row `row` of a batch, as the join reads them (undefined for none). */
const idsAt = (ids: PackedIds, row: number): AnswerIds => {
  const at = (texts: PackedIds['requestIds']): string | undefined => (texts.ends.length === 0 || textAt(texts, row) === '' ? undefined : textAt(texts, row));
  return { requestId: at(ids.requestIds), frontRequestId: at(ids.frontIds) };
};

/** Requests through a client and a reading thread's recorder, as a run posts them (structuredClone: the same columns, shared). */
function across() {
  const client = new JoinClient();
  const there = new ThreadRecorder();
  /** Tickets the reading thread gave the requests of the batch, with the ids it read. */
  const send = (): [number, AnswerIds][] => {
    const seen: [number, AnswerIds][] = [];
    for (const batch of structuredClone(client.takeBatches() ?? [])) there.add(batch, (ticket, ids, row) => seen.push([ticket, asRead(idsAt(ids, row))]));
    return seen;
  };
  /** The decisions back, as the recorder is given them. */
  const back = (): [Answered, StartDecision | undefined][] => {
    const got: [Answered, StartDecision | undefined][] = [];
    const batch = there.takeDecisions()?.batch;
    if (batch !== undefined) applyDecisions(structuredClone(batch), client, { decided: (a, d) => got.push([asRead(a), asRead(d)]) });
    return got;
  };
  return { client, there, send, back };
}

describe('the join across threads', () => {
  it('decisions come back to the recorder as made, each with its request as handed over: the request id of cold and proactive starts only', () => {
    fc.assert(fc.property(fc.array(decision, { maxLength: 40 }), (made) => {
      const { client, there, send, back } = across();
      made.forEach((_, i) => client.carry(answer(1000 + i, { kind: 'ok', requestId: `id-${i}`, request: i % 3 === 0 ? undefined : i % 3 }, 0.5 + i)));
      const tickets = send().map(([ticket]) => ticket);
      made.forEach((d, i) => there.decideStart(tickets[i]!, d));
      const got = back();
      expect(there.takeDecisions()).toBeUndefined();
      expect(got).toStrictEqual(made.map((d, i) => {
        const sent = asRead(answer(1000 + i, { kind: 'ok', ...(i % 3 !== 0 && { request: i % 3 }) }, 0.5 + i));
        if (d === undefined) return [sent, undefined];
        const { requestId, ...rest } = d;
        const named = (d.start === 'cold' || d.start === 'proactive') && requestId !== undefined;
        return [sent, { ...rest, ...(named && { requestId }) }];
      }));
    }), params(300));
  });

  it('an outcome other than a plain answer stays on the run\'s thread and comes back whole, once', () => {
    const { client, there, send, back } = across();
    const failed: Outcome = { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: 'e-1', request: 1 };
    client.carry(answer(50, { kind: 'ok', requestId: 'a' }));
    client.carry(answer(60, failed));
    const [[first], [second]] = send();
    there.decideStart(second!, undefined);
    there.decideStart(first!, { start: 'warm', basis: 'b', reason: 'r' });
    const got = back();
    expect(got.map(([a]) => a.outcome)).toStrictEqual([failed, { kind: 'ok' }]);
    expect(got[0]![0].outcome).toStrictEqual(failed);
    expect(() => client.outcomeOf(-2)).toThrow(/not kept/);
  });

  it('decisions past the first columns\' room come back whole, tickets are reused once decided, and the next batch starts afresh', () => {
    const { client, there, send, back } = across();
    const made = (i: number): StartDecision => ({ start: i % 50 === 0 ? 'cold' : 'warm', basis: 'b', reason: `r${i % 3}`, requestId: `id-${i}`, report: { type: 'report', durationMs: i / 4, billedDurationMs: i } });
    const expected = (i: number): StartDecision => {
      const { requestId, ...rest } = made(i);
      return i % 50 === 0 ? { ...rest, requestId } : rest;
    };
    for (let i = 0; i < 3000; i++) client.carry(answer(i, { kind: 'ok', requestId: `id-${i}` }));
    const tickets = send().map(([ticket]) => ticket);
    expect(new Set(tickets).size).toBe(3000);
    tickets.forEach((ticket, i) => there.decideStart(ticket, made(i)));
    expect(back()).toStrictEqual(Array.from({ length: 3000 }, (_, i) => [asRead(answer(i, { kind: 'ok' })), expected(i)]));
    client.carry(answer(7, { kind: 'ok', requestId: 'again-7' }));
    client.carry(answer(9000, { kind: 'ok', requestId: 'again-9000' }));
    const again = send();
    expect(again.map(([ticket]) => tickets.includes(ticket))).toEqual([true, true]);
    there.decideStart(again[0]![0], undefined);
    there.decideStart(again[1]![0], made(9000));
    expect(back()).toStrictEqual([[asRead(answer(7, { kind: 'ok' })), undefined], [asRead(answer(9000, { kind: 'ok' })), expected(9000)]]);
  });

  it('requests reach the reading thread\'s join with their ids and times, which its epochOf turns into epochs', () => {
    const { client, there, send } = across();
    client.carry({ plannedAt: 10, endedAt: 50, latencyMs: 40, serviceMs: 30, outcome: { kind: 'ok', requestId: 'r-7' } });
    client.carry({ plannedAt: 20, endedAt: 60, latencyMs: 40, serviceMs: 35, outcome: { kind: 'ok', frontRequestId: 'f-8' } });
    client.carry({ plannedAt: 30, endedAt: 70, latencyMs: 40, serviceMs: 36, outcome: { kind: 'ok' } });
    expect(client.unsent).toBe(3);
    const seen = send();
    expect(client.unsent).toBe(0);
    expect(seen.map(([, ids]) => ids)).toEqual([{ requestId: 'r-7' }, { frontRequestId: 'f-8' }, {}]);
    const [[t7], [t8], [t9]] = seen;
    expect([there.deferred.plannedAtOf(t8!), there.deferred.endedAtOf(t8!), there.deferred.serviceMsOf(t8!)]).toEqual([20, 60, 35]);
    expect([there.deferred.plannedAtOf(t7!), there.deferred.serviceMsOf(t9!)]).toEqual([10, 36]);
  });

  it('requests come in batches of at most BATCH_ROWS, in order, none grown by a copy; batches given back once read hold the next ones', () => {
    const client = new JoinClient(false);
    const there = new ThreadRecorder();
    const read = (batches: DeferBatch[]): unknown[] => {
      const seen: unknown[] = [];
      for (const batch of batches) there.add(batch, (ticket, ids, row) => seen.push([idsAt(ids, row).requestId, there.deferred.plannedAtOf(ticket), there.deferred.endedAtOf(ticket)]));
      return seen;
    };
    const n = 2 * BATCH_ROWS + 5;
    for (let t = 0; t < n; t++) client.carry(answer(t, { kind: 'ok', requestId: `id-${String(t).padStart(33, '0')}` }));
    expect(client.unsent).toBe(n);
    const first = client.takeBatches()!;
    expect(client.unsent).toBe(0);
    expect(first.map((b) => b.tags.length)).toEqual([BATCH_ROWS, BATCH_ROWS, 5]);
    // Each batch's columns are those it was first written in: of BATCH_ROWS rows, and ids' bytes to spare.
    for (const batch of first) {
      expect(batch.plannedAt.buffer.byteLength).toBe(BATCH_ROWS * 8);
      expect(batch.requestIds.ends.buffer.byteLength).toBe(BATCH_ROWS * 4);
      expect(batch.requestIds.bytes.buffer.byteLength).toBe(BATCH_ROWS * 40);
    }
    const moved = structuredClone(first);
    expect(read(moved)).toEqual(Array.from({ length: n }, (_, t) => [`id-${String(t).padStart(33, '0')}`, t - 2, t]));
    // Written after the take, before any batch came back: new columns.
    for (let t = 0; t < 3; t++) client.carry(answer(100 + t, { kind: 'ok', requestId: `next-${t}` }));
    const second = client.takeBatches()!;
    const back = structuredClone(moved);
    client.recycle(back);
    for (let t = 0; t < 4; t++) client.carry(answer(110 + t, { kind: 'ok', requestId: `third-${t}` }));
    const [third] = client.takeBatches()!;
    const buffers = (b: DeferBatch) => [b.plannedAt.buffer, b.endedAt.buffer, b.serviceMs.buffer, b.tags.buffer, b.requestIds.bytes.buffer, b.requestIds.ends.buffer];
    const given = back.flatMap(buffers);
    for (const buffer of buffers(second[0]!)) expect(given).not.toContain(buffer);
    expect(buffers(third!)).toEqual(buffers(back[2]!));
    expect(read(structuredClone(second))).toEqual([0, 1, 2].map((t) => [`next-${t}`, 98 + t, 100 + t]));
    expect(read(structuredClone([third!]))).toEqual([0, 1, 2, 3].map((t) => [`third-${t}`, 108 + t, 110 + t]));
  });

  it('a batch is given to onFull as it fills, the requests after it wait for the next take', () => {
    const client = new JoinClient(false);
    const sent: DeferBatch[][] = [];
    client.onFull = () => sent.push(client.takeFull());
    for (let t = 0; t < BATCH_ROWS; t++) client.carry(answer(t, { kind: 'ok', requestId: `id-${t}` }));
    // Full, but sent only when the next request needs the room.
    expect(sent).toEqual([]);
    for (let t = BATCH_ROWS; t < 2 * BATCH_ROWS + 3; t++) client.carry(answer(t, { kind: 'ok', requestId: `id-${t}` }));
    expect(sent.map((batches) => batches.map((b) => b.tags.length))).toEqual([[BATCH_ROWS], [BATCH_ROWS]]);
    expect(client.unsent).toBe(3);
    expect(client.takeFull()).toEqual([]);
    const rest = client.takeBatches()!;
    expect(rest.map((b) => b.tags.length)).toEqual([3]);
    const there = new ThreadRecorder();
    const ids: unknown[] = [];
    for (const batch of structuredClone([...sent.flat(), ...rest])) there.add(batch, (ticket, packed, row) => ids.push([idsAt(packed, row).requestId, there.deferred.endedAtOf(ticket)]));
    expect(ids).toEqual(Array.from({ length: 2 * BATCH_ROWS + 3 }, (_, t) => [`id-${t}`, t]));
  });

  it('an id longer than the room kept for it still comes out whole', () => {
    const { client, send } = across();
    const long = 'x'.repeat(BATCH_ROWS * 50);
    client.carry(answer(1, { kind: 'ok', requestId: 'short' }));
    client.carry(answer(2, { kind: 'ok', requestId: long }));
    client.carry(answer(3, { kind: 'ok', requestId: 'é-after' }));
    expect(send().map(([, ids]) => ids.requestId)).toEqual(['short', long, 'é-after']);
  });

  it('every column of both batches is in shared memory: posted, none is detached from its thread', () => {
    const { client, there } = across();
    for (let t = 0; t < 3000; t++) client.carry(answer(t, { kind: 'ok', requestId: `id-${t}`, frontRequestId: `f-${t}` }));
    client.known('k');
    const [requests] = client.takeBatches()!;
    const tickets: number[] = [];
    there.add(requests!, (ticket) => tickets.push(ticket));
    // Past the first columns' room on the reading thread's side.
    for (const ticket of tickets) there.decideStart(ticket, { start: 'warm', basis: 'b', reason: 'r', report: { type: 'report', durationMs: 1 } });
    const decisions: DecisionBatch = there.takeDecisions()!.batch!;
    const columns = [
      ...Object.values(requests!).flatMap((c: DeferBatch[keyof DeferBatch]) => ('ends' in c ? [c.bytes, c.ends] : [c])),
      ...Object.values(decisions).filter((c): c is Exclude<DecisionBatch[keyof DecisionBatch], string[]> => !Array.isArray(c)),
    ];
    expect(columns).toHaveLength(4 + 3 * 2 + 4 + 8);
    for (const column of columns) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    const posted = structuredClone({ requests, decisions });
    expect(requests!.tags.length).toBe(3000);
    expect(posted.decisions.endedAt[2999]).toBe(2999);
    const noFronts = new JoinClient(false);
    noFronts.carry(answer(1, { kind: 'ok', requestId: 'a', frontRequestId: 'f' }));
    const [alone] = noFronts.takeBatches()!;
    expect([alone!.frontIds.bytes.buffer, alone!.frontIds.ends.buffer].map((b) => [b instanceof SharedArrayBuffer, b.byteLength])).toEqual([[true, 0], [true, 0]]);
  });

  it('the reading thread\'s columns grow to the reserve first, then double', () => {
    expect(nextRows(1024)).toBe(RESERVED_ROWS);
    expect(nextRows(RESERVED_ROWS)).toBe(2 * RESERVED_ROWS);
    expect(nextRows(3 * RESERVED_ROWS)).toBe(6 * RESERVED_ROWS);
  });

  it('the reading thread keeps every request past the reserve, and gives each back as handed over', () => {
    const { client, there, send, back } = across();
    const n = RESERVED_ROWS + 1500;
    for (let i = 0; i < n; i++) client.carry({ plannedAt: i, endedAt: i + 0.5, latencyMs: 0.5, serviceMs: i % 7, outcome: { kind: 'ok', request: i % 3 } });
    const tickets = send().map(([ticket]) => ticket);
    expect(tickets).toHaveLength(n);
    let wrong = 0;
    tickets.forEach((t, i) => {
      if (there.deferred.plannedAtOf(t) !== i || there.deferred.endedAtOf(t) !== i + 0.5 || there.deferred.serviceMsOf(t) !== i % 7) wrong++;
    });
    expect(wrong).toBe(0);
    there.decideStart(tickets[n - 1]!, undefined);
    there.decideStart(tickets[0]!, undefined);
    expect(back()).toStrictEqual([
      [{ plannedAt: n - 1, endedAt: n - 0.5, latencyMs: 0.5, serviceMs: (n - 1) % 7, outcome: { kind: 'ok', request: (n - 1) % 3 } }, undefined],
      [{ plannedAt: 0, endedAt: 0.5, latencyMs: 0.5, serviceMs: 0, outcome: { kind: 'ok', request: 0 } }, undefined],
    ]);
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

/** A histogram as a result reads it: every bucket's count (its encoding) and its exact min and max. */
const asResult = (h: Histogram) => ({ counts: encodeHistogram(h), summary: summarize(h) });

describe('plain decisions counted on the reading thread', () => {
  const outcome = fc.constantFrom<Outcome>(
    { kind: 'ok', status: 200, requestId: 'x' },
    { kind: 'ok', status: 200, requestId: 'x' },
    { kind: 'ok', status: 200, requestId: 'x', request: 0 },
    { kind: 'ok', status: 200, requestId: 'x', request: 1 },
    { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: 'x' },
  );

  /**
   * A run's recorder after `requests`, each handed to the join and decided, the decisions going
   * back every `every` decisions: counted on the reading thread as sums (tallied), or each as a row.
   */
  function counted(requests: { outcome: Outcome; decision: StartDecision | undefined; serviceMs: number }[], every: number, tallied: boolean) {
    const recorder = new Recorder(0, new CostAccumulator('arm64', resolvePrices(undefined)), 512, ['a', 'b']);
    const client = new JoinClient(false);
    recorder.startJoin = client;
    const there = new ThreadRecorder();
    if (tallied) there.countPlainHere(tallySetupOf(recorder));
    requests.forEach((r, i) => {
      recorder.sent(i * 40, i * 40);
      recorder.completed({ plannedAt: i * 40, sentAt: i * 40 + 1, endedAt: i * 40 + 1 + r.serviceMs, outcome: r.outcome });
    });
    const tickets: number[] = [];
    for (const batch of structuredClone(client.takeBatches() ?? [])) there.add(batch, (ticket) => tickets.push(ticket));
    let withReport = 0;
    const countBack = () => {
      const decided = there.takeDecisions();
      if (decided !== undefined) withReport += countDecided(structuredClone(decided), client, recorder);
    };
    requests.forEach((r, i) => {
      there.decideStart(tickets[i]!, r.decision);
      if ((i + 1) % every === 0) countBack();
    });
    countBack();
    const cost = recorder.cost!.summary();
    return {
      counts: { ...recorder.counts },
      undecided: recorder.undecided,
      withReport,
      bases: Object.fromEntries(Object.entries(recorder.startBases).map(([kind, m]) => [kind, [...m].sort()])),
      histograms: Object.fromEntries(Object.entries(recorder.histograms).map(([name, h]) => [name, asResult(h)])),
      byName: recorder.requests.map((q) => ({ counts: q.counts, warm: asResult(q.histograms.warm), cold: asResult(q.histograms.cold) })),
      coldStarts: recorder.coldStarts,
      timeline: recorder.timeline.snapshot(),
      invocations: [cost.invocations, cost.unreported],
      gbSeconds: cost.gbSeconds,
    };
  }

  it('the run\'s recorder ends as if each decision had come back as a row: counts, bases, histograms, events, timeline, bill', () => {
    const requests = fc.array(fc.record({ outcome, decision, serviceMs: fc.double({ min: 0, max: 5000, noNaN: true }) }), { maxLength: 80 });
    fc.assert(fc.property(requests, fc.integer({ min: 1, max: 30 }), (made, every) => {
      const { gbSeconds: tallied, ...byTally } = counted(made, every, true);
      const { gbSeconds: rowByRow, ...byRow } = counted(made, every, false);
      expect(byTally).toStrictEqual(byRow);
      // Summed per message, then added: the same sum up to the last bits.
      expect(tallied).toBeCloseTo(rowByRow, 9);
    }), params(300));
  });

  it('plain warm and unknown decisions travel as sums; cold, proactive, errors and named requests as rows', () => {
    const { client, there, send } = across();
    there.countPlainHere({ cost: false, defaultMemoryMB: undefined });
    const warm: StartDecision = { start: 'warm', basis: 'REPORT without Init Duration', reason: 'r', report: { type: 'report', durationMs: 1, billedDurationMs: 1 } };
    const cold: StartDecision = { start: 'cold', basis: 'REPORT Init Duration, caller waited', reason: 'r', requestId: 'c' };
    client.carry(answer(1, { kind: 'ok', requestId: 'a' }));
    client.carry(answer(2, { kind: 'ok', requestId: 'b' }));
    client.carry(answer(3, { kind: 'ok', requestId: 'c' }));
    client.carry(answer(4, { kind: 'ok', requestId: 'd', request: 0 }));
    client.carry(answer(5, { kind: 'error', errorClass: 'http-5xx', status: 502, requestId: 'e' }));
    client.carry(answer(6, { kind: 'ok', requestId: 'f' }));
    const tickets = send().map(([ticket]) => ticket);
    [warm, undefined, cold, warm, warm, { ...warm, start: 'unknown' as const, report: undefined }].forEach((d, i) => there.decideStart(tickets[i]!, d));
    expect(there.decisionsWaiting).toBe(6);
    const decided = there.takeDecisions()!;
    expect(decided.batch?.endedAt).toEqual(new Float64Array([3, 4, 5]));
    expect(decided.tally?.decided).toBe(3);
    expect(decided.tally?.starts).toEqual({ warm: 1, cold: 0, proactive: 0, unknown: 1 });
    expect(decided.tallyWithReport).toBe(1);
    expect(there.takeDecisions()).toBeUndefined();
  });

  it('a tally refuses what sums cannot carry', () => {
    const recorder = new Recorder(0);
    recorder.decided({ plannedAt: 0, endedAt: 1, latencyMs: 1, serviceMs: 1, outcome: { kind: 'ok' } }, { start: 'cold', basis: 'b', reason: 'r' });
    expect(() => recorder.takeTally()).toThrow(/warm and unknown/);
  });

  it('counts taken from a histogram add up as the library adds the histogram, exact min and max included', () => {
    const us = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_600_000_000 }), fc.integer({ min: 1, max: 5000 }));
    fc.assert(fc.property(fc.array(fc.array(us, { maxLength: 50 }), { maxLength: 6 }), (parts) => {
      const added = newHistogram();
      const summed = newHistogram();
      for (const values of parts) {
        const part = newHistogram();
        for (const v of values) part.recordValue(v);
        added.add(part);
        const taken = takeCounts(part);
        expect(part.totalCount).toBe(0);
        if (taken !== undefined) addCounts(summed, structuredClone(taken));
      }
      expect(asResult(summed)).toStrictEqual(asResult(added));
      expect([summed.minNonZeroValue, summed.maxValue]).toStrictEqual([added.minNonZeroValue, added.maxValue]);
    }), params(200));
  });
});
