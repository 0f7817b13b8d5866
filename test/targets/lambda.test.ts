import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunError } from '../../src/errors.js';
import type { LambdaClientKind, LambdaTargetConfig } from '../../src/profile/types.js';
import { createLambdaTarget } from '../../src/targets/lambda.js';
import type { LambdaTarget } from '../../src/targets/lambda.js';
import type { Outcome } from '../../src/targets/target.js';
import { fakeLambda as startFakeLambda, REQUEST_ID, SKEW_MS } from './lambda-api.js';
import type { FakeLambda, FakeOptions } from './lambda-api.js';
import { closeAll, refusedPort } from './servers.js';

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
process.on('unhandledRejection', onRejection);

/** Both ways of sending an Invoke: every test of the target runs through each. */
const CLIENTS: readonly LambdaClientKind[] = ['fast', 'sdk'];

const targets: LambdaTarget[] = [];
const tmpDirs: string[] = [];
const fakes: FakeLambda[] = [];

/** A fake Lambda whose every signed request is checked against its signature at the end of the test. */
async function fakeLambda(opts: FakeOptions = {}): Promise<FakeLambda> {
  const api = await startFakeLambda(opts);
  fakes.push(api);
  return api;
}

afterEach(async () => {
  const signatures = fakes.splice(0).flatMap((api) => api.seen.map((s) => s.signature));
  expect(signatures.filter((s) => s !== 'valid')).toEqual([]);
  vi.unstubAllEnvs();
  await Promise.all(targets.splice(0).map((t) => t.close()));
  await closeAll();
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

/** No credentials from the machine running the tests, and never a call to instance metadata. */
function isolateCredentials(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldbench-aws-'));
  tmpDirs.push(dir);
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
  writeFileSync(join(dir, 'credentials'), '');
  writeFileSync(join(dir, 'config'), '');
  return dir;
}

/** The client under test in the current describe block. */
let client: LambdaClientKind = 'fast';

async function target(endpoint: string, fn: string, extra: Partial<LambdaTargetConfig> = {}, connections = 4) {
  isolateCredentials();
  const t = await createLambdaTarget({ kind: 'lambda', function: fn, endpoint, timeoutMs: 5_000, client, ...extra }, { connections });
  targets.push(t);
  return t;
}

/** x-amz-date (20260115T123045Z) in epoch ms. */
function amzDateMs(text: string | undefined): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text ?? '');
  return m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

let seq = 0;
function send(t: LambdaTarget, signal = new AbortController().signal): Promise<Outcome> {
  return t.send({ seq: seq++, signal });
}

function invocations(api: FakeLambda): number {
  return api.seen.filter((s) => s.path.endsWith('/invocations')).length;
}

describe.each(CLIENTS)('Lambda target, client %s: outcomes', (kind) => {
  beforeEach(() => {
    client = kind;
  });

  it('a cold invocation: ok, REPORT parsed, start cold, one request with LogType Tail', async () => {
    const api = await fakeLambda({ coldDelayMs: 200 });
    const out = await send(await target(api.url, 'cold'));
    expect(out).toMatchObject({
      kind: 'ok',
      status: 200,
      requestId: REQUEST_ID,
      executedVersion: '$LATEST',
      start: 'cold',
      report: {
        type: 'report',
        requestId: REQUEST_ID,
        durationMs: 12.34,
        billedDurationMs: 180,
        memorySizeMB: 128,
        maxMemoryUsedMB: 67,
        initDurationMs: 167.89,
      },
    });
    expect(out.startReason).toEqual(expect.any(String));
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]).toMatchObject({ method: 'POST', logType: 'Tail', invocationType: 'RequestResponse' });
  });

  it('an Init Duration the caller did not wait for: start proactive', async () => {
    const api = await fakeLambda();
    const out = await send(await target(api.url, 'proactive'));
    expect(out).toMatchObject({ kind: 'ok', start: 'proactive', report: { initDurationMs: 5000 } });
  });

  it('a warm invocation of a qualifier: start warm, executed version', async () => {
    const api = await fakeLambda();
    const out = await send(await target(api.url, 'warm', { qualifier: 'live' }));
    expect(out).toMatchObject({ kind: 'ok', start: 'warm', executedVersion: '7', report: { durationMs: 2.5 } });
    expect(out.report?.initDurationMs).toBeUndefined();
    expect(api.seen[0]?.qualifier).toBe('live');
  });

  it('no log tail: start unknown', async () => {
    const api = await fakeLambda();
    const out = await send(await target(api.url, 'echo'));
    expect(out).toMatchObject({ kind: 'ok', start: 'unknown' });
    expect(out.report).toBeUndefined();
  });

  it('a function error: class function-error:<errorType>, with its REPORT', async () => {
    const api = await fakeLambda();
    const out = await send(await target(api.url, 'fails'));
    expect(out).toMatchObject({ kind: 'error', errorClass: 'function-error:TypeError', status: 200, report: { durationMs: 2.5 } });
  });

  it('a function error without errorType: class function-error:Unhandled', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'fails-untyped'))).toMatchObject({
      kind: 'error',
      errorClass: 'function-error:Unhandled',
    });
  });

  it('a throttle: kind throttled with its Reason, never retried', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'throttled');
    expect(await send(t)).toEqual({
      kind: 'throttled',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      status: 429,
      requestId: REQUEST_ID,
    });
    expect(await send(t)).toMatchObject({ kind: 'throttled' });
    expect(invocations(api)).toBe(2);
    expect(t.retriedSends).toBe(0);
  });

  it('says which client it sends with', async () => {
    const api = await fakeLambda();
    expect((await target(api.url, 'warm')).client).toBe(kind);
  });

  it('an Event invoke: 202 with the request id, no LogType, start unknown', async () => {
    const api = await fakeLambda();
    const out = await send(await target(api.url, 'warm', { invocationType: 'Event' }));
    expect(out).toEqual({
      kind: 'ok',
      status: 202,
      requestId: REQUEST_ID,
      start: 'unknown',
      startBasis: 'async invoke: no log tail, and coldStart.logs is not set',
      startReason: 'async invoke: no log tail, and coldStart.logs is not set',
    });
    expect(api.seen[0]).toMatchObject({ invocationType: 'Event', logType: undefined });
  });

  it('starts read from the logs: no start without a REPORT, classified with one', async () => {
    const api = await fakeLambda();
    const logs = { coldStartLogs: { function: 'echo', requestIdHeader: 'x-amzn-requestid', waitMs: 0, pollMs: 1000 } };
    const out = await send(await target(api.url, 'echo', logs));
    expect(out).toMatchObject({ kind: 'ok', status: 200, requestId: REQUEST_ID });
    expect(out.start).toBeUndefined();
    expect(out.startBasis).toBeUndefined();
    expect(await send(await target(api.url, 'warm', logs))).toMatchObject({ kind: 'ok', start: 'warm' });
  });

  it('an error type given only in the body: class lambda-<__type>', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'typed-in-body'))).toMatchObject({
      kind: 'error',
      errorClass: 'lambda-InvalidRequestContentException',
      status: 400,
      requestId: REQUEST_ID,
    });
  });

  it("a proxy's 502 that is not JSON: an error with the status, as the SDK names it", async () => {
    const api = await fakeLambda();
    // The SDK's deserializer fails to parse the body and throws a SyntaxError carrying the status.
    expect(await send(await target(api.url, 'bad-gateway'))).toMatchObject({ kind: 'error', errorClass: 'lambda-SyntaxError', status: 502 });
  });

  it('a throttle without a Reason: reason TooManyRequestsException', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'throttled-no-reason'))).toMatchObject({
      kind: 'throttled',
      reason: 'TooManyRequestsException',
    });
  });

  it('a missing function: class lambda-ResourceNotFoundException', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'nope'))).toMatchObject({
      kind: 'error',
      errorClass: 'lambda-ResourceNotFoundException',
      status: 404,
    });
    expect(invocations(api)).toBe(1);
  });

  it('a 500 ServiceException is not retried', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'unavailable'))).toMatchObject({
      kind: 'error',
      errorClass: 'lambda-ServiceException',
      status: 500,
    });
    expect(invocations(api)).toBe(1);
  });

  it('a reset connection: class reset, not retried', async () => {
    const api = await fakeLambda();
    expect(await send(await target(api.url, 'reset'))).toMatchObject({ kind: 'error', errorClass: 'reset' });
    expect(invocations(api)).toBe(1);
  });

  it('no answer: class timeout after the profile timeout', async () => {
    const api = await fakeLambda();
    const t0 = performance.now();
    expect(await send(await target(api.url, 'silent', { timeoutMs: 300 }))).toMatchObject({
      kind: 'error',
      errorClass: 'timeout',
    });
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(invocations(api)).toBe(1);
  });

  it('a refused endpoint: class connect-refused', async () => {
    const port = await refusedPort();
    expect(await send(await target(`http://127.0.0.1:${port}`, 'x'))).toMatchObject({
      kind: 'error',
      errorClass: 'connect-refused',
    });
  });

  it("the run's signal: class aborted", async () => {
    const api = await fakeLambda();
    const run = new AbortController();
    const pending = send(await target(api.url, 'silent'), run.signal);
    setTimeout(() => run.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'error', errorClass: 'aborted' });
  });

  it('fills the payload template per request', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'echo', { payload: '{"n":{{seq}},"id":"{{uuid}}","t":{{now}},"x":"n-{{seq}}"}' });
    const before = Date.now();
    await t.send({ seq: 41, signal: new AbortController().signal });
    await t.send({ seq: 42, signal: new AbortController().signal });
    const bodies = api.seen.map((s) => JSON.parse(s.body) as { n: number; id: string; t: number; x: string });
    expect(bodies.map((b) => b.n)).toEqual([41, 42]);
    expect(bodies[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[0]?.id).not.toBe(bodies[1]?.id);
    expect(bodies[0]?.t).toBeGreaterThanOrEqual(before);
    expect(bodies.map((b) => b.x)).toEqual(['n-41', 'n-42']);
  });

  it('refuses a payload with an unknown template function before anything is sent', async () => {
    const api = await fakeLambda();
    await expect(target(api.url, 'echo', { payload: '{"x":"{{other}}"}' })).rejects.toThrow(/unknown template function "other"/);
    expect(api.seen).toHaveLength(0);
  });

  it('N concurrent sends open N sockets, above the SDK default of 50', async () => {
    const n = 60;
    const api = await fakeLambda({ concurrentN: n });
    const t = await target(api.url, 'concurrent', {}, n);
    const outs = await Promise.all(Array.from({ length: n }, () => send(t)));
    expect(outs.filter((o) => o.kind === 'ok')).toHaveLength(n);
    expect(api.connections()).toBe(n);
    expect(invocations(api)).toBe(n);
  });
});

