/**
 * The emulator's CloudWatch Logs API through @aws-sdk/client-cloudwatch-logs: FilterLogEvents
 * returns exactly the platform lines of the invocations in the ground truth (text and JSON,
 * paginated, no duplicates), an event is invisible before its ingestion time, and the service's
 * errors reach the SDK as its own classes. GetLogEvents, DescribeLogStreams, DescribeLogGroups.
 */
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorFor, eventually, filterAll, fn, groundTruth, logsClient, repoRoot } from './helpers.js';

const hello = 'profiles/functions/hello.handler';
const h = emulatorFor({
  text: fn(hello, { logDelayMs: 0 }),
  json: fn(hello, { logDelayMs: 0, logFormat: 'JSON' }),
  late: fn(hello, { logDelayMs: 1500 }),
  chatty: fn('test/emulator/functions/context.handler', { logDelayMs: 0 }),
});

async function invoke(name: string): Promise<string> {
  const out = await h.lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }));
  return out.$metadata.requestId!;
}

/** Three invocations one after the other (cold, warm, warm), then two at once (one more cold). */
async function burst(name: string): Promise<void> {
  for (let i = 0; i < 3; i++) await invoke(name);
  await Promise.all([invoke(name), invoke(name)]);
}

function requestIdOf(message: string): string | undefined {
  if (message.startsWith('{')) return (JSON.parse(message) as { record?: { requestId?: string } }).record?.requestId;
  return /RequestId: ([0-9a-f-]{36})/.exec(message)?.[1];
}

