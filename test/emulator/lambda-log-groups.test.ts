/**
 * Where a function's lines go in the emulator's CloudWatch Logs: Lambda's group and stream names
 * (default and custom groups), what the environment is told, log levels (SystemLogLevel WARN keeps
 * platform lines out of CloudWatch but not out of the Invoke tail), LoggingConfig, and the store's
 * cap on memory.
 */
import { DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, InvokeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { client, emulatorFor, filterAll, fn, logsClient, repoRoot, tail, text } from './helpers.js';

const chatty = 'test/emulator/functions/context.handler';
const DAY = /^\d{4}\/\d{2}\/\d{2}\//;
const h = emulatorFor({
  plain: fn(chatty, { logDelayMs: 0 }),
  shared1: fn(chatty, { logDelayMs: 0, logGroup: '/app/shared' }),
  shared2: fn(chatty, { logDelayMs: 0, logGroup: '/app/shared' }),
  quiet: fn(chatty, { logDelayMs: 0, logFormat: 'JSON', systemLogLevel: 'WARN' }),
  warnApp: fn(chatty, { logDelayMs: 0, logFormat: 'JSON', applicationLogLevel: 'ERROR' }),
  moved: fn(chatty, { logDelayMs: 0 }),
});

async function invoke(name: string) {
  const out = await h.lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}', LogType: 'Tail' }));
  return { requestId: out.$metadata.requestId!, body: JSON.parse(text(out.Payload)) as Record<string, unknown>, tail: tail(out.LogResult) };
}

describe('log groups and streams', () => {
  it('writes to /aws/lambda/<fn>, one YYYY/MM/DD/[$LATEST]<32 hex> stream per environment, the one the function is told', async () => {
    const a = await invoke('plain');
    await Promise.all([invoke('plain'), invoke('plain')]); // a second environment
    const envs = h.emu.environments().filter((e) => e.function === 'plain');
    expect(envs.length).toBe(2);
    const streams = await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/plain' }));
    expect(streams.logStreams!.map((s) => s.logStreamName).sort()).toEqual(envs.map((e) => e.logStreamName).sort());
    for (const s of streams.logStreams!) expect(s.logStreamName).toMatch(new RegExp(`${DAY.source}\\[\\$LATEST\\][0-9a-f]{32}$`));
    expect(a.body).toMatchObject({ logGroupName: '/aws/lambda/plain', logStreamName: envs[0]!.logStreamName });
    expect(h.emu.logGroup('plain')).toBe('/aws/lambda/plain');
    const { events } = await filterAll(h.logs, { logGroupName: '/aws/lambda/plain', logStreamNames: [envs[0]!.logStreamName!] });
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^INIT_START Runtime Version: /),
      `START RequestId: ${a.requestId} Version: $LATEST`,
      expect.stringMatching(new RegExp(`\\t${a.requestId}\\tINFO\\thello from the handler \\{ n: 1 \\}$`)),
      expect.stringMatching(new RegExp(`\\t${a.requestId}\\tERROR\\tan error line$`)),
      `END RequestId: ${a.requestId}`,
      expect.stringMatching(new RegExp(`^REPORT RequestId: ${a.requestId}\\t.*Init Duration: `)),
    ]));
  });

  it('puts the function name in the stream name in a custom group shared by several functions', async () => {
    const one = await invoke('shared1');
    await invoke('shared2');
    const streams = (await h.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/app/shared' }))).logStreams!.map((s) => s.logStreamName!);
    expect(streams).toHaveLength(2);
    expect(streams.find((s) => s.includes('shared1'))).toMatch(new RegExp(`${DAY.source}shared1\\[\\$LATEST\\][0-9a-f]{32}$`));
    expect(streams.find((s) => s.includes('shared2'))).toMatch(new RegExp(`${DAY.source}shared2\\[\\$LATEST\\][0-9a-f]{32}$`));
    expect(one.body).toMatchObject({ logGroupName: '/app/shared' });
    const config = await h.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'shared1' }));
    expect(config.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/app/shared' });
  });
});

