/** Pure parts of the emulator: log line formats, billing, the log tail, limits, names. */
import { describe, expect, it } from 'vitest';
import { Account, TokenBucket, type ConcurrencyUser } from '../../src/emulator/concurrency.js';
import { parseFunctionName } from '../../src/emulator/core.js';
import { billedDurationMs, formatInitReport, formatReport, LOG_TAIL_BYTES, LogTail } from '../../src/emulator/logs.js';
import { splitHandler } from '../../src/emulator/spawn-spec.js';

const id = '8f5e3f5e-1f5e-4a3b-9a8e-2b6f2f0f6e11';

describe('REPORT line', () => {
  it.each([
    [
      'warm',
      { requestId: id, durationMs: 1.234, billedDurationMs: 2, memorySizeMB: 128, maxMemoryUsedMB: 40, status: 'success' as const },
      `REPORT RequestId: ${id}\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n`,
    ],
    [
      'cold',
      { requestId: id, durationMs: 10, billedDurationMs: 131, memorySizeMB: 256, maxMemoryUsedMB: 60, initDurationMs: 120.456, status: 'success' as const },
      `REPORT RequestId: ${id}\tDuration: 10.00 ms\tBilled Duration: 131 ms\tMemory Size: 256 MB\tMax Memory Used: 60 MB\tInit Duration: 120.46 ms\t\n`,
    ],
    [
      'timeout',
      { requestId: id, durationMs: 3000.5, billedDurationMs: 3001, memorySizeMB: 128, maxMemoryUsedMB: 50, status: 'timeout' as const, errorType: 'Sandbox.Timedout' },
      `REPORT RequestId: ${id}\tDuration: 3000.50 ms\tBilled Duration: 3001 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: timeout\t\n`,
    ],
    [
      'exit',
      { requestId: id, durationMs: 5, billedDurationMs: 5, memorySizeMB: 128, maxMemoryUsedMB: 50, status: 'error' as const, errorType: 'Runtime.ExitError' },
      `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: error\tError Type: Runtime.ExitError\t\n`,
    ],
    [
      'handler error (no Status)',
      { requestId: id, durationMs: 5, billedDurationMs: 5, memorySizeMB: 128, maxMemoryUsedMB: 50, status: 'error' as const, errorType: 'Error', reportedByRuntime: true },
      `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n`,
    ],
  ])('text, %s', (_label, fields, expected) => {
    expect(formatReport('Text', fields)).toBe(expected);
  });

  it('JSON carries the metrics with init', () => {
    const line = formatReport('JSON', { requestId: id, durationMs: 1.234, billedDurationMs: 12, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 10.5, status: 'success' }, new Date(0));
    expect(JSON.parse(line)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      type: 'platform.report',
      record: { requestId: id, status: 'success', metrics: { durationMs: 1.23, billedDurationMs: 12, memorySizeMB: 128, maxMemoryUsedMB: 40, initDurationMs: 10.5 } },
    });
  });

  it('INIT_REPORT', () => {
    expect(formatInitReport('Text', { initDurationMs: 1236.04, phase: 'init', status: 'timeout' })).toBe('INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout\n');
    expect(formatInitReport('Text', { initDurationMs: 3, phase: 'invoke', status: 'error', errorType: 'Runtime.ExitError' })).toBe(
      'INIT_REPORT Init Duration: 3.00 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError\n',
    );
  });
});

describe('billedDurationMs', () => {
  it.each([
    [0.2, undefined, 1],
    [1.0, undefined, 1],
    [1.01, undefined, 2],
    [10.5, 100.2, 111],
    [0, 0, 1],
  ])('ceil(%s + %s) = %s', (d, init, expected) => {
    expect(billedDurationMs(d, init)).toBe(expected);
  });
});

describe('LogTail', () => {
  it('keeps exactly the last 4 KB however much is pushed', () => {
    const t = new LogTail();
    for (let i = 0; i < 1000; i++) t.push(Buffer.from(`line ${i}\n`.padStart(100, '.')));
    const out = t.tail();
    expect(out.length).toBe(LOG_TAIL_BYTES);
    expect(out.toString().endsWith('line 999\n')).toBe(true);
  });
  it('returns short logs whole', () => {
    const t = new LogTail();
    t.push(Buffer.from('a'));
    t.push(Buffer.from('b'));
    expect(t.tail().toString()).toBe('ab');
  });
});

describe('Account', () => {
  const user = (reserved: number | undefined, active: number): ConcurrencyUser => ({ reserved, active });
  it.each([
    ['reserved has room', [user(2, 1)], 0, 10, undefined],
    ['reserved full', [user(2, 2)], 0, 10, 'ReservedFunctionConcurrentInvocationLimitExceeded'],
    ['reserved zero', [user(0, 0)], 0, 10, 'ReservedFunctionConcurrentInvocationLimitExceeded'],
    ['unreserved has room', [user(undefined, 0), user(5, 0)], 4, 10, undefined],
    ['unreserved pool = account minus reservations', [user(undefined, 0), user(5, 0)], 5, 10, 'ConcurrentInvocationLimitExceeded'],
  ])('%s', (_label, users, unreservedActive, limit, expected) => {
    const account = new Account(limit, () => users);
    for (let i = 0; i < unreservedActive; i++) account.acquire({ reserved: undefined, active: 0 });
    expect(account.check(users[0]!)).toBe(expected);
  });
});

describe('TokenBucket', () => {
  it('allows a second of burst, then refills at the rate', () => {
    const b = new TokenBucket(2, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(400)).toBe(false); // 0.8 token
    expect(b.take(500)).toBe(true); // 1.0 token
    expect(b.take(10_000)).toBe(true); // capped at 2, not 19
    expect(b.take(10_000)).toBe(true);
    expect(b.take(10_000)).toBe(false);
  });
});

describe('names', () => {
  it.each([
    ['hello', { name: 'hello', qualifier: undefined }],
    ['hello:$LATEST', { name: 'hello', qualifier: '$LATEST' }],
    ['123456789012:function:hello', { name: 'hello', qualifier: undefined }],
    ['arn:aws:lambda:us-east-1:123456789012:function:hello:live', { name: 'hello', qualifier: 'live' }],
  ])('parseFunctionName(%s)', (raw, expected) => {
    expect(parseFunctionName(raw)).toEqual(expected);
  });

  it.each([
    ['functions/hello.handler', '/p/functions', 'hello.handler'],
    ['index.handler', '/p', 'index.handler'],
    ['src/lib/app.handlers.main', '/p/src/lib', 'app.handlers.main'],
    ['v1.2/app.handler', '/p/v1.2', 'app.handler'],
  ])('splitHandler(%s)', (handler, taskRoot, handlerName) => {
    expect(splitHandler('/p', handler)).toEqual({ taskRoot, handlerName });
  });
});