describe('FilterLogEvents', () => {
  it.each([
    ['text', '?"START RequestId" ?"REPORT RequestId"', (m: string) => (m.startsWith('START') ? 'start' : 'report')],
    ['json', '{ $.type = "platform.report" || $.type = "platform.start" }', (m: string) => ((JSON.parse(m) as { type: string }).type === 'platform.start' ? 'start' : 'report')],
  ] as const)('returns exactly the START and REPORT lines of every %s invocation, over several pages', async (name, filterPattern, kind) => {
    await burst(name);
    const truth = (await groundTruth(h.emu.endpoint)).filter((i) => i.function === name);
    expect(truth).toHaveLength(5);
    const streamOf = new Map(h.emu.environments().map((e) => [e.id, e.logStreamName]));
    const { events, pages } = await filterAll(h.logs, { logGroupName: `/aws/lambda/${name}`, filterPattern, limit: 3 });

    expect(pages).toBeGreaterThanOrEqual(4); // 10 events, 3 a page
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp!)].sort((a, b) => a - b));
    for (const kindName of ['start', 'report'] as const) {
      const ids = events.filter((e) => kind(e.message!) === kindName).map((e) => requestIdOf(e.message!));
      expect(ids.sort()).toEqual(truth.map((t) => t.requestId).sort());
    }
    for (const t of truth) {
      const mine = events.filter((e) => requestIdOf(e.message!) === t.requestId);
      expect(new Set(mine.map((e) => e.logStreamName))).toEqual(new Set([streamOf.get(t.environmentId!)]));
      const report = mine.find((e) => kind(e.message!) === 'report')!.message!;
      expect(/Init Duration|initDurationMs/.test(report)).toBe(t.firstInEnvironment);
    }
    expect(truth.filter((t) => t.firstInEnvironment).length).toBeGreaterThanOrEqual(1);
    expect(truth.filter((t) => !t.firstInEnvironment).length).toBeGreaterThanOrEqual(2);

    // Without a pattern: every platform line, one INIT_START per environment and one END each.
    const all = (await filterAll(h.logs, { logGroupName: `/aws/lambda/${name}` })).events.map((e) => e.message!);
    const type = (m: string) => (m.startsWith('{') ? (JSON.parse(m) as { type: string }).type : m.split(' ')[0]!);
    const count = (t: string) => all.filter((m) => type(m) === t).length;
    const envs = h.emu.environments().filter((e) => e.function === name).length;
    expect(name === 'text' ? [count('INIT_START'), count('START'), count('END'), count('REPORT')] : [count('platform.initStart'), count('platform.start'), count('platform.runtimeDone'), count('platform.report')]).toEqual([envs, 5, 5, 5]);
    expect(all).toHaveLength(envs + 15);
  });

  it('filters by time (startTime and endTime inclusive), stream name and prefix', async () => {
    await invoke('text');
    const { events } = await filterAll(h.logs, { logGroupName: '/aws/lambda/text' });
    const mid = events[Math.floor(events.length / 2)]!;
    const from = await filterAll(h.logs, { logGroupName: '/aws/lambda/text', startTime: mid.timestamp });
    expect(from.events.every((e) => e.timestamp! >= mid.timestamp!)).toBe(true);
    expect(from.events.map((e) => e.eventId)).toContain(mid.eventId);
    const upTo = await filterAll(h.logs, { logGroupName: '/aws/lambda/text', endTime: mid.timestamp });
    expect(upTo.events.map((e) => e.eventId)).toContain(mid.eventId);
    expect(upTo.events.length + from.events.length).toBe(events.length + events.filter((e) => e.timestamp === mid.timestamp).length);
    const byName = await filterAll(h.logs, { logGroupName: '/aws/lambda/text', logStreamNames: [mid.logStreamName!] });
    expect(byName.events.length).toBeGreaterThan(0);
    expect(byName.events.every((e) => e.logStreamName === mid.logStreamName)).toBe(true);
    const byPrefix = await filterAll(h.logs, { logGroupName: '/aws/lambda/text', logStreamNamePrefix: 'nothing-starts-like-this' });
    expect(byPrefix.events).toEqual([]);
  });

  it('returns the same eventId for the same event on every call', async () => {
    const a = await filterAll(h.logs, { logGroupName: '/aws/lambda/text' });
    const b = await filterAll(h.logs, { logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/text:*' });
    expect(b.events.slice(0, a.events.length).map((e) => e.eventId)).toEqual(a.events.map((e) => e.eventId));
    expect(a.events.every((e) => /^\d{56}$/.test(e.eventId!))).toBe(true);
  });

  it('does not return an event before its ingestion time, then returns it', async () => {
    const requestId = await invoke('late');
    const report = `"REPORT RequestId: ${requestId}"`;
    const early = await h.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/late', filterPattern: report }));
    expect(early.events).toEqual([]);
    const seen = await eventually(async () => {
      const page = await h.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/late', filterPattern: report }));
      return page.events?.[0] !== undefined ? { event: page.events[0], at: Date.now() } : undefined;
    });
    expect(seen.event.ingestionTime! - seen.event.timestamp!).toBe(1500);
    expect(seen.at).toBeGreaterThanOrEqual(seen.event.ingestionTime!);
  });

  it('answers a missing log group with ResourceNotFoundException and bad input with InvalidParameterException', async () => {
    const err = (input: Record<string, unknown>) => h.logs.send(new FilterLogEventsCommand(input)).then(() => undefined, (e: Error) => e);
    expect(await err({ logGroupName: '/aws/lambda/nope' })).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(await err({ logGroupName: '/aws/lambda/text', limit: 0 })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await err({ logGroupName: '/aws/lambda/text', filterPattern: '%REPORT%' })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await err({ logGroupName: '/aws/lambda/text', logStreamNames: ['a'], logStreamNamePrefix: 'a' })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await err({ logGroupName: '/aws/lambda/text', logGroupIdentifier: '/aws/lambda/text' })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await err({ logGroupName: '/aws/lambda/text', nextToken: 'not-a-token' })).toMatchObject({ name: 'InvalidParameterException' });
    const unknown = await h.logs.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/text', logStreamName: 's', logEvents: [] })).then(() => undefined, (e: Error) => e);
    expect(unknown).toMatchObject({ name: 'UnknownOperationException' });
  });
});

describe('the Logs API rate', () => {
  it('throttles calls past logsApiRatePerSec with ThrottlingException, then answers again', async () => {
    const e = await startEmulator({ baseDir: repoRoot, accountConcurrency: 5, functions: { f: fn(hello) } }, { logsApiRatePerSec: 0.5 });
    const cw = logsClient(e.endpoint);
    try {
      const call = () => cw.send(new DescribeLogGroupsCommand({})).then(() => 'ok', (err: Error) => err.name);
      // One request every 2 s, with a burst of one.
      expect([await call(), await call()]).toEqual(['ok', 'ThrottlingException']);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await call()).toBe('ok');
    } finally {
      cw.destroy();
      await e.close();
    }
  });
});