describe('Lambda target: both clients give the same outcome for the same answer', () => {
  const FUNCTIONS = [
    'cold', 'proactive', 'warm', 'echo', 'fails', 'fails-untyped', 'throttled', 'throttled-no-reason', 'nope', 'unavailable',
    'reset', 'bad-gateway', 'typed-in-body',
  ];

  /** An outcome without what depends on the client's own timing or wording of a socket error. */
  function comparable(out: Outcome): Partial<Outcome> {
    const { startReason: _reason, ...rest } = out;
    if (rest.kind === 'error' && !rest.errorClass.startsWith('lambda-')) delete (rest as { message?: string }).message;
    return rest;
  }

  it.each(FUNCTIONS)('%s', async (fn) => {
    const api = await fakeLambda();
    const outcomes: Record<string, Outcome> = {};
    for (const kind of CLIENTS) {
      client = kind;
      outcomes[kind] = await send(await target(api.url, fn, { payload: '{"n":{{seq}}}' }));
    }
    expect(comparable(outcomes['fast']!)).toEqual(comparable(outcomes['sdk']!));
    // The same request went out both times: same path, headers that matter and payload shape.
    const [a, b] = api.seen;
    const sameParts = (x: typeof a) => ({ ...x, authorization: undefined, amzDate: undefined, body: undefined });
    expect(sameParts(a)).toEqual(sameParts(b));
  });
});

