/**
 * Execution-environment semantics through @aws-sdk/client-lambda, checked against the ground
 * truth: cold / warm, idle eviction, timeout, throttle, init error, crash, update, and the
 * Invoke API's response kinds.
 */
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  type LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { client, fn, groundTruth, tail, text, truthFor } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const t = 'test/emulator/functions';
let emu: Emulator;
let lambda: LambdaClient;

beforeAll(async () => {
  emu = await startEmulator({
    baseDir: root,
    accountConcurrency: 50,
    functions: {
      hello: fn('profiles/functions/hello.handler', { environment: { INIT_MS: '20' } }),
      evict: fn('profiles/functions/hello.handler', { idleTimeoutMs: 300 }),
      slow: fn('profiles/functions/slow.handler', { timeoutMs: 1000 }),
      single: fn(`${t}/crash.handler`, { concurrency: 1 }),
      crash: fn(`${t}/crash.handler`),
      initerror: fn(`${t}/initerror.handler`),
      chatty: fn(`${t}/context.handler`),
      upd: fn(`${t}/context.handler`),
    },
  });
  lambda = client(emu.endpoint);
});

afterAll(async () => {
  lambda?.destroy();
  await emu?.close();
});

function invoke(name: string, payload: unknown = {}): Promise<InvokeCommandOutput> {
  return lambda.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload) }));
}

function reportOf(logTail: string): Record<string, string> {
  const line = logTail.split('\n').find((l) => l.startsWith('REPORT '));
  if (line === undefined) throw new Error(`no REPORT in ${logTail}`);
  return Object.fromEntries(line.replace(/^REPORT /, '').split('\t').filter((f) => f !== '').map((f) => f.split(': ') as [string, string]));
}

/** A killed child is gone once reaped; give a loaded machine a moment (bounded) to get there. */
async function goneSoon(pid: number | null): Promise<boolean> {
  for (let i = 0; i < 40 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cold and warm', () => {
  it('starts cold, then reuses the warm environment', async () => {
    const cold = await invoke('hello', { name: 'a' });
    const warm = await invoke('hello', { name: 'b' });
    const coldBody = JSON.parse(text(cold.Payload)) as { requestId: string; message: string };
    expect(cold.StatusCode).toBe(200);
    expect(cold.ExecutedVersion).toBe('$LATEST');
    expect(cold.FunctionError).toBeUndefined();
    expect(coldBody.message).toBe('hello a');
    expect(coldBody.requestId).toBe(cold.$metadata.requestId);

    const coldTail = tail(cold.LogResult);
    expect(coldTail).toMatch(/^INIT_START Runtime Version: nodejs:\d+\.v\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\n/);
    expect(coldTail).toContain(`START RequestId: ${cold.$metadata.requestId} Version: $LATEST\n`);
    expect(coldTail).toContain(`END RequestId: ${cold.$metadata.requestId}\n`);
    expect(coldTail).toMatch(/\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t\n$/);
    const r = reportOf(coldTail);
    expect(r['Duration']).toMatch(/^\d+\.\d\d ms$/);
    expect(r['Memory Size']).toBe('128 MB');
    // Billed Duration = ceil(Duration + Init Duration), as billed since August 2025.
    const billed = Math.ceil(parseFloat(r['Duration']!) + parseFloat(r['Init Duration']!));
    expect([billed, billed + 1]).toContain(parseInt(r['Billed Duration']!, 10));
    expect(parseInt(r['Max Memory Used']!, 10)).toBeGreaterThan(5);

    const warmTail = tail(warm.LogResult);
    expect(warmTail).not.toContain('INIT_START');
    expect(warmTail).not.toContain('Init Duration');

    const a = await truthFor(emu.endpoint, cold.$metadata.requestId);
    const b = await truthFor(emu.endpoint, warm.$metadata.requestId);
    expect(a).toMatchObject({ function: 'hello', firstInEnvironment: true, status: 'success', invocationType: 'RequestResponse' });
    expect(a.initDurationMs).toBeGreaterThanOrEqual(20); // INIT_MS=20 of busy work at least
    expect(b).toMatchObject({ firstInEnvironment: false, environmentId: a.environmentId });
    expect(b.initDurationMs).toBeUndefined();
  });

  it('evicts an idle environment after idleTimeout, so the next invocation is cold', async () => {
    const first = await invoke('evict');
    await new Promise((r) => setTimeout(r, 900));
    const second = await invoke('evict');
    expect(tail(second.LogResult)).toContain('Init Duration');
    const a = await truthFor(emu.endpoint, first.$metadata.requestId);
    const b = await truthFor(emu.endpoint, second.$metadata.requestId);
    expect(b.firstInEnvironment).toBe(true);
    expect(b.environmentId).not.toBe(a.environmentId);
    const retired = emu.environments().find((e) => e.id === a.environmentId);
    expect(retired).toMatchObject({ reason: 'idle' });
    expect(await goneSoon(retired!.pid)).toBe(true);
  });
});

