/**
 * The run-level figures read from the logs (logs.runLevel: every REPORT timed inside the run,
 * whoever sent its request) against the emulator's ground truth. Lines are ingested 2 s after
 * they are written, so the reading must go on past the run's end also when no request waits for
 * its line (starts known from the log tail, answers without an id), and a window read again after
 * its ids were forgotten (async runs read for the whole wait) must not count its lines twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { parseProfileText } from '../../src/profile/index.js';
import type { Result } from '../../src/result/result.js';
import { runProfile } from '../../src/run/run-profile.js';
import { fn, groundTruth, profilesDir } from '../emulator/helpers.js';

let emulator: Emulator;

beforeAll(async () => {
  const spec = { concurrency: 8, idleTimeoutMs: 3000, environment: { INIT_MS: '150', WORK_MS: '50' }, logDelayMs: 2000 };
  emulator = await startEmulator({
    baseDir: profilesDir,
    accountConcurrency: 1000,
    functions: {
      events: fn('functions/hello.handler', spec),
      tail: fn('functions/hello.handler', spec),
      noid: fn('functions/hello.handler', spec),
      before: fn('functions/hello.handler', spec),
      short: fn('functions/hello.handler', spec),
      gwfield: fn('functions/hello.handler', spec),
    },
  });
});

afterAll(async () => {
  await emulator?.close();
});

const LOAD = 'load: { model: open, maxInFlight: 100, phases: [ { constant: { rate: 20, duration: 2s } }, { burst: { count: 10 } }, { idle: 4s }, { burst: { count: 20 } } ] }';

async function run(name: string, target: string, steps: string[] = []): Promise<Result> {
  return runProfile(parseProfileText(`name: ${name}\ntarget: ${target}\n${LOAD}\n`, { file: `${name}.yaml`, baseDir: profilesDir, env: {} }), { onStep: (s) => steps.push(s) });
}

/** The function's REPORTs timed inside the run's window (a line's time is its invocation's end); `slackMs` either side may fall either way. */
async function reportsInside(fn: string, result: Result, slackMs: number): Promise<{ low: number; high: number; cold: [number, number] }> {
  const truth = (await groundTruth(emulator.endpoint)).filter((i) => i.function === fn && i.status !== 'throttled');
  const from = Date.parse(result.startedAt);
  const to = Date.parse(result.endedAt);
  const within = (margin: number) => truth.filter((i) => i.endedAt >= from - margin && i.endedAt <= to + margin);
  const [sure, maybe] = [within(-slackMs), within(slackMs)];
  const cold = (list: typeof truth): number => list.filter((i) => i.firstInEnvironment).length;
  return { low: sure.length, high: maybe.length, cold: [cold(sure), cold(maybe)] };
}

function expectBetween(value: number, [low, high]: [number, number]): void {
  expect(value).toBeGreaterThanOrEqual(low);
  expect(value).toBeLessThanOrEqual(high);
}