describe.each(CLIENTS)('Lambda target, client %s: preflight', (kind) => {
  beforeEach(() => {
    client = kind;
  });

  it("returns the function's architecture and memory", async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'cold', { qualifier: 'live' });
    expect(await t.preflight()).toEqual({ architecture: 'arm64', memorySizeMB: 512, configurationSource: 'function' });
    expect(t.functionInfo).toEqual({ architecture: 'arm64', memorySizeMB: 512, configurationSource: 'function' });
    expect(api.seen[0]).toMatchObject({ method: 'GET', path: '/2015-03-31/functions/cold/configuration', qualifier: 'live' });
  });

  it('goes on without the configuration when access is denied, with what the profile states and a warning', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'denied', { memoryMB: 1024 });
    const info = await t.preflight();
    expect(info).toMatchObject({ memorySizeMB: 1024, configurationSource: 'profile' });
    expect(info.architecture).toBeUndefined();
    expect(info.warnings?.[0]).toMatch(/not allowed to read the configuration of "denied": going on with memory 1024 MB from the profile/);
  });

  it('a missing function: RunError naming the function and the endpoint', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'orders', { qualifier: 'live' });
    const err = await t.preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toBe(`Lambda function "orders:live" not found at ${api.url}`);
    expect((err as RunError).exitCode).toBe(1);
  });

  it('a refused endpoint: RunError naming the endpoint', async () => {
    const port = await refusedPort();
    const t = await target(`http://127.0.0.1:${port}`, 'orders');
    const err = await t.preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toBe(`cannot connect to http://127.0.0.1:${port}: connection refused`);
  });

  it('no credentials: RunError saying what to set', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'cold', { awsProfile: 'missing-profile' });
    const err = await t.preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toMatch(/^no AWS credentials for the Lambda target \(profile "missing-profile"\)/);
    expect((err as RunError).hint).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*target\.awsProfile/);
    expect(api.seen).toHaveLength(0);
  });

  it('no region: RunError saying what to set, before any request', async () => {
    const dir = isolateCredentials();
    writeFileSync(join(dir, 'credentials'), '[bench]\naws_access_key_id = AKIDBENCH\naws_secret_access_key = secret\n');
    const t = await createLambdaTarget({ kind: 'lambda', function: 'orders', awsProfile: 'bench', timeoutMs: 2_000, client }, { connections: 1 });
    targets.push(t);
    const err = await t.preflight().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as RunError).message).toBe('no AWS region for the Lambda target');
    expect((err as RunError).hint).toBe('set target.region in the profile, or AWS_REGION');
  });
});