describe('failures', () => {
  it('kills the environment on timeout and reports Status: timeout', async () => {
    const out = await invoke('slow', { sleepMs: 10_000 });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${out.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
    });
    expect(reportOf(tail(out.LogResult))['Status']).toBe('timeout');
    const truth = await truthFor(emu.endpoint, out.$metadata.requestId);
    expect(truth).toMatchObject({ status: 'timeout', errorType: 'Sandbox.Timedout' });
    expect(truth.durationMs).toBeGreaterThanOrEqual(1000); // the whole timeout, never a timer's early millisecond
    const env = emu.environments().find((e) => e.id === truth.environmentId);
    expect(env).toMatchObject({ reason: 'timeout' });
    expect(await goneSoon(env!.pid)).toBe(true);
  });

  it('throttles past reserved concurrency at once, with the reason, and records it', async () => {
    const results = await Promise.allSettled([invoke('single', { sleepMs: 600 }), invoke('single', { sleepMs: 600 })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    const err = failed[0]!.reason as { name: string; Reason: string; $metadata: { httpStatusCode: number; requestId: string } };
    expect(err.name).toBe('TooManyRequestsException');
    expect(err.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(err.$metadata.httpStatusCode).toBe(429);
    const truth = await truthFor(emu.endpoint, err.$metadata.requestId);
    expect(truth).toMatchObject({ status: 'throttled', environmentId: null, throttleReason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
  });

  it('reports an init error with INIT_REPORT lines, a suppressed init, and keeps serving', async () => {
    const out = await invoke('initerror');
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'Error', errorMessage: 'boom at init' });
    const logTail = tail(out.LogResult);
    expect(logTail).toMatch(/INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Error\n/);
    expect(logTail).toMatch(/INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: invoke\tStatus: error\tError Type: Error\n/);
    expect(reportOf(logTail)).toMatchObject({ Status: 'error', 'Error Type': 'Error' });
    expect(reportOf(logTail)['Init Duration']).toBeUndefined();
    const truth = await truthFor(emu.endpoint, out.$metadata.requestId);
    expect(truth).toMatchObject({ status: 'error', suppressedInit: true, firstInEnvironment: true });
    expect((await invoke('hello')).StatusCode).toBe(200);
  });

  it('reports Runtime.ExitError when the process exits mid-invocation, then starts a new environment', async () => {
    const out = await invoke('crash', { exit: 3 });
    expect(out.FunctionError).toBe('Unhandled');
    const message = `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: exit status 3`;
    expect(JSON.parse(text(out.Payload))).toEqual({ errorType: 'Runtime.ExitError', errorMessage: message });
    const logTail = tail(out.LogResult);
    expect(logTail).toContain('about to exit');
    expect(logTail).toContain(`${message}\nRuntime.ExitError\n`);
    expect(reportOf(logTail)).toMatchObject({ Status: 'error', 'Error Type': 'Runtime.ExitError' });
    const again = await invoke('crash', {});
    const a = await truthFor(emu.endpoint, out.$metadata.requestId);
    const b = await truthFor(emu.endpoint, again.$metadata.requestId);
    expect(b).toMatchObject({ status: 'success', firstInEnvironment: true });
    expect(b.environmentId).not.toBe(a.environmentId);
  });

  it('reports an uncaught exception against the running invocation', async () => {
    const out = await invoke('crash', { uncaught: true });
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'Error', errorMessage: 'thrown from a timer' });
  });

  it('keeps only the last 4 KB of a log that is megabytes long', async () => {
    const out = await invoke('chatty', { printMB: 8 });
    expect(out.StatusCode).toBe(200);
    const logResult = Buffer.from(out.LogResult ?? '', 'base64');
    expect(logResult.length).toBeLessThanOrEqual(4096);
    expect(logResult.length).toBeGreaterThan(3000);
    const s = logResult.toString('utf8');
    expect(s).toContain('last line after megabytes');
    expect(s).toMatch(/REPORT RequestId: [^\n]+\t\n$/);
  });
});

