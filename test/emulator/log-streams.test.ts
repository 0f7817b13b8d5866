/**
 * How an environment's output becomes CloudWatch Logs events (one per line, whatever the pipe's
 * chunking), how stream names are made, and the log store's order, ids and cap.
 */
import { describe, expect, it } from 'vitest';
import { eventId, LogStore, MAX_EVENT_BYTES } from '../../src/emulator/cloudwatch/log-store.js';
import { EnvironmentLog, newLogStreamName } from '../../src/emulator/log-streams.js';

function setup(dropPlatformInfo = false) {
  const store = new LogStore({ maxEvents: 1000, maxBytes: 10 * 1024 * 1024 });
  const log = new EnvironmentLog({ store, group: 'g', delayMs: 0, dropPlatformInfo }, 's');
  const messages = () => {
    const list = store.group('g')?.events;
    const out: string[] = [];
    for (let i = list?.start ?? 0; i < (list?.end ?? 0); i++) out.push(list!.at(i)!.message);
    return out;
  };
  return { store, log, messages };
}

describe('lines of output', () => {
  it('makes one event per line, however the pipe cuts the bytes', () => {
    const { log, messages } = setup();
    const bytes = Buffer.from('first line\nsecond ünïcödé line\n\nthird');
    for (let i = 0; i < bytes.length; i += 3) log.output(bytes.subarray(i, i + 3), 'stdout'); // cuts inside multi-byte characters
    expect(messages()).toEqual(['first line', 'second ünïcödé line']);
    log.flush();
    expect(messages()).toEqual(['first line', 'second ünïcödé line', 'third']);
  });

  it('keeps stdout and stderr lines apart', () => {
    const { log, messages } = setup();
    log.output(Buffer.from('out-a'), 'stdout');
    log.output(Buffer.from('err\n'), 'stderr');
    log.output(Buffer.from('-b\n'), 'stdout');
    expect(messages()).toEqual(['err', 'out-a-b']);
  });

  it('cuts a line longer than an event into 256 KB pieces', () => {
    const { log, messages } = setup();
    log.output(Buffer.alloc(MAX_EVENT_BYTES * 2 + 10, 'y'), 'stdout');
    log.output(Buffer.from('\n'), 'stdout');
    expect(messages().map((m) => m.length)).toEqual([MAX_EVENT_BYTES, MAX_EVENT_BYTES, 10]);
  });

  it('drops INFO platform lines with SystemLogLevel WARN, keeps error lines and output', () => {
    const { log, messages } = setup(true);
    log.platform('START RequestId: x Version: $LATEST\n');
    log.platform('RequestId: x Error: Runtime exited with error: exit status 1\nRuntime.ExitError\n', 'error');
    log.output(Buffer.from('app\n'), 'stdout');
    expect(messages()).toEqual(['RequestId: x Error: Runtime exited with error: exit status 1', 'Runtime.ExitError', 'app']);
  });
});

describe('stream names', () => {
  it('follows Lambda: [$LATEST]<32 hex> in the default group, <fn>[$LATEST]<32 hex> in a custom one', () => {
    const at = new Date('2026-03-04T23:59:59Z');
    expect(newLogStreamName('fn', '/aws/lambda/fn', at)).toMatch(/^2026\/03\/04\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(newLogStreamName('fn', '/shared', at)).toMatch(/^2026\/03\/04\/fn\[\$LATEST\][0-9a-f]{32}$/);
    expect(newLogStreamName('fn', '/aws/lambda/fn', at)).not.toBe(newLogStreamName('fn', '/aws/lambda/fn', at));
  });
});

describe('the log store', () => {
  it('orders a group by timestamp even when the clock stepped back, and ids sort the same way', () => {
    const store = new LogStore({ maxEvents: 100, maxBytes: 1e6 });
    store.put('g', 'a', 2000, 'second', 0);
    store.put('g', 'b', 1000, 'first', 0);
    store.put('g', 'a', 3000, 'third', 0);
    const list = store.group('g')!.events;
    const events = [0, 1, 2].map((i) => list.at(list.start + i)!);
    expect(events.map((e) => e.message)).toEqual(['first', 'second', 'third']);
    const ids = events.map(eventId);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^\d{56}$/.test(id))).toBe(true);
  });

  it('drops the oldest events past maxBytes too', () => {
    const store = new LogStore({ maxEvents: 100, maxBytes: 25 });
    for (const m of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc']) store.put('g', 's', Date.now(), m, 0);
    expect(store.stats()).toEqual({ stored: 2, dropped: 1, bytes: 20 });
  });
});