describe('log levels', () => {
  it('SystemLogLevel WARN keeps the platform lines out of CloudWatch Logs, not out of the Invoke tail', async () => {
    const { requestId, tail: logTail } = await invoke('quiet');
    expect(logTail).toContain('"type":"platform.report"');
    const { events } = await filterAll(h.logs, { logGroupName: '/aws/lambda/quiet' });
    const types = events.map((e) => (JSON.parse(e.message!) as { type?: string; level?: string }).type ?? 'app');
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => t === 'app')).toBe(true);
    expect(events.some((e) => e.message!.includes(requestId))).toBe(true);
    const report = await filterAll(h.logs, { logGroupName: '/aws/lambda/quiet', filterPattern: '{ $.type = "platform.report" }' });
    expect(report.events).toEqual([]);
    const config = await h.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'quiet' }));
    expect(config.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: '/aws/lambda/quiet' });
  });

  it('ApplicationLogLevel drops the records below it, in the tail and in CloudWatch', async () => {
    const { tail: logTail } = await invoke('warnApp');
    expect(logTail).toContain('an error line');
    expect(logTail).not.toContain('hello from the handler');
    const { events } = await filterAll(h.logs, { logGroupName: '/aws/lambda/warnApp', filterPattern: '{ $.level = * }' });
    expect(events.map((e) => (JSON.parse(e.message!) as { level: string }).level)).toEqual(['ERROR']);
  });
});

describe('UpdateFunctionConfiguration', () => {
  it('moves the logs to a new group with new levels; levels without JSON are refused', async () => {
    const refused = await h.lambda
      .send(new UpdateFunctionConfigurationCommand({ FunctionName: 'moved', LoggingConfig: { SystemLogLevel: 'WARN' } }))
      .then(() => undefined, (e: Error) => e.name);
    expect(refused).toBe('InvalidParameterValueException');
    await h.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'moved', LoggingConfig: { LogFormat: 'JSON', LogGroup: '/moved/here', SystemLogLevel: 'WARN' } }));
    await new Promise((r) => setTimeout(r, 100)); // LastUpdateStatus InProgress -> Successful
    const { requestId } = await invoke('moved');
    const config = await h.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'moved' }));
    expect(config.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: '/moved/here' });
    expect(h.emu.logGroup('moved')).toBe('/moved/here');
    const { events } = await filterAll(h.logs, { logGroupName: '/moved/here' });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.message!.includes(requestId) && !e.message!.includes('"type":"platform.'))).toBe(true);
    expect(events[0]!.logStreamName).toMatch(/\/moved\[\$LATEST\][0-9a-f]{32}$/);
  });
});

describe('memory', () => {
  it('keeps at most maxLogEvents events, dropping the oldest and counting them', async () => {
    const small = await startEmulator(
      { baseDir: repoRoot, accountConcurrency: 10, functions: { f: fn('profiles/functions/hello.handler', { logDelayMs: 0 }) } },
      { maxLogEvents: 20 },
    );
    const l = client(small.endpoint);
    const cw = logsClient(small.endpoint);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await l.send(new InvokeCommand({ FunctionName: 'f', Payload: '{}' }))).$metadata.requestId!);
      // 10 invocations: INIT_START once, then START, END, REPORT each = 31 events.
      expect(small.logStats()).toMatchObject({ stored: 20, dropped: 11 });
      const { events } = await filterAll(cw, { logGroupName: '/aws/lambda/f' });
      expect(events).toHaveLength(20);
      const reports = events.filter((e) => e.message!.startsWith('REPORT')).map((e) => /RequestId: (\S+)/.exec(e.message!)![1]);
      expect(reports).toEqual(ids.slice(-reports.length));
      expect(reports.at(-1)).toBe(ids.at(-1));
      expect(events.some((e) => e.message!.startsWith('INIT_START'))).toBe(false);
    } finally {
      l.destroy();
      cw.destroy();
      await small.close();
    }
  });
});