describe('configuration update', () => {
  it('retires the environments, so the next invocation is cold with the new settings', async () => {
    const before = await invoke('upd');
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'upd', MemorySize: 256, Environment: { Variables: { MY_VAR: 'v2' } } }),
    );
    expect(updated.LastUpdateStatus).toBe('InProgress');
    expect(updated.MemorySize).toBe(256);
    let status = updated.LastUpdateStatus;
    for (let i = 0; i < 50 && status !== 'Successful'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'upd' }))).LastUpdateStatus;
    }
    expect(status).toBe('Successful');
    const after = await invoke('upd');
    const body = JSON.parse(text(after.Payload)) as { memoryLimitInMB: string; env: { MY_VAR: string } };
    expect(body.memoryLimitInMB).toBe('256');
    expect(body.env.MY_VAR).toBe('v2');
    expect(reportOf(tail(after.LogResult))['Memory Size']).toBe('256 MB');
    const a = await truthFor(emu.endpoint, before.$metadata.requestId);
    const b = await truthFor(emu.endpoint, after.$metadata.requestId);
    expect(b.firstInEnvironment).toBe(true);
    expect(b.environmentId).not.toBe(a.environmentId);
    expect(emu.environments().find((e) => e.id === a.environmentId)).toMatchObject({ reason: 'update' });
  });
});

describe('Invoke API response kinds', () => {
  it('answers Event with 202 and runs the invocation afterwards', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello', InvocationType: 'Event', Payload: '{}' }));
    expect(out.StatusCode).toBe(202);
    let found;
    for (let i = 0; i < 100 && found === undefined; i++) {
      found = (await groundTruth(emu.endpoint)).find((x) => x.requestId === out.$metadata.requestId && x.status === 'success');
      if (found === undefined) await new Promise((r) => setTimeout(r, 30));
    }
    expect(found).toMatchObject({ invocationType: 'Event', function: 'hello' });
  });

  it('answers DryRun with 204 and runs nothing', async () => {
    const before = (await groundTruth(emu.endpoint)).length;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'hello', InvocationType: 'DryRun' }));
    expect(out.StatusCode).toBe(204);
    expect((await groundTruth(emu.endpoint)).length).toBe(before);
  });

  it.each([
    ['an unknown function', { FunctionName: 'nope' }, 'ResourceNotFoundException', 404],
    ['an unknown qualifier', { FunctionName: 'hello', Qualifier: 'v9' }, 'ResourceNotFoundException', 404],
    ['invalid JSON', { FunctionName: 'hello', Payload: '{not json' }, 'InvalidRequestContentException', 400],
    ['a payload over 6 MB', { FunctionName: 'hello', Payload: JSON.stringify('x'.repeat(6 * 1024 * 1024)) }, 'RequestTooLargeException', 413],
  ])('throws the SDK class for %s', async (_label, input, name, status) => {
    const payload = 'Payload' in input ? Buffer.from(input.Payload) : undefined;
    const err = (await lambda
      .send(new InvokeCommand({ ...input, ...(payload !== undefined ? { Payload: payload } : {}) }))
      .then(() => undefined, (e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } } | undefined;
    expect(err?.name).toBe(name);
    expect(err?.$metadata.httpStatusCode).toBe(status);
  });

  it('accepts the $LATEST qualifier and a full ARN', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:hello', Qualifier: '$LATEST' }),
    );
    expect(out.StatusCode).toBe(200);
  });
});

describe('close', () => {
  it('ends every child process and is idempotent', async () => {
    const pids = emu.environments().filter((e) => e.retiredAt === undefined).map((e) => e.pid);
    expect(pids.length).toBeGreaterThan(0);
    await Promise.all([emu.close(), emu.close()]);
    const gone = await Promise.all(pids.map(goneSoon));
    expect(gone.every(Boolean)).toBe(true);
    expect(emu.environments().every((e) => e.retiredAt !== undefined)).toBe(true);
  });
});