describe('logs.runLevel against the ground truth', () => {
  it('async invokes: every REPORT inside the run once, though the reading goes on for the whole wait', async () => {
    const steps: string[] = [];
    const result = await run('events', `{ kind: lambda, function: events, endpoint: ${emulator.endpoint}, invocationType: Event, coldStart: { logs: { wait: 8s, poll: 500ms } } }`, steps);
    // Text REPORTs do not say whether an attempt failed: the wait is for retries, and says so.
    expect(steps.join('\n')).toMatch(/reading the function's logs: (\d+ requests? not matched yet, )?\d+ async events? that may still be retried/);
    const inside = await reportsInside('events', result, 5);
    expect(inside.low).toBeGreaterThan(30);
    expectBetween(result.logs!.runLevel.invocations, [inside.low, inside.high]);
    expectBetween(result.logs!.runLevel.coldStarts, inside.cold);
    expect(result.logs!.runLevel.init!.count).toBe(result.logs!.runLevel.coldStarts);
  }, 60_000);

  it('starts known from the log tail: the reading goes on until the run\'s last lines are in', async () => {
    const result = await run('tail', `{ kind: lambda, function: tail, endpoint: ${emulator.endpoint}, coldStart: { logs: { wait: 20s, poll: 500ms } } }`);
    const inside = await reportsInside('tail', result, 5);
    expect(result.logs!.waitedMs).toBeGreaterThanOrEqual(2000);
    expect(result.logs!.waitedMs).toBeLessThan(20_000);
    expectBetween(result.logs!.runLevel.invocations, [inside.low, inside.high]);
    expectBetween(result.logs!.runLevel.coldStarts, inside.cold);
    // The REPORTs are this run's, though their tails decided the starts: claimed, not unclaimed.
    expect(result.logs).toMatchObject({ claimedReports: result.counts.sent - result.counts.throttles, unclaimedReports: 0 });
  }, 60_000);

  it('answers without a request id: the run-level figures are complete', async () => {
    const result = await run('noid', `{ kind: http, url: ${emulator.functionUrl('noid')}, coldStart: { logs: { function: noid, endpoint: ${emulator.endpoint}, requestIdHeader: x-no-such-header, wait: 20s, poll: 500ms } } }`);
    expect(result.logs!.perRequest).toBe(false);
    const inside = await reportsInside('noid', result, 5);
    expectBetween(result.logs!.runLevel.invocations, [inside.low, inside.high]);
    expectBetween(result.logs!.runLevel.coldStarts, inside.cold);
    expect(result.warnings.join('\n')).toMatch(/no response carried a request id/);
  }, 60_000);
});

describe('lines that are not the run\'s, and a run too short to see any lag', () => {
  it('counts another client\'s invocations just before the run as unclaimed, not in the run', async () => {
    // Read from 5 s before the start (log clocks may lag ours): those lines are read, but are not the run's.
    for (let i = 0; i < 6; i++) expect((await fetch(emulator.functionUrl('before'))).status).toBe(200);
    const result = await run('before', `{ kind: http, url: ${emulator.functionUrl('before')}, coldStart: { logs: { function: before, endpoint: ${emulator.endpoint}, wait: 20s, poll: 500ms } } }`);
    const inside = await reportsInside('before', result, 5);
    expectBetween(result.logs!.runLevel.invocations, [inside.low, inside.high]);
    expect(result.logs!.claimedReports).toBe(result.counts.sent - result.counts.throttles);
    expect(result.logs!.unclaimedReports).toBe(6);
  }, 60_000);

  it('answers without an id, 3 requests and no line read during the load: reads on until they come', async () => {
    const result = await runProfile(parseProfileText(`name: short
target: { kind: http, url: ${emulator.functionUrl('short')}, coldStart: { logs: { function: short, endpoint: ${emulator.endpoint}, requestIdHeader: x-no-such-header, wait: 20s, poll: 10m } } }
load: { phases: [ { burst: { count: 3 } } ] }
`, { file: 'short.yaml', baseDir: profilesDir, env: {} }));
    expect(result.logs!.runLevel.invocations).toBe(3);
    expect(result.logs!.problems).toEqual([]);
    // Lines come 2 s after they are written; a poll of 10 minutes does not hold the reading after the load.
    expect(result.logs!.waitedMs).toBeLessThan(10_000);
  }, 60_000);
});

describe('an access log that does not log the Lambda id under the name given', () => {
  it('leaves the requests unknown with a problem naming the field, not "never reached the function"', async () => {
    const result = await runProfile(parseProfileText(`name: gwfield
target:
  kind: http
  url: ${emulator.apiGatewayUrl('gwfield')}
  coldStart: { logs: { function: gwfield, endpoint: ${emulator.endpoint}, wait: 20s, poll: 500ms, accessLog: { logGroup: ${emulator.accessLogGroup('gwfield')}, lambdaRequestIdField: awsEndpointRequestId } } }
load: { phases: [ { burst: { count: 4 } } ] }
`, { file: 'gwfield.yaml', baseDir: profilesDir, env: {} }));
    expect(result.counts).toMatchObject({ ok: 4, unknown: 4 });
    expect(result.logs).toMatchObject({ notInvoked: 0, unmatched: 4, complete: false });
    expect(result.logs!.problems.join('\n')).toMatch(/4 access-log lines have no field "awsEndpointRequestId" \(coldStart\.logs\.accessLog\.lambdaRequestIdField\)/);
  }, 60_000);
});

describe('the function whose logs are read, checked before the load', () => {
  async function refusal(logs: string): Promise<{ message: string; hint?: string }> {
    const started = Date.now();
    const err = await run('refused', `{ kind: http, url: ${emulator.functionUrl('noid')}, coldStart: { logs: ${logs} } }`).then(
      () => undefined,
      (e: unknown) => e as { message: string; hint?: string },
    );
    expect(err, 'the run was not refused').toBeDefined();
    expect(Date.now() - started).toBeLessThan(15_000);
    return err!;
  }

  it('names the logs fields in its hints, not the target\'s', async () => {
    const missing = await refusal(`{ function: nosuch, endpoint: ${emulator.endpoint} }`);
    expect(missing.message).toMatch(/Lambda function "nosuch" not found/);
    expect(missing.hint).toBe('check target.coldStart.logs.function, and target.coldStart.logs.region or target.coldStart.logs.endpoint');
    const refused = await refusal('{ function: noid, endpoint: "http://127.0.0.1:1" }');
    expect(refused.message).toMatch(/connection refused/);
    expect(refused.hint).toMatch(/fix target\.coldStart\.logs\.endpoint$/);
  });
});