describe('GetLogEvents', () => {
  it('reads one stream from the head or the tail, with forward and backward tokens', async () => {
    await invoke('chatty');
    const stream = h.emu.environments().find((e) => e.function === 'chatty')!.logStreamName!;
    const all = await filterAll(h.logs, { logGroupName: '/aws/lambda/chatty', logStreamNames: [stream] });
    const messages = all.events.map((e) => e.message);
    expect(messages[0]).toMatch(/^INIT_START /);
    expect(messages.some((m) => /\tINFO\thello from the handler/.test(m!))).toBe(true);
    expect(messages.at(-1)).toMatch(/^REPORT /);

    const read: string[] = [];
    let token: string | undefined;
    let calls = 0;
    for (; calls < 50; calls++) {
      const page = await h.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/chatty', logStreamName: stream, startFromHead: true, limit: 2, ...(token && { nextToken: token }) }));
      read.push(...(page.events ?? []).map((e) => e.message!));
      if (page.nextForwardToken === token) break; // the end: the same token comes back
      token = page.nextForwardToken;
    }
    expect(read).toEqual(messages);
    expect(calls).toBe(Math.ceil(messages.length / 2)); // the call after the last full page returns nothing and the same token

    const tail = await h.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/chatty', logStreamName: stream, limit: 1 }));
    expect(tail.events?.map((e) => e.message)).toEqual([messages.at(-1)]);
    const before = await h.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/chatty', logStreamName: stream, limit: 1, nextToken: tail.nextBackwardToken }));
    expect(before.events?.map((e) => e.message)).toEqual([messages.at(-2)]);

    const missing = await h.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/chatty', logStreamName: 'nope' })).then(() => undefined, (e: Error) => e);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('DescribeLogStreams and DescribeLogGroups', () => {
  it('lists streams by name or by last event time, with pages', async () => {
    await invoke('json');
    const envs = h.emu.environments().filter((e) => e.function === 'json');
    expect(envs.length).toBeGreaterThanOrEqual(2);
    const byName = await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/json' }));
    const names = byName.logStreams!.map((s) => s.logStreamName);
    expect(names).toEqual(envs.map((e) => e.logStreamName).sort());
    const newest = await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/json', orderBy: 'LastEventTime', descending: true, limit: 1 }));
    const lastTimes = byName.logStreams!.map((s) => s.lastEventTimestamp!);
    expect(newest.logStreams![0]!.lastEventTimestamp).toBe(Math.max(...lastTimes));
    expect(newest.nextToken).toBeDefined();
    const second = await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/json', orderBy: 'LastEventTime', descending: true, limit: 1, nextToken: newest.nextToken }));
    expect(second.logStreams![0]!.logStreamName).not.toBe(newest.logStreams![0]!.logStreamName);
    const bad = await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/json', orderBy: 'LastEventTime', logStreamNamePrefix: '2' })).then(() => undefined, (e: Error) => e);
    expect(bad).toMatchObject({ name: 'InvalidParameterException' });
    expect(byName.logStreams![0]).toMatchObject({ arn: `arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/json:log-stream:${names[0]}` });
  });

  it('lists the log groups of every function and of its API Gateway front, in name order', async () => {
    const fns = await h.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
    expect(fns.logGroups!.map((g) => g.logGroupName)).toEqual(['/aws/lambda/chatty', '/aws/lambda/json', '/aws/lambda/late', '/aws/lambda/text']);
    const fronts = await h.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/apigateway/', limit: 3 }));
    expect(fronts.logGroups!.map((g) => g.logGroupName)).toEqual(['/aws/apigateway/chatty', '/aws/apigateway/json', '/aws/apigateway/late']);
    const rest = await h.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/apigateway/', limit: 3, nextToken: fronts.nextToken }));
    expect(rest.logGroups!.map((g) => g.logGroupName)).toEqual(['/aws/apigateway/text']);
    expect(rest.nextToken).toBeUndefined();
    expect(fns.logGroups![0]).toMatchObject({ arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/chatty:*', logGroupClass: 'STANDARD' });
  });
});
