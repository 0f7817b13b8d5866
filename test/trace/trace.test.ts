import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, traceWindow } from '../../src/trace/index.js';
import type { Trace } from '../../src/trace/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = readFileSync(resolve(ROOT, 'profiles/examples/traces/azure-functions-2019-sample/invocations.csv'), 'utf8');
const DAY = readFileSync(resolve(ROOT, 'test/fixtures/traces/azure-functions-2019-1fn/invocations.csv'), 'utf8');
const HTTP_FN = '6ebf3ebd2876e935950c7a566d8c766d134321276ce922870bfc98d53655709e';

/** The row of a function as the CSV has it, split by hand: the reader must agree with it. */
function countsOf(text: string, fn: string): number[] {
  const row = text.split('\n').find((line) => line.split(',')[2] === fn)!;
  return row.split(',').slice(4).map(Number);
}

const value = <T>(r: { ok: true; value: T } | { ok: false; problem: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.problem));
  return r.value;
};

describe('Azure Functions 2019 invocations (per function, per minute)', () => {
  it('reads a row of the sample, whose minute columns are 480 to 959', () => {
    const trace = value(readTrace(SAMPLE, 'azure-functions-2019', HTTP_FN));
    expect(trace).toEqual({ kind: 'per-minute', counts: countsOf(SAMPLE, HTTP_FN), firstMinuteLabel: 480 });
    expect((trace as { counts: number[] }).counts).toHaveLength(480);
  });

  it('reads a whole day (columns 1 to 1440) as published', () => {
    const fn = DAY.split('\n')[1]!.split(',')[2]!;
    const trace = value(readTrace(DAY, 'azure-functions-2019', fn)) as Extract<Trace, { kind: 'per-minute' }>;
    expect(trace.firstMinuteLabel).toBe(1);
    expect(trace.counts).toHaveLength(1440);
    expect(trace.counts.reduce((a, b) => a + b, 0)).toBe(20_820_188);
  });

  it('finds a function by a unique prefix of its hash', () => {
    expect(value(readTrace(SAMPLE, 'azure-functions-2019', '6ebf3ebd28'))).toEqual(value(readTrace(SAMPLE, 'azure-functions-2019', HTTP_FN)));
  });

  it('says so when the function is not in the trace', () => {
    expect(readTrace(SAMPLE, 'azure-functions-2019', 'deadbeef00')).toMatchObject({
      ok: false,
      problem: { field: 'function', message: expect.stringContaining('no function "deadbeef00" in the trace') as unknown },
    });
    expect(readTrace(SAMPLE, 'azure-functions-2019', '6eb')).toMatchObject({ ok: false, problem: { field: 'function', message: expect.stringContaining('at least its first 6 characters') as unknown } });
  });

  it('refuses a file that is not in the format', () => {
    expect(readTrace('a,b,c\n1,2,3\n', 'azure-functions-2019', HTTP_FN)).toMatchObject({ ok: false, problem: { field: 'file', message: expect.stringContaining('not the Azure Functions 2019 invocations format') as unknown } });
    expect(readTrace('HashOwner,HashApp,HashFunction,Trigger,1,3\n', 'azure-functions-2019', 'x')).toMatchObject({ ok: false, problem: { message: expect.stringContaining('consecutive') as unknown } });
    expect(readTrace('HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,abcdef,http,1,x\n', 'azure-functions-2019', 'abcdef')).toMatchObject({ ok: false, problem: { message: 'line 2, minute 2: expected a count, found "x"' } });
  });
});

describe('plain formats', () => {
  it('reads counts per minute separated by lines, commas or spaces, with comments', () => {
    expect(value(readTrace('# counts\n3, 0 1\n\n7 # busy\n', 'per-minute', undefined))).toEqual({ kind: 'per-minute', counts: [3, 0, 1, 7] });
    expect(readTrace('1\n-2\n', 'per-minute', undefined)).toMatchObject({ ok: false, problem: { message: 'line 2: expected a whole number of invocations, found "-2"' } });
  });

  it('reads timestamps in seconds from the origin, sorted', () => {
    expect(value(readTrace('2.5\n0\n1.25\n', 'timestamps', undefined))).toEqual({ kind: 'timestamps', offsetsMs: [0, 1250, 2500] });
  });

  it('reads ISO date-times relative to the earliest', () => {
    const text = '2019-07-15T10:00:01.500Z\n2019-07-15T10:00:00Z\n2019-07-15T12:00:00+02:00\n';
    expect(value(readTrace(text, 'timestamps', undefined))).toEqual({ kind: 'timestamps', offsetsMs: [0, 0, 1500] });
    expect(readTrace('2019-07-15T10:00:00Z\n12\n', 'timestamps', undefined)).toMatchObject({ ok: false, problem: { message: expect.stringContaining('line 2: expected an ISO 8601 date-time') as unknown } });
  });
});

describe('the window of a trace', () => {
  const perMinute: Trace = { kind: 'per-minute', counts: [1, 2, 3, 4, 5], firstMinuteLabel: 480 };

  it('keeps whole minutes from `from`, to the end by default', () => {
    expect(value(traceWindow(perMinute, 120_000, undefined))).toEqual({ kind: 'per-minute', counts: [3, 4, 5], windowMs: 180_000 });
    expect(value(traceWindow(perMinute, 60_000, 120_000))).toEqual({ kind: 'per-minute', counts: [2, 3], windowMs: 120_000 });
  });

  it('refuses a window outside the trace or across a minute', () => {
    expect(traceWindow(perMinute, 240_000, 120_000)).toMatchObject({ ok: false, problem: { field: 'duration', message: 'the trace holds 5 minutes (columns 480 to 484): from 4m plus 2m runs past its end' } });
    expect(traceWindow(perMinute, 30_000, undefined)).toMatchObject({ ok: false, problem: { field: 'from' } });
    expect(traceWindow(perMinute, 0, 90_000)).toMatchObject({ ok: false, problem: { field: 'duration' } });
  });

  it('keeps the timestamps in the window, relative to its start', () => {
    const t: Trace = { kind: 'timestamps', offsetsMs: [0, 900, 1000, 2500, 4100] };
    expect(value(traceWindow(t, 1000, 2000))).toEqual({ kind: 'timestamps', offsetsMs: [0, 1500], windowMs: 2000 });
    expect(value(traceWindow(t, 0, undefined))).toEqual({ kind: 'timestamps', offsetsMs: [0, 900, 1000, 2500, 4100], windowMs: 5000 });
  });
});
