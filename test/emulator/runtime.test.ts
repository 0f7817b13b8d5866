/**
 * What a handler sees and how its output comes back: the Node runtime (ESM / CommonJS, callback
 * handlers, dotted exports, context, environment, console prefixes), a custom bootstrap, the JSON
 * log format, the Function URL front, the control plane and the per-function log file.
 */
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { client, fn, functionsDir, tail, text, truthFor } from './helpers.js';

let emu: Emulator;
let lambda: LambdaClient;
const logDir = mkdtempSync(join(tmpdir(), 'coldbench-emulator-'));

beforeAll(async () => {
  emu = await startEmulator(
    {
      baseDir: functionsDir,
      accountConcurrency: 50,
      functions: {
        ctx: fn('context.handler', { memoryMB: 192, environment: { MY_VAR: 'mine', TZ: 'Europe/Paris' } }),
        legacy: fn('legacy.api.handle'),
        legacyFails: fn('legacy.fails'),
        nested: fn('nested/lib/deep.handler'),
        missing: fn('nothere.handler'),
        custom: fn('my.handler', { bootstrap: 'custom/bootstrap' }),
        json: fn('context.handler', { logFormat: 'JSON' }),
        url: fn('url.handler'),
      },
    },
    { logDir },
  );
  lambda = client(emu.endpoint);
});

afterAll(async () => {
  lambda?.destroy();
  await emu?.close();
  rmSync(logDir, { recursive: true, force: true });
});

async function invoke(name: string, payload: unknown = {}, extra: { ClientContext?: string } = {}) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload), ...extra }));
  return { out, body: JSON.parse(text(out.Payload)) as Record<string, any>, log: tail(out.LogResult) };
}

describe('Node runtime', () => {
  it('gives the handler Lambda context, environment and working directory', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
    const { out, body } = await invoke('ctx', { a: 1 }, { ClientContext: clientContext });
    expect(body).toMatchObject({
      awsRequestId: out.$metadata.requestId,
      functionName: 'ctx',
      functionVersion: '$LATEST',
      memoryLimitInMB: '192',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ctx',
      logGroupName: '/aws/lambda/ctx',
      callbackWaitsForEmptyEventLoop: true,
      clientContext: { custom: { k: 'v' } },
      cwd: functionsDir.replace(/\/$/, ''),
      event: { a: 1 },
    });
    expect(body['logStreamName']).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(body['remainingMs']).toBeGreaterThan(1000);
    expect(body['remainingMs']).toBeLessThanOrEqual(3000);
    expect(body['env']).toMatchObject({
      LAMBDA_TASK_ROOT: functionsDir.replace(/\/$/, ''),
      _HANDLER: 'context.handler',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '192',
      AWS_REGION: 'us-east-1',
      TZ: ':UTC', // reserved variables win over the function's own
      MY_VAR: 'mine',
    });
    expect(body['env'].AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    // Memory size is the V8 heap limit (old space plus a little young space).
    expect(body['heapLimitMB']).toBeGreaterThanOrEqual(192);
    expect(body['heapLimitMB']).toBeLessThan(300);
  });

  it('prefixes console output as Lambda does, inside the invocation log', async () => {
    const { out, log } = await invoke('ctx');
    const id = out.$metadata.requestId!;
    expect(log).toMatch(new RegExp(`\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tINFO\\thello from the handler { n: 1 }\\n`));
    expect(log).toMatch(new RegExp(`\\t${id}\\tERROR\\tan error line\\n`));
    expect(log.indexOf('hello from the handler')).toBeGreaterThan(log.indexOf('START RequestId'));
    expect(log.indexOf('hello from the handler')).toBeLessThan(log.indexOf('END RequestId'));
  });

  it('runs a CommonJS callback handler with a dotted export path', async () => {
    const { out, body } = await invoke('legacy', { x: 2 });
    expect(out.FunctionError).toBeUndefined();
    expect(body).toEqual({ style: 'callback', requestId: out.$metadata.requestId, echo: { x: 2 } });
  });

  it('returns a callback error as an Unhandled function error with a trace', async () => {
    const { out, body, log } = await invoke('legacyFails');
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toMatchObject({ errorType: 'TypeError', errorMessage: 'callback error' });
    expect(Array.isArray(body['trace'])).toBe(true);
    expect(log).toContain('\tERROR\tInvoke Error \t{"errorType":"TypeError"');
    // A handler's own error is not a platform failure: REPORT has no Status field.
    expect(log).not.toContain('Status:');
  });

  it('loads a handler from a nested folder, which becomes the task root', async () => {
    const { body } = await invoke('nested');
    expect(body).toEqual({ where: 'nested/lib/deep.mjs', cwd: join(functionsDir, 'nested/lib') });
  });

  it('reports a missing handler module as Runtime.ImportModuleError', async () => {
    const { out, body } = await invoke('missing');
    expect(out.FunctionError).toBe('Unhandled');
    expect(body['errorType']).toBe('Runtime.ImportModuleError');
  });
});