describe.each(CLIENTS)('Lambda target, client %s: credentials', (kind) => {
  beforeEach(() => {
    client = kind;
  });

  it('signs with the named profile from the credentials file', async () => {
    const api = await fakeLambda();
    const dir = isolateCredentials();
    writeFileSync(
      join(dir, 'credentials'),
      '[bench]\naws_access_key_id = AKIDBENCHPROFILE\naws_secret_access_key = secret\n',
    );
    const t = await createLambdaTarget(
      { kind: 'lambda', function: 'warm', endpoint: api.url, awsProfile: 'bench', timeoutMs: 5_000, client },
      { connections: 1 },
    );
    targets.push(t);
    expect((await send(t)).kind).toBe('ok');
    expect(api.seen[0]?.authorization).toMatch(/Credential=AKIDBENCHPROFILE\/\d{8}\/us-east-1\/lambda\//);
  });

  it('uses dummy credentials for a loopback endpoint when none are configured', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'warm');
    expect((await send(t)).kind).toBe('ok');
    expect(api.seen[0]?.authorization).toMatch(/Credential=coldbench-local\//);
  });

  it("corrects its signing time by the service's clock, as the SDK does", async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'skewed');
    await send(t);
    await send(t);
    const [first, second] = api.seen.map((s) => amzDateMs(s.amzDate));
    expect(Math.abs(first! - Date.now())).toBeLessThan(60_000);
    // The first answer's Date header was 10 minutes ahead: the next request is signed at its time.
    expect(Math.abs(second! - (Date.now() + SKEW_MS))).toBeLessThan(60_000);
  });

  it('uses the region of the profile', async () => {
    const api = await fakeLambda();
    const t = await target(api.url, 'warm', { region: 'eu-west-1' });
    await send(t);
    expect(api.seen[0]?.authorization).toMatch(/\/eu-west-1\/lambda\//);
  });
});