describe('custom runtime', () => {
  it('runs a bootstrap executable over the Runtime API, cold then warm', async () => {
    const first = await invoke('custom', { n: 1 });
    const second = await invoke('custom', { n: 2 });
    expect(first.body).toEqual({ custom: true, handler: 'my.handler', echo: { n: 1 }, cwd: join(functionsDir, 'custom') });
    expect(first.log).toContain('INIT_START Runtime Version: provided:al2023');
    expect(first.log).toContain(`custom runtime got ${first.out.$metadata.requestId}`);
    expect(first.log).toContain('Init Duration');
    expect(second.log).not.toContain('Init Duration');
  });
});

describe('JSON log format', () => {
  it('writes platform events and application logs as JSON lines', async () => {
    const { out, log } = await invoke('json');
    const events = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const types = events.filter((e) => e['type'] !== undefined).map((e) => e['type']);
    expect(types).toEqual(['platform.initStart', 'platform.start', 'platform.runtimeDone', 'platform.report']);
    const report = events.find((e) => e['type'] === 'platform.report')!;
    expect(report['record']).toMatchObject({ requestId: out.$metadata.requestId, status: 'success', metrics: { memorySizeMB: 128 } });
    expect(report['record'].metrics.initDurationMs).toBeGreaterThan(0);
    // Billed = ceil(duration + init) of the unrounded values; the logged ones are rounded to 0.01.
    const m = report['record'].metrics as { durationMs: number; initDurationMs: number; billedDurationMs: number };
    expect(m.billedDurationMs).toBeGreaterThanOrEqual(Math.floor(m.durationMs + m.initDurationMs));
    expect(m.billedDurationMs).toBeLessThanOrEqual(Math.ceil(m.durationMs + m.initDurationMs) + 1);
    const app = events.find((e) => e['message'] === 'hello from the handler { n: 1 }');
    expect(app).toMatchObject({ level: 'INFO', requestId: out.$metadata.requestId });
  });
});

describe('Function URL front', () => {
  it('sends a payload 2.0 event and maps a statusCode response; x-amzn-RequestId is the invocation id', async () => {
    const res = await fetch(`${emu.functionUrl('url')}items/7?color=red&color=blue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2' },
      body: JSON.stringify({ hello: 'url' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('yes');
    const requestId = res.headers.get('x-amzn-requestid');
    const event = (await res.json()) as Record<string, any>;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/7',
      rawQueryString: 'color=red&color=blue',
      queryStringParameters: { color: 'red,blue' },
      cookies: ['a=1', 'b=2'],
      body: '{"hello":"url"}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/items/7' }, requestId },
    });
    const truth = await truthFor(emu.endpoint, requestId ?? undefined);
    expect(truth).toMatchObject({ function: 'url', invocationType: 'FunctionUrl', status: 'success' });
  });

  it('returns a plain value as 200 JSON and a function error as 502', async () => {
    const plain = await fetch(`${emu.functionUrl('url')}plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ plain: true });
    const failed = await fetch(`${emu.functionUrl('url')}fail`);
    expect(failed.status).toBe(502);
    expect(failed.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('control plane', () => {
  it('lists and describes functions and sets reserved concurrency', async () => {
    const list = await lambda.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => f.FunctionName).sort()).toEqual(['ctx', 'custom', 'json', 'legacy', 'legacyFails', 'missing', 'nested', 'url']);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'ctx', ReservedConcurrentExecutions: 0 }));
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'ctx' }));
    expect(got.Configuration).toMatchObject({ FunctionName: 'ctx', MemorySize: 192, Timeout: 3, Runtime: expect.stringMatching(/^nodejs\d+\.x$/) });
    expect(got.Concurrency?.ReservedConcurrentExecutions).toBe(0);
    const throttled = await lambda.send(new InvokeCommand({ FunctionName: 'ctx' })).then(() => undefined, (e: unknown) => e as { name: string; Reason: string });
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'ctx' }));
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'ctx' }))).StatusCode).toBe(200);
  });
});

describe('log file', () => {
  it('appends every platform line and the handler output to <logDir>/<function>.log', async () => {
    const { out } = await invoke('legacy');
    await new Promise((r) => setTimeout(r, 50));
    const file = readFileSync(join(logDir, 'legacy.log'), 'utf8');
    expect(file).toContain(`START RequestId: ${out.$metadata.requestId}`);
    expect(file).toContain(`REPORT RequestId: ${out.$metadata.requestId}`);
  });
});
